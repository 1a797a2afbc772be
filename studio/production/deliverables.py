"""The deliverables grid: shots × formats, each cell's hero take, and "generate missing formats"
(planned and priced before anything is sent, queued under the campaign's budget lock)."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max

from generation import budget, catalog, channels
from generation.models import Render
from studio.models import (
    DEFAULT_FORMAT_NAMES,
    TARGET_FORMATS,
    Campaign,
    Format,
    Shot,
)
from studio.production.grid import Grid, grid
from studio.shots import editing

ASPECTS = dict(TARGET_FORMATS)


# --------------------------------------------------------------------------- formats


def add_format(
    campaign: Campaign, name: str, aspect: str, channel: str = channels.CUSTOM
) -> Format:
    """A new format at the end of the campaign's list: for a channel (at its aspect, named for
    it unless named), or Custom at `aspect`. Raises ValueError with the reason."""
    if channel != channels.CUSTOM:
        if channel not in channels.BY_KEY:
            raise ValueError("Choose one of the channels, or Custom.")
        aspect = channels.BY_KEY[channel].aspect
        name = name or channels.BY_KEY[channel].name
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
                campaign=campaign, name=name, aspect=aspect, position=last + 1,
                channel_key=channel,
            )  # fmt: skip
    except IntegrityError:
        raise ValueError(f"This campaign already has a format called “{name}”.") from None


def set_aspects(campaign: Campaign, aspects: list[str], keys: list[str] | None = None) -> None:
    """The campaign form's checkboxes: a format for each newly ticked channel (named for it,
    at its aspect) and each newly ticked custom aspect (with its usual name); the formats of
    channels and custom aspects no longer ticked go; others are kept as named."""
    wanted = [a for a in dict.fromkeys(aspects) if a in ASPECTS]
    picked = [k for k in dict.fromkeys(keys or []) if k in channels.BY_KEY]
    custom = campaign.formats.filter(channel_key=channels.CUSTOM)
    custom.exclude(aspect__in=wanted).delete()
    campaign.formats.exclude(channel_key=channels.CUSTOM).exclude(channel_key__in=picked).delete()
    have = set(custom.values_list("aspect", flat=True))
    for aspect in wanted:
        if aspect not in have:
            add_format(
                campaign,
                _free_name(campaign, DEFAULT_FORMAT_NAMES.get(aspect, aspect), aspect),
                aspect,
            )
    present = set(campaign.formats.values_list("channel_key", flat=True))
    for key in picked:
        if key not in present:
            channel = channels.BY_KEY[key]
            name = _free_name(campaign, channel.name, channel.aspect)
            add_format(campaign, name, channel.aspect, key)


def _free_name(campaign: Campaign, name: str, aspect: str) -> str:
    if campaign.formats.filter(name__iexact=name).exists():
        return f"{name} {aspect}"
    return name


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
