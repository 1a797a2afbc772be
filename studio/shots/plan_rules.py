"""The rules every plan meets, drafted offline or by a language model, checked when it is
drafted, when a row is drafted again and when the shots are made: no prompt-lint error; every
length one the model makes; the total within ±max(1 s, 10 %) of the running time; the product
named in a shot's prompt and in the last shot (or the end card); no banned word anywhere
(prompts, supers, voice-over: across case, hyphens, spaces and simple plurals); no two shots
with the same prompt."""

from __future__ import annotations

import json
from dataclasses import dataclass

from generation.catalog.specs import VideoModel
from generation.prompts import banned
from generation.prompts.structure import BrandKit
from studio.shots.planning import ShotDraft, problems, tolerance


def _voice(draft: ShotDraft) -> str:
    return " ".join(line.get("line", "") for line in draft.prompt["audio"]["dialogue"])


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for v in value for s in _strings(v)] if isinstance(value, list) else []


def _prompt_text(draft: ShotDraft) -> str:
    """Every word of the shot's prompt layers (as written, not as JSON escapes them)."""
    return "\n".join(_strings(draft.prompt))


@dataclass(frozen=True)
class Rules:
    model: VideoModel
    size: str
    target: int
    brand: BrandKit
    product: str
    end_card: str = ""  # the words the spot's end card carries (its call to action)

    @property
    def allowed(self) -> list[int]:
        return list(self.model.durations_for(self.size))

    def shot(self, number: int, draft: ShotDraft) -> list[str]:
        """What is wrong with one shot: its length, the lint, the banned words on screen."""
        found = []
        if draft.seconds not in self.allowed:
            found.append(
                f"Shot {number} is {draft.seconds} s; {self.model.label} makes "
                f"{', '.join(map(str, self.allowed))} s."
            )
        found += [f"Shot {number}: {p}" for p in problems(draft, self.model, self.size, self.brand)]
        for word in banned.found(draft.on_screen_text, self.brand.banned_words):
            found.append(f"Shot {number}'s on-screen text uses “{word}”, a banned word.")
        for word in banned.found(_voice(draft), self.brand.banned_words):
            message = f"Shot {number}'s voice-over uses “{word}”, a banned word."
            if not any(f"“{word}”" in f and f.startswith(f"Shot {number}:") for f in found):
                found.append(message)
        return found

    def plan(self, drafts: list[ShotDraft]) -> list[str]:
        """What is wrong with the plan as a whole."""
        found = []
        total, tol = sum(d.seconds for d in drafts), tolerance(self.target)
        if abs(total - self.target) > tol:
            found.append(
                f"The shots add up to {total} s; the running time is {self.target} s (±{tol:g} s)."
            )
        product = banned.pattern(self.product) if self.product.strip() else None
        if product is None:
            found.append("The campaign names no product: name it to plan.")
        elif drafts:
            if not any(product.search(_prompt_text(d)) for d in drafts):
                found.append(f"No shot's prompt names the product, “{self.product}”.")
            last = drafts[-1]
            said = f"{_prompt_text(last)} {last.on_screen_text} {self.end_card}"
            if not product.search(said):
                found.append(
                    f"The last shot does not name the product, “{self.product}”, and the end "
                    "card does not either."
                )
        seen: dict[str, int] = {}
        for number, draft in enumerate(drafts, start=1):
            key = json.dumps(
                [draft.prompt["scene"], draft.prompt["beats"], draft.prompt["timeline"]]
            )
            if key in seen:
                found.append(f"Shots {seen[key]} and {number} have the same prompt.")
            seen.setdefault(key, number)
        return found

    def broken(self, drafts: list[ShotDraft]) -> list[str]:
        """Every rule the plan breaks, shot by shot and as a whole."""
        found = [p for n, d in enumerate(drafts, start=1) for p in self.shot(n, d)]
        return found + self.plan(drafts)

    def instructions(self) -> str:
        """The rules in words for a language model."""
        words = ", ".join(self.brand.banned_words) or "none"
        allowed = ", ".join(map(str, self.allowed))
        return (
            f"Each shot's seconds must be one of {allowed}; all shots must add up to "
            f"{self.target} s (±{tolerance(self.target):g} s). Name the product, "
            f"“{self.product}”, in at least one shot's scene or subject and in the last shot. "
            f"Never use these words anywhere (scene, action, sound, voiceover, "
            f"on_screen_text), in any spelling, plural or hyphenation: {words}. No two shots "
            "may share a scene and action."
        )
