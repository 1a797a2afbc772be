"""The deliverables grid: shots × formats, each cell's hero take, and "generate missing formats"
(planned and priced before anything is sent, queued under the campaign's budget lock)."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max

from generation import budget, catalog
from generation.models import IN_FLIGHT, Render, RenderStatus
from studio.models import (
    DEFAULT_FORMAT_NAMES,
    TARGET_FORMATS,
    Campaign,
    CellStatus,
    Decision,
    Deliverable,
    Format,
    Shot,
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
from studio.shots import editing

ASPECTS = dict(TARGET_FORMATS)


# --------------------------------------------------------------------------- formats


def add_format(campaign: Campaign, name: str, aspect: str) -> Format:
    """A new format at the end of the campaign's list. Raises ValueError with the reason."""
    name = " ".join(name.split())[:60]
    if aspect not in ASPECTS:
        raise ValueError(f"Choose one of the aspects {', '.join(ASPECTS)}.")
    if not name:
        raise ValueError("Give the format a name, such as “Reels”.")
    if campaign.formats.filter(name__iexact=name).exists():
        raise ValueError(f"This campaign already has a format called “{name}”.")
    last = campaign.formats.aggregate(m=Max("position"))["m"] or 0
    try:
        with transaction.atomic():
            return Format.objects.create(
                campaign=campaign, name=name, aspect=aspect, position=last + 1
            )
    except IntegrityError:
        raise ValueError(f"This campaign already has a format called “{name}”.") from None


def set_aspects(campaign: Campaign, aspects: list[str]) -> None:
    """The campaign form's checkboxes: add a format for each newly ticked aspect (with its
    usual name) and remove the formats of aspects no longer ticked; others are kept as named."""
    wanted = [a for a in dict.fromkeys(aspects) if a in ASPECTS]
    campaign.formats.exclude(aspect__in=wanted).delete()
    have = set(campaign.formats.values_list("aspect", flat=True))
    for aspect in wanted:
        if aspect not in have:
            name = DEFAULT_FORMAT_NAMES.get(aspect, aspect)
            if campaign.formats.filter(name__iexact=name).exists():
                name = f"{name} {aspect}"
            add_format(campaign, name, aspect)


# --------------------------------------------------------------------------- the grid


@dataclass
class Cell:
    shot: Shot
    format: Format
    takes: list[Render]
    hero: Render | None  # chosen, else the shot's hero or newest approved take of the format
    poster: Render | None  # the hero, else the newest finished take of the format
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
    takes: dict[int, list[Render]]  # every take of each shot, newest first
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
        Render.objects.filter(shot_id__in=pks)
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
        )
        .order_by("shot_id", "-take")
    )
    decisions = list(
        Decision.objects.filter(
            render_id__in=Render.objects.filter(shot_id__in=pks).values("pk")
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
    by_shot: dict[int, list[Render]] = {}
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
    cost = sum((t.cost_actual or t.cost_estimate for t in takes if t.billed), Decimal("0"))
    shown = poster or hero
    return Cell(shot, fmt, takes, hero, poster, status, shown.approval if shown else PENDING, cost)


# --------------------------------------------------------------------------- missing formats


@dataclass
class PlannedTake:
    """One take "generate missing formats" would queue: a shot at the size that serves one or
    more of its missing cells."""

    shot: Shot
    formats: list[Format]
    size: str
    exact: bool  # False: the model has no size of this aspect; the nearest is used
    seconds: int
    cost: Decimal | None
    problem: str = ""

    @property
    def note(self) -> str:
        notes = []
        if not self.exact:
            wanted = ", ".join(f.aspect for f in self.formats)
            notes.append(
                f"{catalog.require(self.shot.model_key).label} makes no {wanted}; "
                f"nearest is {catalog.size_label(self.size)}"
            )
        if self.seconds != self.shot.seconds:
            notes.append(f"{self.seconds} s instead of {self.shot.seconds} s at this size")
        return "; ".join(notes)


@dataclass
class Plan:
    takes: list[PlannedTake]
    budget: Decimal | None  # the campaign's hard budget
    committed: Decimal  # spent or promised already

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed

    @property
    def ready(self) -> list[PlannedTake]:
        return [p for p in self.takes if not p.problem]

    @property
    def total(self) -> Decimal | None:
        costs = [p.cost for p in self.ready]
        known = [c for c in costs if c is not None]
        return None if len(known) < len(costs) else sum(known, Decimal("0"))

    @property
    def signature(self) -> str:
        """What the person confirms: every planned take (shot, size, length, price, problem)
        and how many fit. The plan made again under the lock must have the same one."""
        seen = [
            (p.shot.pk, p.size, p.seconds, str(p.cost), p.problem, [f.pk for f in p.formats])
            for p in self.takes
        ]
        text = json.dumps([seen, self.fits], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def fits(self) -> int:
        """How many of the ready takes, in grid order, fit in what is left of the budget."""
        left = self.remaining
        if left is None:
            return len(self.ready)
        count = 0
        for planned in self.ready:
            if planned.cost is None or planned.cost > left:
                break
            left -= planned.cost
            count += 1
        return count


def plan_missing(campaign: Campaign, the_grid: Grid | None = None) -> Plan:
    """The takes that would fill the missing (or failed) cells, each at the size its format
    needs on the shot's model, with its price and the budget check of today."""
    the_grid = the_grid or grid(campaign)
    planned: dict[tuple[int, str], PlannedTake] = {}
    for shot, cells in the_grid.rows:
        for cell in cells:
            if not cell.missing:
                continue
            sized = cell.format.size_for(shot.model_key)
            if sized is None:
                key = (shot.pk, f"?{cell.format.pk}")
                planned[key] = PlannedTake(
                    shot, [cell.format], "", False, shot.seconds, None, "Unknown model."
                )
                continue
            size, exact = sized
            if (shot.pk, size) in planned:
                planned[(shot.pk, size)].formats.append(cell.format)
                continue
            planned[(shot.pk, size)] = _planned(shot, cell.format, size, exact)
    committed = budget.committed(campaign.pk) if campaign.budget is not None else Decimal("0")
    return Plan(list(planned.values()), campaign.budget, committed)


def _planned(shot: Shot, fmt: Format, size: str, exact: bool) -> PlannedTake:
    model = catalog.require(shot.model_key)
    allowed = model.durations_for(size)
    seconds = (
        shot.seconds
        if shot.seconds in allowed
        else min(allowed, key=lambda s: (abs(s - shot.seconds), s))
    )
    audio = shot.wants_sound(model)
    cost = budget.estimate(model.key, size, seconds, audio)
    problem = "" if model.offered else model.unavailable_reason()
    if not problem and cost is None and shot.campaign.budget is not None:
        problem = "No published price at this size, so the hard budget cannot be checked."
    return PlannedTake(shot, [fmt], size, exact, seconds, cost, problem)


@dataclass
class MissingResult:
    queued: list[Render]
    skipped: list[tuple[PlannedTake, str]]
    changed: Plan | None = None  # the plan as it is now, when it is not the one confirmed


def generate_missing(
    campaign: Campaign, user, batch_key: uuid.UUID, signature: str
) -> MissingResult:
    """Queue the planned takes in grid order while they fit the hard budget: exactly the plan
    the person confirmed (its `signature`). The plan is made again under the campaign's lock;
    when it differs (a take finished or failed, someone queued, the budget moved), nothing is
    queued and the new plan is returned to be confirmed. So parallel requests never queue a
    cell twice nor spend past the budget; the same batch key (a re-sent form) queues nothing
    new."""
    queued: list[Render] = []
    skipped: list[tuple[PlannedTake, str]] = []
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        plan = plan_missing(campaign)
        if plan.signature != signature:
            return MissingResult([], [], changed=plan)
        for planned in plan.takes:
            if planned.problem:
                skipped.append((planned, planned.problem))
                continue
            key = uuid.uuid5(batch_key, f"{planned.shot.pk}:{planned.size}")
            try:
                with transaction.atomic():
                    queued += editing.request_format_take(
                        planned.shot, user, planned.size, planned.seconds, key, campaign
                    )
            except editing.TakeRequestError as error:
                skipped.append((planned, error.message))
    return MissingResult(queued, skipped)
