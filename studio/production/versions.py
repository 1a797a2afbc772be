"""Versions of the spot (issue 38): the master (each format's spot) made again for each market
(its texts, voice and legal line) and each hook (another first shot), as spots of their own
(`Spot.market`, `Spot.hook`). The takes are shared: a version costs its render and its voice,
never a generation. A version is stale when what it would be made of now differs from what it
was made of, and says what changed."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal

from studio.models import (
    Campaign,
    Finish,
    Format,
    Hook,
    Market,
    MarketText,
    Spot,
    SpotDecision,
    SpotStatus,
    Verdict,
)
from studio.production import spots
from studio.production.grid import Grid, grid
from studio.review.states import Approval, required_for
from studio.review.status import spot_approval

TO_MAKE = ("to_make", "stale", "failed")  # the statuses "Make all versions" makes again


@dataclass
class Context:
    """What planning every version reads once: the grid, trims, finish, hooks' shots, texts,
    and each format's master plan (planned once, whatever the markets and hooks)."""

    finish: Finish
    grid: Grid
    trims: dict
    hook_shots: set[int]
    texts: dict[int, dict[str, str]]
    masters: dict[int, spots.Planned] = field(default_factory=dict)

    def master(self, campaign: Campaign, fmt: Format) -> spots.Planned:
        if fmt.pk not in self.masters:
            self.masters[fmt.pk] = spots.plan(
                campaign, fmt, self.finish, self.grid, self.trims, self.hook_shots
            )
        return self.masters[fmt.pk]

    @classmethod
    def of(cls, campaign: Campaign) -> Context:
        texts: dict[int, dict[str, str]] = {}
        for row in MarketText.objects.filter(market__campaign=campaign):
            texts.setdefault(row.market_id, {})[row.item] = row.text
        return cls(
            spots.finish_of(campaign),
            grid(campaign),
            spots.trims_of(campaign),
            spots.hook_shots(campaign),
            texts,
        )


def plan(
    campaign: Campaign, fmt: Format, market: Market | None, hook: Hook | None, ctx: Context
) -> spots.Planned:
    """The version of `fmt`'s spot for `market` (its texts, voice, legal line) opening on
    `hook` (its shot's hero in the format in place of the first shot's)."""
    base = ctx.master(campaign, fmt)
    if base.missing or not base.plan:
        return base
    planned = spots.Planned(fmt, copy.deepcopy(base.plan))
    pieces = planned.plan["pieces"]
    if hook is not None:
        column = [f.pk for f in ctx.grid.formats].index(fmt.pk)
        row = next((c for s, c in ctx.grid.rows if s.pk == hook.shot_id), None)
        take = row[column].hero if row else None
        if row is None or take is None or not take.video_key:
            planned.missing.append(f"hook {hook.name} ({hook.shot.title})")
            return planned
        pieces[0] = spots.piece_of(1, hook.shot, take, ctx.trims.get((hook.shot_id, fmt.pk)))
    if market is not None:
        texts = ctx.texts.get(market.pk, {})
        for piece in pieces:
            piece["super"] = texts.get(f"super:{piece['shot']}", piece["super"])
            piece["voice"] = texts.get(f"voice:{piece['shot']}", piece["voice"])
            piece["dialogue"] = []  # the shots' own dialogue is the master's language
        card = planned.plan.get("card")
        if card is not None:
            card["call"] = texts.get("call", card["call"])
            card["legal"] = texts.get("legal", "") or market.legal_line or card["legal"]
        planned.plan["language"] = market.code
        sound = planned.plan["sound"]
        sound["voice"] = market.voice if sound["voice"] != "none" else "none"
        if market.voice == "recording":
            recording = market.voice_recording
            sound["voice"] = "recording" if recording else "none"
            sound["recording_key"] = recording.key if recording else ""
            sound["recording_type"] = recording.file_type if recording else ""
    planned.plan["version"] = {
        "market": market.code if market else "",
        "hook": hook.name if hook else "A",
    }
    return spots.signed(planned, ctx.finish)


def changes(made: dict, now: dict) -> list[str]:
    """What differs between the plan a version was made of and the one it would be now."""
    said = []
    before, after = made.get("pieces", []), now.get("pieces", [])
    if [p["take"] for p in before] != [p["take"] for p in after]:
        said.append("a hero take")
    elif [(p["in"], p["out"]) for p in before] != [(p["in"], p["out"]) for p in after]:
        said.append("a trim")
    if [p["super"] for p in before] != [p["super"] for p in after]:
        said.append("a super")
    if [p["voice"] for p in before] != [p["voice"] for p in after]:
        said.append("the voice-over")
    if made.get("card") != now.get("card"):
        said.append("the end card")
    if made.get("sound") != now.get("sound"):
        said.append("the sound")
    if made.get("look") != now.get("look"):
        said.append("the supers' look")
    return said or (["the finishing"] if made != now else [])


@dataclass
class Cell:
    """A version as the grid shows it."""

    format: Format
    market: Market | None
    hook: Hook | None
    planned: spots.Planned
    latest: Spot | None
    decisions: list[SpotDecision] = field(default_factory=list)  # on the latest
    approval: Approval | None = None

    @property
    def status(self) -> str:
        if self.latest is None:
            return "to_make"
        if self.latest.in_flight:
            return "rendering"
        if self.latest.status == SpotStatus.FAILED:
            return "failed"
        if self.stale:
            return "stale"
        approved = self.approval is not None and self.approval.verdict == Verdict.APPROVED
        return "approved" if approved and self.latest.passes else "ready"

    @property
    def stale(self) -> bool:
        return self.latest is not None and self.latest.signature != self.planned.signature

    @property
    def changed(self) -> list[str]:
        if not self.stale or self.latest is None:
            return []
        return changes(self.latest.plan, self.planned.plan)

    @property
    def name(self) -> str:
        market = self.market.code if self.market else "master"
        return f"{market} · hook {self.hook.name if self.hook else 'A'} · {self.format.name}"


def combinations(campaign: Campaign) -> list[tuple[Market | None, Hook | None]]:
    """Every market (or the master's texts, without markets) with every opening, the master
    itself (no market, hook A) left out."""
    markets: list[Market | None] = [*campaign.markets.all()] or [None]
    hooks: list[Hook | None] = [None, *campaign.hooks.select_related("shot")]
    return [(m, h) for m in markets for h in hooks if (m, h) != (None, None)]


def cells(campaign: Campaign) -> list[Cell]:
    """Every version: market × hook × format, with its newest render (queries constant)."""
    ctx = Context.of(campaign)
    formats = list(campaign.formats.all())
    newest: dict[tuple, Spot] = {}
    for spot in Spot.objects.versions().filter(campaign=campaign).order_by("-created_at", "-pk"):
        newest.setdefault((spot.format_id, spot.market_id, spot.hook_id), spot)
    decisions: dict[int, list[SpotDecision]] = {}
    made = SpotDecision.objects.filter(spot__in=list(newest.values())).select_related("reviewer")
    for decision in made:
        decisions.setdefault(decision.spot_id, []).append(decision)
    required = required_for(campaign.pk)
    found = []
    for market, hook in combinations(campaign):
        for fmt in formats:
            latest = newest.get((fmt.pk, market.pk if market else None, hook.pk if hook else None))
            mine = decisions.get(latest.pk, []) if latest else []
            approval = spot_approval(mine, required) if latest else None
            planned = plan(campaign, fmt, market, hook, ctx)
            found.append(Cell(fmt, market, hook, planned, latest, mine, approval))
    return found


def make_all(campaign: Campaign, user=None) -> tuple[list[Spot], list[str]]:
    """Every version to make or stale queued (markets whose texts are approved); returns the
    versions queued and what could not be."""
    made, said = [], []
    for cell in cells(campaign):
        if cell.market is not None and not cell.market.approved:
            said.append(f"{cell.market.code}: its texts are not approved yet.")
            continue
        if cell.status not in TO_MAKE:
            continue
        spot, problem = spots.request_planned(
            campaign, cell.planned, user, market=cell.market, hook=cell.hook
        )
        if spot is not None:
            made.append(spot)
        else:
            said.append(f"{cell.name}: {problem}")
    return made, list(dict.fromkeys(said))


def price(cell_list: list[Cell]) -> tuple[int, int, Decimal]:
    """(versions to make, voice lines to synthesise, what it costs): renders are made here and
    the takes are shared; a voice from the speech endpoint is the only thing bought, and no
    price is published for it (the scratch voice and recordings cost nothing)."""
    todo = [c for c in cell_list if c.status in TO_MAKE]
    lines = sum(
        sum(1 for p in c.planned.plan.get("pieces", []) if p.get("voice"))
        for c in todo
        if c.planned.plan.get("sound", {}).get("voice") == "speech"
    )
    return len(todo), lines, Decimal(0)
