"""The deliverables grid: a cell per shot and format, with the take it shows, its state and
what it cost; a page of shots at a time for the grid page, the whole campaign for the rest
(missing formats, the delivery, the storyboard, the campaign's status)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from generation.models import IN_FLIGHT, RenderStatus
from studio.models import (
    Campaign,
    CellStatus,
    Decision,
    Deliverable,
    Format,
    Shot,
    Take,
    Verdict,
    name_formats,
)
from studio.review.states import (
    PENDING,
    Approval,
    approval,
    delivered_take,
    newest_decisions,
    required_for,
    undoable,
)


@dataclass
class Cell:
    shot: Shot
    format: Format
    takes: list[Take]
    hero: Take | None  # chosen, else the shot's hero or newest approved take of the format
    poster: Take | None  # the hero, else the newest finished take of the format
    status: str
    approval: Approval = PENDING  # of the take the cell shows
    cost: Decimal = Decimal("0")

    @property
    def approver(self) -> str:
        return ", ".join(self.approval.approved_by) if self.status == CellStatus.APPROVED else ""

    @property
    def label(self) -> str:
        return CellStatus(self.status).label

    @property
    def missing(self) -> bool:
        return self.status in (CellStatus.MISSING, CellStatus.FAILED)

    @property
    def in_flight(self) -> bool:
        """A take of the cell is rendering, or the one it shows still waits for its poster (the
        grid keeps asking until it has it)."""
        return any(t.status in IN_FLIGHT for t in self.takes) or bool(
            self.poster and self.poster.posters_pending
        )


GRID_PAGE = 50  # shots (rows) a page of the grid renders


@dataclass
class GridPage:
    """Which shots a grid holds: page `number` of `pages`, its first row's number, of `total`."""

    number: int = 1
    pages: int = 1
    first: int = 1
    total: int = 0

    @classmethod
    def of(cls, shots: int, number: int) -> GridPage:
        pages = max(1, -(-shots // GRID_PAGE))
        number = min(max(1, number), pages)
        return cls(number, pages, (number - 1) * GRID_PAGE + 1, shots)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


@dataclass
class Grid:
    campaign: Campaign
    formats: list[Format]
    shots: list[Shot]
    rows: list[tuple[Shot, list[Cell]]]
    takes: dict[int, list[Take]]  # every take of each shot, newest first
    page: GridPage = field(default_factory=GridPage)  # the whole campaign unless paged

    @property
    def last(self) -> int:
        return self.page.first + len(self.rows) - 1

    @property
    def cells(self) -> list[Cell]:
        return [cell for _, cells in self.rows for cell in cells]

    @property
    def in_flight(self) -> bool:
        return any(cell.in_flight for cell in self.cells)

    def counts(self) -> list[tuple[str, str, int]]:
        """(status, label, number of cells) for the statuses the grid has."""
        counts = dict.fromkeys(CellStatus, 0)
        for cell in self.cells:
            counts[CellStatus(cell.status)] += 1
        return [(status.value, status.label, n) for status, n in counts.items() if n]


def grid(campaign: Campaign, viewer=None, page: int | None = None) -> Grid:
    """Every cell of the campaign's grid (or of page `page` of its shots, GRID_PAGE a page: a
    long campaign costs what a page costs) in seven queries (eight when it has several pages),
    whatever the number of shots, formats and takes; each take knows its formats, its approval
    and (for `viewer`) the decision they may still undo."""
    formats = list(campaign.formats.all())
    shots_of = campaign.shots.all()
    where = GridPage(total=0)
    if page is not None and page > 1:
        where = GridPage.of(shots_of.count(), page)
        shots = list(shots_of[where.first - 1 : where.first - 1 + GRID_PAGE])
    elif page is not None:  # the first page: counted only when there is more than a page
        shots = list(shots_of[: GRID_PAGE + 1])
        where = GridPage.of(shots_of.count() if len(shots) > GRID_PAGE else len(shots), 1)
        shots = shots[:GRID_PAGE]
    else:
        shots = list(shots_of)
        where.total = len(shots)
    pks = [shot.pk for shot in shots]
    takes = list(
        Take.objects.filter(shot_id__in=pks)
        .only(
            "pk",
            "shot_id",
            "take",
            "status",
            "size",
            "model_key",
            "thumbnail_key",
            "billed",
            "cost_estimate",
            "cost_actual",
            "seconds",
            "duration_ms",
            "video_key",
            "completed_at",
            "next_poll_at",
            "cut_from",
        )
        .order_by("shot_id", "-take")
    )
    decisions = list(
        Decision.objects.filter(
            render_id__in=Take.objects.filter(shot_id__in=pks).values("pk")
        ).select_related("reviewer")
    )
    required = required_for(campaign.pk)
    newest = newest_decisions(decisions)
    take_approvals = {pk: approval(mine, required) for pk, mine in newest.items()}
    own = undoable(newest, viewer)
    take_verdicts = {pk: a.verdict for pk, a in take_approvals.items() if a.verdict}
    chosen = {
        (d.shot_id, d.format_id): d.hero_id for d in Deliverable.objects.filter(shot_id__in=pks)
    }
    name_formats(takes, formats)
    for take in takes:  # what a cell's decision control shows
        take.approval = take_approvals.get(take.pk) or approval({}, required)
        take.undoable = own.get(take.pk)
    by_shot: dict[int, list[Take]] = {}
    for take in takes:
        by_shot.setdefault(take.shot_id, []).append(take)
    rows = []
    for shot in shots:
        mine = by_shot.get(shot.pk, [])
        cells = [
            _cell(shot, fmt, mine, chosen.get((shot.pk, fmt.pk)), take_verdicts) for fmt in formats
        ]
        rows.append((shot, cells))
    return Grid(campaign, formats, shots, rows, by_shot, where)


def _cell(shot, fmt, shot_takes, chosen_id, take_verdicts) -> Cell:
    takes = [t for t in shot_takes if fmt.accepts(t.size, t.model_key)]
    done = [t for t in takes if t.status == RenderStatus.COMPLETED]
    hero = delivered_take(done, chosen_id, shot.hero_take_id, take_verdicts)
    poster = hero or shot.representative_take(done)
    if hero is not None and take_verdicts.get(hero.pk) == Verdict.APPROVED:
        status = CellStatus.APPROVED
    elif any(t.status in IN_FLIGHT for t in takes) and not done:
        status = CellStatus.RENDERING
    elif poster is not None:
        decided = take_verdicts.get(poster.pk)
        status = (
            CellStatus.CHANGES_REQUESTED
            if decided == Verdict.CHANGES_REQUESTED
            else CellStatus.IN_REVIEW
        )
    elif takes:
        status = CellStatus.FAILED
    else:
        status = CellStatus.MISSING
    cost = sum((t.cost for t in takes), Decimal("0"))
    shown = poster or hero
    approval = getattr(shown, "approval", PENDING) if shown else PENDING
    return Cell(shot, fmt, takes, hero, poster, status, approval, cost)
