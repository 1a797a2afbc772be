"""From brief to shot plan, offline: a deterministic planner drafts the shots of a campaign
from its brief, sized to a running time on one model, in the studio's prompt layers.

The brief's moments are filmed in its order and the campaign's product ends the film
(studio.shots.story); with no moments, the seed guides' structure (hook → product → its claims →
the end). One camera move per shot, concrete visual detail, the brief's light and sound, the
brand kit's palette kept and its banned words left out. Each shot's length is one the model
makes at the size, and the lengths meet the running time within ±max(1 s, 10 %) where any can
(studio.shots.plan_rules says when not). The plan is a draft: the person edits it before any
shot is made (studio.views.planning)."""

from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction

from generation import catalog, prompts
from generation.catalog.specs import VideoModel
from generation.prompts.beats import beats_of, camera_of, split_end, with_beats
from generation.prompts.structure import BrandKit, empty_prompt
from studio.models import Shot
from studio.shots import editing, story
from studio.shots.brief import BriefFacts, Names, read_brief
from studio.shots.story import MAX_SHOTS

SHOT_SECONDS = 5  # a commercial's pace
PACE = (3, 10)  # the seconds a shot of a story runs, at least and at most, where it can


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
    units: list[story.Unit] = field(default_factory=list)

    @property
    def seconds(self) -> int:
        return sum(s.seconds for s in self.shots)


# --------------------------------------------------------------------------- lengths


def tolerance(target: int) -> float:
    """How far a plan's total may be from the running time: ±max(1 s, 10 %)."""
    return max(1.0, target * 0.1)


def fit(allowed: list[int], target: int, count: int) -> list[int]:
    """`count` lengths the model makes adding up nearest `target` (within the tolerance where
    any do), each as near the even share as the total allows."""
    allowed = sorted(set(allowed))
    share = target / count
    ceiling = max(target + max(allowed), count * min(allowed))
    sums: dict[int, tuple[float, list[int]]] = {0: (0.0, [])}
    for _ in range(count):
        after: dict[int, tuple[float, list[int]]] = {}
        for total, (cost, chosen) in sums.items():
            for length in allowed:
                reached = total + length
                if reached > ceiling:
                    break
                score = cost + (length - share) ** 2
                if reached not in after or score < after[reached][0]:
                    after[reached] = (score, [*chosen, length])
        sums = after or sums
    best = min(
        sums, key=lambda s: (abs(s - target) > tolerance(target), abs(s - target), sums[s][0])
    )
    return sorted(sums[best][1], reverse=True)


def fits(lengths_: list[int], target: int) -> bool:
    return abs(sum(lengths_) - target) <= tolerance(target)


def shot_count(allowed: list[int], target: int, wanted: int, most: int) -> int:
    """How many shots: what the brief asks for, kept to a shot's pace where the running time
    allows, and to a number whose lengths can meet the running time."""
    low, high = math.ceil(target / PACE[1]), max(1, target // PACE[0])
    ideal = min(max(wanted, low), high, most, MAX_SHOTS)
    counts = sorted(range(1, min(most, MAX_SHOTS) + 1), key=lambda c: (abs(c - ideal), -c))
    return next((c for c in counts if fits(fit(allowed, target, c), target)), ideal)


def lengths(allowed: list[int], target: int) -> list[int]:
    """Shot lengths of about five seconds (a commercial's pace) that meet the running time."""
    return fit(allowed, target, shot_count(allowed, target, round(target / SHOT_SECONDS), 12))


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


def _drafts(units: list[story.Unit], seconds: list[int], facts: BriefFacts, brand: BrandKit):
    supers, voice = story.supers_and_voice(units, facts, brand)
    cues = story.sound_cues(units, facts)
    drafts, before = [], ""
    for index, (unit, length) in enumerate(zip(units, seconds, strict=True)):
        prompt, before = story.draft(unit, index, facts, brand, length, before)
        if cues[index]:
            prompt["audio"]["sfx"] = cues[index]
        if voice[index]:
            prompt["audio"]["dialogue"] = [
                {"speaker": "Voice-over", "line": voice[index], "emotion": "warm"}
            ]
        words = brand.banned_words
        draft = ShotDraft(
            unit.kind,
            _title(unit, index, len(units), facts),
            length,
            story.clean_of_banned(story.named(prompt, facts.product), words),
            connected=unit.kind == "reveal" and index > 0 and units[index - 1].kind == "hook",
            on_screen_text=story.clean_of_banned(supers[index], words),
        )
        drafts.append(draft)
    return linked(drafts)


def _title(unit: story.Unit, index: int, count: int, facts: BriefFacts) -> str:
    if unit.kind in ("beat", "take") and unit.beats:
        words = unit.beats[0].rstrip(".").split()
        return " ".join(words[:6]) + ("…" if len(words) > 6 else "")
    titles = {
        "end": f"The {facts.product}, to end",
        "hook": "Hook",
        "reveal": f"The {facts.product}",
    }
    if unit.kind == "claim":
        return unit.claim
    return story.named(titles.get(unit.kind) or f"Detail {index + 1}", facts.product)


def _lengths_for(units: list[story.Unit], lengths_: list[int]) -> list[int]:
    """The longest lengths to the shots with the most moments (the end shot last)."""
    order = sorted(
        range(len(units)), key=lambda i: (-len(units[i].beats), units[i].kind == "end", i)
    )
    given = [0] * len(units)
    for index, length in zip(order, sorted(lengths_, reverse=True), strict=True):
        given[index] = length
    return given


def plan_shots(
    brief: str, target: int, model_key: str, size: str, brand: BrandKit, names: Names
) -> Plan:
    """The draft plan: the brief's moments, then the product, in lengths the model makes at
    the size that meet the running time where any can."""
    model = catalog.require(model_key)
    allowed = list(model.durations_for(size))
    facts = read_brief(brief, names)
    units, extras = story.units_of(facts)
    if units[0].kind == "take":
        seconds = [min(allowed, key=lambda s: (abs(s - target), -s))]
    else:
        count = shot_count(allowed, target, len(units), len(units) + len(extras))
        units = story.arranged(units, extras, count)
        seconds = _lengths_for(units, fit(allowed, target, len(units)))
    return Plan(_drafts(units, seconds, facts, brand), facts, model, size, target, units)


def draft_one(plan: Plan, index: int, brand: BrandKit, variant: int = 1) -> ShotDraft:
    """Row `index` drafted again, in its place in the plan, with another camera and framing."""
    units = [
        replace(u, variant=u.variant + variant) if i == index else u
        for i, u in enumerate(plan.units)
    ]
    return _drafts(units, [s.seconds for s in plan.shots], plan.facts, brand)[index]


def edited(drafts: list[ShotDraft], plan: Plan, op: str, brand: BrandKit) -> list[ShotDraft]:
    """The draft after one of the plan page's edits: "add" (a detail of the product before
    the last shot), "replan-N" (row N drafted again, its length kept) or "keep" (as it is)."""
    drafts = list(drafts)
    if op == "add":
        used = {json.dumps(d.prompt, sort_keys=True) for d in drafts}
        seconds = plan.shots[min(len(plan.shots) - 1, 1)].seconds
        for variant in range(len(story.DETAILS)):
            unit = story.Unit("detail", variant=variant)
            extra = _drafts([unit], [seconds], plan.facts, brand)[0]
            if json.dumps(extra.prompt, sort_keys=True) not in used:
                break
        drafts.insert(max(0, len(drafts) - 1), extra)
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
