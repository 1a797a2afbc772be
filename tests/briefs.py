"""The brief set (tests/data/briefs/): briefs of the kinds marketing teams write, each with the
properties its plan must have, and the check of a plan against them and against the plan rules
(studio.shots.plan_rules). Shared by tests/test_brief_set.py and bench/planning.py."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from generation import catalog
from generation.catalog.specs import VideoModel
from generation.prompts import banned
from generation.prompts.structure import BrandKit
from studio.shots import planning
from studio.shots.brief import Names
from studio.shots.plan_rules import Rules

HERE = Path(__file__).parent / "data" / "briefs"


@dataclass(frozen=True)
class Case:
    name: str
    data: dict

    @property
    def brand(self) -> BrandKit:
        return BrandKit(palette="amber and cream", banned_words=tuple(self.data["banned"]))

    @property
    def names(self) -> Names:
        data = self.data
        return Names(data["product"], data.get("tagline", ""), data.get("call", ""))


def cases() -> list[Case]:
    return [Case(p.stem, json.loads(p.read_text())) for p in sorted(HERE.glob("*.json"))]


def size_for(model: VideoModel, aspect: str) -> str | None:
    return next((s for s in model.sizes if catalog.matches_aspect(s, aspect)), None)


def models_for(case: Case) -> list[tuple[VideoModel, str]]:
    """Every model in the catalog that makes the brief's format from words, at its size for it
    (a model that only animates an image needs a first frame for each shot: not a plan's)."""
    found = []
    for model in catalog.MODELS.values():
        size = size_for(model, case.data["aspect"])
        if size and not model.needs_first_frame:
            found.append((model, size))
    return found


def reachable(allowed: list[int], target: int, one_shot: bool) -> bool:
    """Whether any plan could meet the running time on these lengths (worked out here, not by
    the planner): one shot of a length within the tolerance, or up to twelve that add up."""
    tol = max(1.0, target * 0.1)
    if one_shot:
        return any(abs(a - target) <= tol for a in allowed)
    sums = {0}
    for _ in range(12):
        sums = {s + a for s in sums for a in allowed if s + a <= target + tol}
        if any(abs(s - target) <= tol for s in sums):
            return True
    return False


def _texts(draft: planning.ShotDraft) -> str:
    return json.dumps(draft.prompt, ensure_ascii=False)


def _voice(draft: planning.ShotDraft) -> str:
    return " ".join(d["line"] for d in draft.prompt["audio"]["dialogue"])


def check(case: Case, model: VideoModel, size: str) -> tuple[planning.Plan, list[str]]:
    """The plan of the brief on the model, and every way it misses a rule or a property of
    its brief ([] when it meets them all; a plan the lengths cannot meet must say so)."""
    data = case.data
    target = data["target"]
    plan = planning.plan_shots(data["brief"], target, model.key, size, case.brand, case.names)
    rules = Rules(model, size, target, case.brand, data["product"])
    broken = rules.broken(plan.shots)
    allowed = list(model.durations_for(size))
    if not reachable(allowed, target, data.get("one_shot", False)):
        said = any("add up to" in b for b in broken)
        return plan, [] if said else ["the lengths cannot meet the running time: not said"]
    failures = list(broken)
    shots = plan.shots
    if data.get("one_shot") and len(shots) != 1:
        failures.append(f"one continuous shot became {len(shots)} shots")
    everything = " ".join(_texts(d) for d in shots).lower()
    position = 0
    for beat in data.get("beats", []):  # the brief's moments, in its order
        found = everything.find(beat.lower(), position)
        if found < 0:
            failures.append(f"the moment “{beat}” is missing or out of order")
        else:
            position = found
    voice = " ".join(_voice(d) for d in shots)
    for line in data.get("voiceover", []):
        if line not in voice:
            failures.append(f"the voice-over “{line}” is not kept as written: {voice!r}")
    if data.get("no_voiceover") and voice.strip():
        failures.append(f"a voice-over nobody asked for: {voice!r}")
    if data.get("end_line") and shots[-1].on_screen_text != data["end_line"]:
        failures.append(f"the last super is {shots[-1].on_screen_text!r}")
    supers = [d.on_screen_text for d in shots if d.on_screen_text]
    for claim in data.get("claims", []):
        if claim not in supers:
            failures.append(f"the claim “{claim}” is not a super: {supers}")
    if len(supers) != len(set(supers)):
        failures.append(f"a super repeats: {supers}")
    brief_words = set(re.findall(r"[a-z]+", data["brief"].lower()))
    for text in supers:  # a line for the viewer, never the brief's instructions
        first = text.split()[0].lower()
        if first in {"end", "open", "show", "use", "keep", "make", "line"} and first in brief_words:
            failures.append(f"an instruction became a super: {text!r}")
        if data.get("music_has") and data["music_has"].lower() in text.lower():
            failures.append(f"the music cue became a super: {text!r}")
    lighting = " ".join(json.dumps(d.prompt["lighting"]) for d in shots).lower()
    if data.get("light_has") and data["light_has"] not in lighting:
        failures.append(f"the light is not {data['light_has']!r}: {lighting}")
    if data.get("light_not") and data["light_not"] in lighting:
        failures.append(f"the light is {data['light_not']!r}")
    sound = " ".join(d.prompt["audio"]["sfx"] for d in shots).lower()
    if data.get("sound_has") and data["sound_has"] not in sound:
        failures.append(f"the sound cue {data['sound_has']!r} is not in the sound: {sound}")
    music = " ".join(d.prompt["audio"]["music"] for d in shots)
    if data.get("music_has") and data["music_has"] not in music:
        failures.append(f"the music is not {data['music_has']!r}: {music}")
    every = everything + " " + " ".join(supers).lower()
    for word in data["banned"]:
        if banned.found(every, [word]):
            failures.append(f"the banned word {word!r} is in the plan")
    return plan, failures


def pass_rate() -> tuple[int, int, list[str]]:
    """(plans that meet every rule and property, plans, what the others miss)."""
    met, total, misses = 0, 0, []
    for case in cases():
        for model, size in models_for(case):
            _, failures = check(case, model, size)
            total += 1
            met += not failures
            misses += [f"{case.name} on {model.key}: {f}" for f in failures]
    return met, total, misses
