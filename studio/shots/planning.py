"""From brief to shot plan, offline: a deterministic planner drafts the shots of a campaign
from its brief, sized to a target running time on one model, in the studio's prompt layers.

The structure is the seed guides' commercial one (hook → product → benefit → call to action),
one camera move and one subject action per shot, concrete visual detail, sound described, the
brand kit's palette kept and its banned words left out. What the brief names (the product, the
audience, the setting, the mood) is read from its words; nothing is invented that the brief
contradicts. Each shot's length is one the model makes at the size, and the lengths add up to
the target within one shot's length. The plan is a draft: the person edits it before any shot
is made (studio.views.planning)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from generation import catalog, prompts
from generation.catalog.specs import VideoModel
from generation.prompts.beats import beats_of, camera_of, split_end, with_beats
from generation.prompts.structure import BrandKit, empty_prompt
from studio.models import Shot
from studio.shots import editing
from studio.shots.brief import BriefFacts, read_brief

MAX_SHOTS = 12
SHOT_SECONDS = 5  # a commercial's pace
MOOD_LOOK = {
    "calm": ("soft window light from the left", "warm", "quiet room tone, a slow piano"),
    "serene": ("soft window light from the left", "neutral daylight", "gentle wind, soft pads"),
    "cozy": ("lamp light from the right", "warm tungsten", "a crackling fire, soft guitar"),
    "warm": ("low sun from behind", "golden hour, warm", "birdsong, soft acoustic guitar"),
    "nostalgic": ("low sun through a window", "warm amber", "vinyl crackle, a mellow piano"),
    "bold": ("hard key light from above", "cool white", "a deep bass hit, punchy drums"),
    "energetic": ("bright daylight, hard sun", "neutral daylight", "upbeat drums, claps"),
    "playful": ("bright soft daylight", "neutral daylight", "plucked strings, light claps"),
    "premium": ("a single soft key from the left", "neutral", "a low synth swell"),
    "luxurious": ("a single soft key from the left", "warm", "a slow string swell"),
    "minimal": ("even soft light from above", "neutral", "a single sustained tone"),
}
DEFAULT_LOOK = ("soft daylight from the left", "neutral daylight", "light ambient music")


@dataclass
class ShotDraft:
    """One planned shot: its title, length and prompt layers (the shot's JSON shape)."""

    role: str  # hook, product, benefit, cta
    title: str
    seconds: int
    prompt: dict[str, Any] = field(default_factory=empty_prompt)
    connected: bool = False  # starts exactly where the shot before ended (START language)
    on_screen_text: str = ""  # a super for the edit: video models draw text badly


@dataclass
class Plan:
    shots: list[ShotDraft]
    facts: BriefFacts
    model: VideoModel
    size: str
    target: int

    @property
    def seconds(self) -> int:
        return sum(s.seconds for s in self.shots)


# --------------------------------------------------------------------------- lengths


def lengths(allowed: list[int], target: int) -> list[int]:
    """Shot lengths the model makes that add up to `target` within one shot's length: shots of
    about five seconds (a commercial's pace; the nearest length the model makes), fewer and
    longer where that would be more than MAX_SHOTS."""
    allowed = sorted(set(allowed))
    longest = allowed[-1]
    per = min(allowed, key=lambda s: (abs(s - SHOT_SECONDS), -s))
    if target / per > MAX_SHOTS:
        per = next((s for s in allowed if s >= target / MAX_SHOTS), longest)
    count = max(1, min(MAX_SHOTS, round(target / per)))
    shots = [per] * count
    # Lengthen or shorten shots one step at a time while that brings the sum nearer the target.
    while True:
        gap = target - sum(shots)
        best = None
        for i, s in enumerate(shots):
            for other in allowed:
                change = other - s
                nearer = other != s and abs(gap - change) < abs(gap)
                if nearer and (best is None or abs(gap - change) < abs(gap - best[2])):
                    best = (i, other, change)
        if best is None:
            break
        shots[best[0]] = best[1]
    while sum(shots) + longest <= target and len(shots) < MAX_SHOTS:  # still far short
        shots.append(longest)
    return shots


# --------------------------------------------------------------------------- the shots


def _roles(count: int) -> list[str]:
    if count == 1:
        return ["cta"]
    if count == 2:
        return ["product", "cta"]
    if count == 3:
        return ["hook", "product", "cta"]
    return ["hook", "product", *["benefit"] * (count - 3), "cta"]


BENEFIT_MOVES = [
    ("slow orbit", "MCU", "turns the {product} in their hands"),
    ("gentle handheld follow", "MED", "uses the {product} with an easy smile"),
    ("slow push-in", "CU", "sets the {product} down and looks up"),
    ("static, locked off", "WIDE", "shares the {product} with a friend"),
]


def _shot(role: str, index: int, facts: BriefFacts, brand: BrandKit, seconds: int) -> ShotDraft:
    product = facts.product
    audience = facts.audience
    if audience and not re.match(r"(?:the|a|an|our|their)\b", audience, re.I):
        audience = f"the {audience}"
    who = f"one of {audience}" if audience else "a person"
    where = facts.setting or "a bright, uncluttered room"
    light_direction, temperature, music = MOOD_LOOK.get(facts.mood, DEFAULT_LOOK)
    prompt = empty_prompt()
    prompt["lighting"] = {
        "direction": light_direction,
        "quality": "soft",
        "color_temperature": temperature,
    }
    prompt["style"] = {
        "film_reference": "premium commercial",
        "grade": facts.mood or "natural",
        "palette": brand.palette,
    }
    prompt["audio"]["music"] = music
    supers = facts.benefits
    text, connected = "", False
    if role == "hook":
        title = "Hook"
        prompt["scene"] = f"{where.capitalize()}, early light; the {product} waits in frame."
        prompt["subject"] = f"The {product}, close, with fine surface detail"
        beats = [
            f"Light slides across the {product}. "
            f"END: extreme close-up of the {product}, centred, light along its edge"
        ]
        prompt["camera"].update(movement="slow push-in", framing="ECU", lens_mm=85)
        prompt["audio"]["sfx"] = "a soft whoosh as the light moves"
    elif role == "product":
        title = f"The {product}"
        prompt["scene"] = f"The {product} stands at the centre of {where}."
        prompt["subject"] = f"The {product}, its shape and texture clear"
        beats = [
            f"The {product} turns slowly to show its side. "
            f"END: the {product} at a 45° angle, its side in the light"
        ]
        prompt["camera"].update(movement="slow orbit", framing="MCU", lens_mm=50)
        prompt["audio"]["sfx"] = "a quiet mechanical click"
        text, connected = product, index > 0  # the orbit picks up where the hook ended
    elif role == "benefit":
        move, framing, action = BENEFIT_MOVES[(index - 2) % len(BENEFIT_MOVES)]
        title = f"Benefit {index - 1}"
        prompt["scene"] = f"{where.capitalize()}; {who} at ease with the {product}."
        prompt["subject"] = who.capitalize()
        beats = [
            f"{who.capitalize()} {action.format(product=product)}. "
            f"END: {who} and the {product} together in the frame"
        ]
        prompt["camera"].update(movement=move, framing=framing, lens_mm=35)
        prompt["audio"]["sfx"] = "soft footsteps and fabric rustle"
        text = supers[(index - 2) % len(supers)] if supers else ""
    else:
        title = "Call to action"
        prompt["scene"] = f"The {product} rests in {where}, the background falling soft."
        prompt["subject"] = f"The {product}, hero framing"
        # Two beats: the timeline form, with its timings (seed guide: multi-beat shots).
        beats = [
            f"The {product} settles into the centre of the frame. "
            f"END: the {product} centred, medium shot",
            f"The {product} holds still, clean space in the upper third of the frame. "
            f"END: hero framing, the {product} centred, the background soft",
        ]
        prompt["camera"].update(movement="slow dolly-out", framing="MED", lens_mm=35)
        prompt["audio"]["dialogue"] = [
            {"speaker": "Voice-over", "line": f"The {product}. Made for you.", "emotion": "warm"}
        ]
        text = facts.call
    prompt["camera"]["depth_of_field"] = "f/2.8"
    prompt["camera"]["angle"] = "eye level"
    prompt = with_beats(prompt, beats, prompt["camera"]["movement"], seconds)
    draft = ShotDraft(role, title, seconds, _without_banned(prompt, brand), connected)
    draft.on_screen_text = _without_banned(text, brand)
    return draft


START = "START: exactly where the shot before ended"


def end_frame(draft: ShotDraft) -> str:
    """The frame the draft ends on, as its last beat says (END: …)."""
    beats = beats_of(draft.prompt)
    return split_end(beats[-1])[1] if beats else ""


def linked(drafts: list[ShotDraft]) -> list[ShotDraft]:
    """The drafts in their final order with the START language a connected shot needs: its
    scene opens on where the shot before ended; a shot no longer connected loses it."""
    for index, draft in enumerate(drafts):
        scene = re.sub(rf"^{re.escape(START)}[^\n]*\n?", "", draft.prompt["scene"]).strip()
        draft.connected = draft.connected and index > 0
        if draft.connected:
            before = end_frame(drafts[index - 1])
            opening = f"{START}: {before}." if before else f"{START}: same subject, same light."
            scene = f"{opening}\n{scene}"
        draft.prompt["scene"] = scene
    return drafts


def _without_banned(value: Any, brand: BrandKit) -> Any:
    """The plan never writes a word of the brand's banned list (the brief's own words may)."""
    if isinstance(value, str):
        for word in brand.banned_words:
            value = re.sub(rf"\b{re.escape(word)}\b", "", value, flags=re.I)
        return " ".join(value.split())
    if isinstance(value, list):
        return [_without_banned(v, brand) for v in value]
    if isinstance(value, dict):
        return {k: _without_banned(v, brand) for k, v in value.items()}
    return value


def draft_one(plan: Plan, index: int, brand: BrandKit) -> ShotDraft:
    """Row `index` drafted again, in its place in the structure."""
    roles = _roles(len(plan.shots))
    return _shot(roles[index], index, plan.facts, brand, plan.shots[index].seconds)


def edited(drafts: list[ShotDraft], plan: Plan, op: str, brand: BrandKit) -> list[ShotDraft]:
    """The draft after one of the plan page's edits: "add" (a benefit shot before the call to
    action), "replan-N" (row N drafted again, its length kept) or "keep" (as it is)."""
    drafts = list(drafts)
    if op == "add":  # a benefit, before the call to action
        seconds = plan.shots[min(len(plan.shots) - 1, 1)].seconds
        drafts.insert(max(0, len(drafts) - 1), _shot("benefit", 2, plan.facts, brand, seconds))
    elif op.startswith("replan-") and op.removeprefix("replan-").isdigit():
        index = int(op.removeprefix("replan-"))
        if 0 <= index < len(drafts):
            redo = draft_one(plan, min(index, len(plan.shots) - 1), brand)
            redo.seconds = drafts[index].seconds
            redo.prompt = with_beats(
                redo.prompt, beats_of(redo.prompt), camera_of(redo.prompt), redo.seconds
            )
            drafts[index] = redo
    return linked(drafts[:MAX_SHOTS])


def plan_shots(
    brief: str, target: int, model_key: str, size: str, brand: BrandKit, fallback: str = ""
) -> Plan:
    """The draft plan: shots that fit the target on the model at the size, in layers."""
    model = catalog.require(model_key)
    allowed = model.durations_for(size)
    facts = read_brief(brief, fallback)
    seconds = lengths(list(allowed), max(1, target))
    roles = _roles(len(seconds))
    shots = [
        _shot(role, i, facts, brand, s)
        for i, (role, s) in enumerate(zip(roles, seconds, strict=True))
    ]
    return Plan(linked(shots), facts, model, size, target)


def problems(draft: ShotDraft, model: VideoModel, size: str, brand: BrandKit) -> list[str]:
    """What would stop the draft from being generated as it is: the prompt lint's errors and
    the model's limits on size, length and prompt (whether the model is configured here is
    asked when takes are requested, not of a plan)."""
    analysis = prompts.analyse(
        draft.prompt,
        model_key=model.key,
        size=size,
        seconds=draft.seconds,
        brand=brand,
        budget_limit=None,
        budget_account=None,
    )
    return [p.message for p in analysis.problems if p.field != "model_key"] + [
        lint.message for lint in analysis.lints if lint.level == "error"
    ]


# --------------------------------------------------------------------------- making the shots


def create_shots(campaign, user, drafts: list[ShotDraft], model_key: str, size: str) -> list:
    """Every draft a shot at the end of the board, in order, in one transaction; each kept in
    its history as any save is."""
    model = catalog.require(model_key)
    brand = campaign.brand_kit()
    made = []
    with transaction.atomic():
        for draft in drafts:
            shot = Shot(
                title=draft.title[:160] or "Shot",
                prompt=prompts.normalize(draft.prompt),
                model_key=model_key,
                size=size,
                seconds=draft.seconds,
                on_screen_text=draft.on_screen_text[:200],
            )
            Shot.add(campaign, shot)
            compiled = prompts.compile_prompt(shot.prompt, model, brand).text
            shot.record_version(user, compiled, "Planned from the brief")
            made.append(shot)
    return made


def generate_all(shots: list, user, batch_key: uuid.UUID) -> tuple[list, list[tuple[str, str]]]:
    """One take per shot, each under today's checks (the model, the hard budget); the same
    batch key (a re-sent form) queues nothing twice. Returns (takes, [(shot, why not)])."""
    queued, refused = [], []
    for shot in shots:
        try:
            queued += editing.request_takes(
                shot, user, batch_key=uuid.uuid5(batch_key, f"plan-{shot.pk}")
            )
        except editing.TakeRequestError as error:
            refused.append((shot.title, error.message))
    return queued, refused
