"""The whole spot in one generation (issue 37; the seed guide's single-call commercial): the
chosen shots in board order compile into one timeline prompt (generation/prompts/one_take.py),
on a model that makes their total in one take (the timings scaled to a length it makes), priced
beside the shots taken one by one, under the same hard budget. The one-take is a shot of its own
off the board (`Shot.one_take`): it is retried and remixed as any take, and when it finishes it
is split back into the board's shots (studio/production/one_take_split.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db import transaction

from generation import budget, catalog
from generation.catalog.specs import VideoModel
from generation.jobs import TakeRequestError, create_takes
from generation.models import Render
from generation.prompts import normalize
from generation.prompts.one_take import Part, describe, fitted, snapped
from studio.models import Campaign, Shot, Take
from studio.models.production import nearest_size
from studio.shots import editing

MODE = "one_take"
SENT_AS = "timeline prompt"
KIND = "product commercial"


@dataclass(frozen=True)
class Offer:
    """A model that makes the spot in one take: the length it makes, at what size and price."""

    key: str
    label: str
    size: str
    length: int
    price: Decimal | None


@dataclass
class OneTakePlan:
    shots: list[Shot]
    offers: list[Offer] = field(default_factory=list)
    model: VideoModel | None = None
    size: str = ""
    length: int = 0
    parts: list[Part] = field(default_factory=list)  # as sent: snapped, and fitted to the limit
    text: str = ""
    notes: list[str] = field(default_factory=list)  # what was scaled or shortened, said
    per_shot_price: Decimal | None = None  # the same shots taken one by one
    price: Decimal | None = None
    problem: str = ""  # why it cannot be generated now
    halves: list[list[Shot]] = field(default_factory=list)  # a split offered when none makes it

    @property
    def total(self) -> float:
        return round(sum(s.seconds for s in self.shots), 1)

    @property
    def timings(self) -> list[tuple[Shot, float, float]]:
        """Each shot with its start and end in the one-take, as it will be sent."""
        found, start = [], 0.0
        for shot, part in zip(self.shots, self.parts, strict=False):
            found.append((shot, start, round(start + part.seconds, 1)))
            start = round(start + part.seconds, 1)
        return found

    @property
    def saving(self) -> Decimal | None:
        if self.price is None or self.per_shot_price is None:
            return None
        return self.per_shot_price - self.price


def _connected(shot: Shot) -> bool:
    """It starts where the shot before ended (its first frame was taken from that one)."""
    return shot.reference_source.lower().startswith("last frame of")


def parts_of(shots: list[Shot]) -> list[Part]:
    """The shots as the spot's parts: each its title, length and layers in one paragraph, and
    how it joins the one before (a match cut where both show the same subject)."""
    parts = []
    for index, shot in enumerate(shots):
        cut = ""
        if index:
            subject = normalize(shot.prompt)["subject"]
            same = subject and subject == normalize(shots[index - 1].prompt)["subject"]
            cut = "Match cut" if same else "Jump cut"
        parts.append(
            Part(shot.title, float(shot.seconds), describe(shot.prompt), _connected(shot), cut)
        )
    return parts


def _size(model: VideoModel, aspects: list[str], shots: list[Shot]) -> str:
    """The campaign's first format the model makes, else the shots' own size, else the shape
    nearest the first format (as the deliverables grid makes it)."""
    for aspect in aspects:
        size = next((s for s in model.sizes if catalog.matches_aspect(s, aspect)), None)
        if size:
            return size
    if shots[0].size in model.sizes:
        return shots[0].size
    nearest = nearest_size(model.key, aspects[0]) if aspects else None
    return nearest[0] if nearest else model.sizes[0]


def _offer(
    model: VideoModel, aspects: list[str], shots: list[Shot], parts: list[Part]
) -> Offer | None:
    if model.needs_first_frame:
        return None  # the one-take starts from its prompt alone
    size = _size(model, aspects, shots)
    found = snapped(parts, list(model.durations_for(size)))
    if found is None:
        return None
    length = found[0]
    return Offer(model.key, model.label, size, length, budget.estimate(model.key, size, length))


def _style(campaign: Campaign) -> str:
    brand = campaign.brand_kit()
    said = [brand.style, f"palette {brand.palette}" if brand.palette else ""]
    said.append(f"sound {brand.sound}" if brand.sound else "")
    return "; ".join(s.rstrip(".") for s in said if s)


def _halves(shots: list[Shot]) -> list[list[Shot]]:
    """The shots in two takes at the boundary nearest half the running time."""
    if len(shots) < 2:
        return []
    total, run = sum(s.seconds for s in shots), 0
    best: tuple[float | None, int] = (None, 1)
    for index, shot in enumerate(shots[:-1], start=1):
        run += shot.seconds
        if best[0] is None or abs(total / 2 - run) < best[0]:
            best = (abs(total / 2 - run), index)
    return [shots[: best[1]], shots[best[1] :]]


def plan(campaign: Campaign, shots: list[Shot], model_key: str = "") -> OneTakePlan:
    """What "Generate the spot in one take" would send for `shots` on `model_key` (the first
    model offered when none is chosen), said before anything is sent."""
    found = OneTakePlan(shots=shots)
    if not shots:
        found.problem = "Choose the shots the spot is made of."
        return found
    found.per_shot_price = _sum(
        budget.estimate(s.model_key, s.size, s.seconds, s.wants_sound(catalog.require(s.model_key)))
        for s in shots
        if catalog.get(s.model_key)
    )
    parts, aspects = parts_of(shots), campaign.target_formats  # read once for every model
    offers = [o for m in catalog.offered_models() if (o := _offer(m, aspects, shots, parts))]
    found.offers = offers
    offer = next((o for o in offers if o.key == model_key), offers[0] if offers else None)
    if offer is None:
        found.problem = (
            f"No model offered here makes {found.total:g} s in one take. "
            "Split the spot into two takes at a shot boundary, or choose fewer shots."
        )
        found.halves = _halves(shots)
        return found
    model = catalog.require(offer.key)
    found.model, found.size, found.length = model, offer.size, offer.length
    found.price = offer.price
    _, scaled = snapped(parts, list(model.durations_for(offer.size))) or (0, [])
    if offer.length != found.total:
        found.notes.append(
            f"{model.label} makes {offer.length} s, not {found.total:g} s: every shot's timing "
            f"is scaled by {offer.length / found.total:.2f}."
        )
    route = model.preferred_route()
    limit = route.prompt_max if route else 4000
    found.text, found.parts, said = fitted(scaled, limit, kind=KIND, style=_style(campaign))
    found.notes += said
    quote = budget.quote(
        model.key, offer.size, offer.length, limit=campaign.budget, account=campaign.pk
    )
    found.problem = quote.problem()
    return found


def _sum(prices) -> Decimal | None:
    total = Decimal(0)
    for price in prices:
        if price is None:
            return None
        total += price
    return total


def structure(found: OneTakePlan) -> dict:
    """What the take freezes beside its text: the shots' timings as a timeline (the animatic
    draws a scene card per shot from it) and the part of each shot, for the split."""
    segments = []
    for (shot, start, end), part in zip(found.timings, found.parts, strict=True):
        segments.append(
            {"start": start, "end": end, "action": f"{shot.title}: {part.description}",
             "camera": "", "connected": part.connected, "end_state": ""}
        )  # fmt: skip
    return {
        "mode": "timeline",
        "scene": "The whole spot in one take",
        # The form it was sent in: no contract here has multi-shot parameters (runware-sdk
        # 1.8.0's types, the Videos API), so the timeline travels in the prompt.
        "sent_as": SENT_AS,
        "timeline": segments,
        MODE: [
            {"shot": shot.pk, "title": shot.title, "start": start, "end": end}
            for shot, start, end in found.timings
        ],
    }


def shots_of(spot: Shot) -> list[int]:
    """The board's shots a one-take spot was asked for, in order (their ids)."""
    return [p["shot"] for p in (spot.prompt or {}).get(MODE, [])]


def parts_of_take(take: Render) -> list[dict]:
    """The shots a one-take was planned as ({"shot", "title", "start", "end"}), from the take
    or from the one-take it remixes."""
    for source in (take, take.remix_of):
        if source is not None and (source.prompt_json or {}).get(MODE):
            return list(source.prompt_json[MODE])
    return []


def request(
    campaign: Campaign, user, found: OneTakePlan, batch_key: uuid.UUID | None = None
) -> Render:
    """The one-take asked for: a shot off the board holding the compiled prompt, and its take
    (under the campaign's lock and hard budget; the same batch key finds the take made)."""
    if found.problem or found.model is None:
        raise TakeRequestError(found.problem or "Choose a model.", "model_key")
    model = found.model
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if batch_key is not None:
            made = Take.objects.filter(
                batch_key=batch_key, shot__campaign=locked, shot__one_take=True
            ).first()
            if made is not None:
                return made
        first, last = found.shots[0].position, found.shots[-1].position
        title = f"One-take spot, shots {first}–{last}" if first != last else "One-take spot"
        sent = structure(found)
        shot = Shot.one_takes.create(
            campaign=locked,
            one_take=True,
            position=0,
            title=title,
            model_key=model.key,
            size=found.size,
            seconds=found.length,
            prompt={"mode": MODE, "text": found.text, MODE: sent[MODE]},
        )
        take = _take(locked, shot, user, found.text, sent, batch_key)
    return take


def again(shot: Shot, user, batch_key: uuid.UUID | None = None) -> Render:
    """Another take of a one-take spot, its prompt and timings as they were sent."""
    first = shot.renders.order_by("take").first()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=shot.campaign_id)
        text = (shot.prompt or {}).get("text", "")
        return _take(campaign, shot, user, text, first.prompt_json if first else {}, batch_key)


def _take(campaign: Campaign, shot: Shot, user, text: str, sent: dict, batch_key) -> Render:
    """The one-take shot's take of `text` (the caller holds the campaign's lock)."""
    model = catalog.get(shot.model_key)
    route = model.preferred_route() if model else None
    problems = catalog.validate(shot.model_key, shot.size, shot.seconds, text)
    if model is None or route is None or problems:
        raise TakeRequestError(
            problems[0].message if problems else f"{shot.model_key} is not available.",
            "model_key",
        )
    request = editing.request_of(
        shot,
        user,
        route,
        model_key=model.key,
        prompt_text=text,
        structure=sent,
        size=shot.size,
        seconds=shot.seconds,
        audio=model.audio.available,
        batch_key=batch_key,
    )
    (take,) = create_takes(replace(request, budget_limit=campaign.budget))
    return take
