"""The lint rules, one function each: `(Context) -> list[Lint]`. RULES in lint.py lists them in
the order their advice is shown. A rule detects only what it says; the names it knows are data
(`data/names.json`), short and honest: those names are caught, others are not.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generation.catalog import VideoModel
from generation.prompts import banned
from generation.prompts.structure import BrandKit, Lint
from generation.prompts.timeline import timeline_problems

_NAMES = json.loads((Path(__file__).parent / "data" / "names.json").read_text(encoding="utf-8"))
PUBLIC_FIGURES: list[str] = _NAMES["public_figures"]
CHARACTERS: list[str] = _NAMES["characters"]
SONGS: list[str] = _NAMES["songs"]
VAGUE_LIGHT = {
    "nice",
    "good",
    "beautiful",
    "cinematic",
    "dramatic",
    "moody",
    "great",
    "natural",
    "pretty",
    "amazing",
    "lovely",
    "professional",
    "perfect",
    "lighting",
    "light",
    "lit",
    "well",
    "and",
    "the",
    "a",
    "with",
}
LIGHT_DIRECTION = re.compile(
    r"\b(left|right|above|below|behind|back|backlit|backlight|side|top|overhead|front|window|"
    r"key|rim|under|upper|lower|from)\b",
    re.I,
)
LIGHT_SPECIFIC = re.compile(
    r"(\d{4}\s?k\b|\b(warm|cool|cold|golden|tungsten|daylight|neon|candle|soft|hard|diffused|"
    r"overcast|sunset|sunrise|dusk|dawn|moonlight|fluorescent|practical|hour)\b)",
    re.I,
)
DURATION_PROSE = re.compile(
    r"\b(\d+(\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty)[\s-]*(seconds?|secs?|s)\b[\s-]*(long\s+)?(video|clip|spot|ad|commercial|film|"
    r"sequence|shot)\b"
    r"|\b(video|clip|spot|commercial)\s+(of|lasting|that lasts)\s+\d+\s*(seconds?|s)\b",
    re.I,
)
ON_SCREEN_TEXT = re.compile(
    r"\b(on-?screen text|text (that )?(says|reads)|caption(s|ed)?|subtitles?|title card|"
    r"lower third|words? appears?|typography|tagline appears|headline reads|written (on|across))\b",
    re.I,
)
MUSIC_BY = re.compile(r"\b(song|track|music|tune|hit|cover)\s+(by|from)\s+[A-Z][\w'’-]+")
REAL_PERSON = re.compile(
    r"\b(celebrity|look-?alike|impersonat\w*|famous (actor|singer|athlete))\b", re.I
)


@dataclass(frozen=True)
class Context:
    prompt: dict[str, Any]  # normalized
    model: VideoModel
    seconds: int
    compiled: str
    brand: BrandKit
    prompt_max: int | None
    texts: dict[str, str]  # field -> its text, for the rules that read words


def _is_keyword_list(text: str) -> bool:
    parts = [p.strip() for p in re.split(r"[,;|/]", text) if p.strip()]
    if len(parts) < 4:
        return False
    short = sum(len(p.split()) <= 2 for p in parts)
    has_sentence = re.search(r"[.!?](\s|$)", text.strip()) is not None
    return short / len(parts) >= 0.75 and not has_sentence


def _actions(text: str) -> int:
    pieces = re.split(r"(?<=[.!?])\s+|;|\bthen\b", text, flags=re.I)
    return sum(1 for p in pieces if len(p.strip().split()) >= 2)


def _find_names(text: str, names: list[str]) -> list[str]:
    lowered = text.lower()
    return [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", lowered)]


# --------------------------------------------------------------------------- rules


def nothing_to_depict(c: Context) -> list[Lint]:
    """A prompt of camera, lighting and style lines alone makes a take of nothing in
    particular, and costs the same: there must be a scene, a subject or an action."""
    prompt = c.prompt
    actions = (
        [s.get("action", "") for s in prompt["timeline"]] if prompt["mode"] == "timeline" else []
    )
    if any(
        str(t).strip() for t in [prompt["scene"], prompt["subject"], *prompt["beats"], *actions]
    ):
        return []
    field = "timeline" if prompt["mode"] == "timeline" else "scene"
    return [
        Lint(
            field,
            "error",
            "nothing_to_depict",
            "Describe what happens: a scene, a subject or an action. Camera, light and style "
            "alone give the model nothing to show.",
        )
    ]


def keyword_lists(c: Context) -> list[Lint]:
    return [
        Lint(
            name,
            "warning",
            "keyword_list",
            "This reads as a list of keywords. Write it as sentences, like a "
            "screenwriter: who does what, where, and how it looks.",
        )
        for name in ("scene", "subject", *[k for k in c.texts if k.endswith("-action")])
        if name in c.texts and _is_keyword_list(c.texts[name])
    ]


def vague_lighting(c: Context) -> list[Lint]:
    lighting = c.texts.get("lighting", "")
    anywhere = lighting or " ".join(
        v for k, v in c.texts.items() if k.startswith("seg-") and re.search(r"\blight", v, re.I)
    )
    if not anywhere:
        return [
            Lint(
                "lighting",
                "warning",
                "vague_lighting",
                "No lighting described. Say where the light comes from, its quality "
                "and its colour temperature (e.g. soft window light from the left, "
                "warm 3200K).",
            )
        ]
    if lighting and not (LIGHT_DIRECTION.search(lighting) and LIGHT_SPECIFIC.search(lighting)):
        words = set(re.findall(r"[a-z]+", lighting.lower()))
        hint = "only general words" if words <= VAGUE_LIGHT else "no direction or colour"
        return [
            Lint(
                "lighting",
                "warning",
                "vague_lighting",
                f"The lighting has {hint}. Name its direction (from the upper left, "
                "backlit) and its quality or temperature (soft, golden, 5600K).",
            )
        ]
    return []


def too_many_actions(c: Context) -> list[Lint]:
    found = []
    if c.prompt["mode"] == "timeline":
        for i, s in enumerate(c.prompt["timeline"]):
            try:
                length = float(s["end"]) - float(s["start"])
            except (TypeError, ValueError):
                continue
            allowed = max(1, math.ceil(length / 4))
            if _actions(s.get("action", "")) > allowed:
                found.append(
                    Lint(
                        f"seg-{i}-action",
                        "warning",
                        "too_many_actions",
                        f"Segment {i + 1} asks for more than {allowed} main action"
                        f"{'s' if allowed > 1 else ''} in {length:.1f}s. Models "
                        "follow one clear action per 4 seconds best.",
                    )
                )
        return found
    beats = [b for b in c.prompt["beats"] if b.strip()]
    allowed = max(1, math.ceil(c.seconds / 4))
    if len(beats) > allowed:
        found.append(
            Lint(
                "beats",
                "warning",
                "too_many_actions",
                f"{len(beats)} action beats in {c.seconds}s. Models follow one "
                f"clear action per 4 seconds best: keep at most {allowed}.",
            )
        )
    return found


def _each_text(c: Context, pattern: Callable[[str], object], code: str, message: str) -> list[Lint]:
    return [Lint(name, "warning", code, message) for name, text in c.texts.items() if pattern(text)]


def duration_in_prose(c: Context) -> list[Lint]:
    return _each_text(
        c,
        DURATION_PROSE.search,
        "duration_in_prose",
        "The length is set by the Seconds setting, not in words: remove the duration from "
        "the text.",
    )


def on_screen_text(c: Context) -> list[Lint]:
    return _each_text(
        c,
        ON_SCREEN_TEXT.search,
        "on_screen_text",
        "Video models draw text badly. Leave captions, titles and on-screen words out and "
        "add them in the edit.",
    )


def real_people(c: Context) -> list[Lint]:
    found = []
    for name, text in c.texts.items():
        for who in _find_names(text, PUBLIC_FIGURES):
            found.append(
                Lint(
                    name,
                    "warning",
                    "real_person",
                    f"“{who.title()}” is a real public figure; models refuse real "
                    "people. Describe an invented person instead.",
                )
            )
        if REAL_PERSON.search(text):
            found.append(
                Lint(
                    name,
                    "warning",
                    "real_person",
                    "Asking for a celebrity or a look-alike is refused by the models: "
                    "describe an invented person.",
                )
            )
    return found


def copyrighted_characters(c: Context) -> list[Lint]:
    return [
        Lint(
            name,
            "warning",
            "copyrighted_character",
            f"“{who.title()}” is a copyrighted character; models refuse it.",
        )
        for name, text in c.texts.items()
        for who in _find_names(text, CHARACTERS)
    ]


def copyrighted_music(c: Context) -> list[Lint]:
    found = []
    for name, text in c.texts.items():
        for song in _find_names(text, SONGS):
            found.append(
                Lint(
                    name,
                    "warning",
                    "copyrighted_music",
                    f"“{song.title()}” is copyrighted music; describe the mood and "
                    "instruments instead.",
                )
            )
        if MUSIC_BY.search(text):
            found.append(
                Lint(
                    name,
                    "warning",
                    "copyrighted_music",
                    "Music by a named artist is refused; describe the genre, tempo "
                    "and instruments instead.",
                )
            )
    return found


def banned_words(c: Context) -> list[Lint]:
    found: list[Lint] = []
    for word in c.brand.banned_words:
        pattern = banned.pattern(word)
        if pattern is None:
            continue
        where = [name for name, text in c.texts.items() if pattern.search(text)]
        if not where and pattern.search(c.compiled):
            where = ["prompt"]
        found.extend(
            Lint(name, "error", "banned_word", f"“{word}” is on this campaign's banned-word list.")
            for name in where
        )
    return found


def too_long(c: Context) -> list[Lint]:
    if c.prompt_max is None or len(c.compiled) <= c.prompt_max:
        return []
    return [
        Lint(
            "prompt",
            "error",
            "too_long",
            f"The compiled prompt is {len(c.compiled)} characters; {c.model.label} "
            f"takes at most {c.prompt_max}. Shorten it by {len(c.compiled) - c.prompt_max}.",
        )
    ]


def timeline_tiling(c: Context) -> list[Lint]:
    if c.prompt["mode"] != "timeline":
        return []
    return timeline_problems(c.prompt["timeline"], c.seconds)
