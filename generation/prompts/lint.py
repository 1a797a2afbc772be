"""Lint: advice beside the field it concerns, so a marketer writes a prompt that works. Each
rule is a function in rules.py; RULES is the order their advice is shown in."""

from __future__ import annotations

from typing import Any

from generation.catalog import VideoModel
from generation.prompts import rules
from generation.prompts.compile import audio_text, camera_text, lighting_text, style_text
from generation.prompts.structure import BrandKit, Lint, normalize

RULES = [
    rules.nothing_to_depict,
    rules.keyword_lists,
    rules.vague_lighting,
    rules.too_many_actions,
    rules.duration_in_prose,
    rules.on_screen_text,
    rules.real_people,
    rules.copyrighted_characters,
    rules.copyrighted_music,
    rules.banned_words,
    rules.too_long,
    rules.timeline_tiling,
]


def _text_fields(prompt: dict[str, Any]) -> dict[str, str]:
    fields = {
        "scene": prompt["scene"],
        "subject": prompt["subject"],
        "beats": "\n".join(prompt["beats"]),
        "camera": camera_text(prompt["camera"]),
        "lighting": lighting_text(prompt["lighting"]),
        "audio": audio_text(prompt["audio"], BrandKit()),
        "style": style_text(prompt["style"], BrandKit()),
    }
    if prompt["mode"] == "timeline":
        for i, s in enumerate(prompt["timeline"]):
            fields[f"seg-{i}-camera"] = s.get("camera", "")
            fields[f"seg-{i}-action"] = s.get("action", "")
            fields[f"seg-{i}-end_state"] = s.get("end_state", "")
    return {k: v for k, v in fields.items() if v}


def lint(
    prompt: dict[str, Any],
    model: VideoModel,
    seconds: int,
    compiled: str,
    brand: BrandKit | None = None,
    prompt_max: int | None = None,
) -> list[Lint]:
    """Every rule's advice, in the order of RULES."""
    prompt = normalize(prompt)
    context = rules.Context(
        prompt, model, seconds, compiled, brand or BrandKit(), prompt_max, _text_fields(prompt)
    )
    return [item for rule in RULES for item in rule(context)]


LINT_SCOPE = (
    "Lint checks: keyword lists instead of sentences; lighting without direction or colour; "
    "more than one main action per 4 seconds; the length written in words; on-screen text; a "
    "short built-in list of well-known people, characters and songs, and phrases like “song "
    "by …” (it cannot recognise every name); the campaign's banned words; the model's prompt "
    "length."
)
