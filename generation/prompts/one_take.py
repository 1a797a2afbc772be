"""The whole spot as one timeline prompt, the seed guide's single-call commercial (§8 "Single
Video Generation", §10 "Example 3: Professional Commercial Structure"): each shot's exact
timings, its description (cinematography, motion, the frame it ends on), how it joins the shot
before (a CONNECTED shot says where it starts; a cut says its kind: jump cut, match cut,
seamless flow), then the total and one style line.

`fitted` keeps the text within a model's prompt limit: descriptions are shortened (their
middle sentences first, the END kept) before anything is dropped, and each change is said.
`snapped` scales the timings to a length the model makes. Issue 37 builds the storyboard's
"Generate the spot in one take" on these; they are pure text and numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from generation.prompts.compile import camera_text, lighting_text
from generation.prompts.structure import normalize

CUTS = ("Jump cut", "Match cut", "Seamless flow")


@dataclass(frozen=True)
class Part:
    """One shot of the spot: its name ("The Hook"), length, description, and how it joins the
    shot before (`connected`: it starts where that one ended; `cut`: the kind of cut)."""

    name: str
    seconds: float
    description: str
    connected: bool = False
    cut: str = ""


def _sentence(text: str) -> str:
    text = " ".join(text.split()).strip()
    text = text[:1].upper() + text[1:]
    return text if not text or text[-1] in ".!?" else f"{text}."


def describe(prompt: dict[str, Any]) -> str:
    """A shot's layers as one paragraph for the spot's timeline: the camera, the light, what
    happens and the frame it ends on."""
    prompt = normalize(prompt)
    said = [camera_text(prompt["camera"]), lighting_text(prompt["lighting"])]
    if prompt["mode"] == "timeline" and prompt["timeline"]:
        segments = prompt["timeline"]
        said.append(segments[0]["camera"])
        actions = [s["action"] for s in segments if s["action"]]
        end = segments[-1]["end_state"]
    else:
        actions, end = [], ""
        for beat in prompt["beats"]:
            action, _, frame = beat.partition("END:")
            actions.append(action.strip())
            end = frame.strip() or end
    subject = prompt["subject"] or prompt["scene"]
    body = " ".join(_sentence(p) for p in [", ".join(x for x in said if x), subject, *actions] if p)
    return f"{body} END: {end.strip().rstrip('.')}." if end else body


def _article(seconds: float) -> str:
    spoken = f"{seconds:g}"
    return "an" if spoken.startswith("8") or spoken in ("11", "18") else "a"


def _opening(index: int, part: Part) -> str:
    if index == 0:
        return ""
    if part.connected and part.cut and part.cut != "Jump cut":
        return f"{part.cut}. "
    if part.connected:
        return f"Starts where Shot {index} ended. "
    return f"{part.cut or 'Cut'}. "


def compile_spot(
    parts: list[Part], kind: str = "product commercial", style: str = "", pacing: str = ""
) -> str:
    """The spot's one prompt, in the seed's structure."""
    total = round(sum(p.seconds for p in parts), 1)
    lines = [f"Generate {_article(total)} {total:g}-second {kind} with this timeline:", ""]
    start = 0.0
    for index, part in enumerate(parts):
        end = round(start + part.seconds, 1)
        name = f"Shot {index + 1}" + (f" - {part.name}" if part.name else "")
        marker = " [CONNECTED]" if part.connected and index else ""
        lines.append(f"{start:.1f}s-{end:.1f}s ({name}){marker}:")
        lines.append(_opening(index, part) + " ".join(part.description.split()))
        lines.append("")
        start = end
    closing = f"Total: {total:.1f}s."
    if style:
        closing += f" Style: {_sentence(style)}"
    if pacing:
        closing += f" Pacing: {_sentence(pacing)}"
    lines.append(closing)
    return "\n".join(lines)


def _shorter(description: str) -> str | None:
    """The description a sentence shorter (a middle one; the END is kept), or None."""
    body, _, end = description.partition(" END: ")
    sentences = re.split(r"(?<=[.!?])\s+", body.strip())
    if len(sentences) > 1:
        sentences.pop(len(sentences) // 2)
        return " ".join(sentences) + (f" END: {end}" if end else "")
    return None


def fitted(parts: list[Part], limit: int, **compile_args: str) -> tuple[str, list[Part], list[str]]:
    """(the prompt, the parts as sent, what was shortened) within `limit` characters:
    the longest description loses a middle sentence at a time; when none has one left,
    descriptions are cut to their first words; the timings and the shots are never dropped."""
    parts, said = list(parts), []
    text = compile_spot(parts, **compile_args)
    while len(text) > limit:
        order = sorted(range(len(parts)), key=lambda i: -len(parts[i].description))
        shorter = {i: _shorter(parts[i].description) for i in order}
        index = next((i for i in order if shorter[i] is not None), None)
        if index is not None:
            parts[index] = replace(parts[index], description=shorter[index] or "")
            note = f"Shot {index + 1}'s description was shortened to fit {limit} characters."
        else:
            index = order[0]
            words = parts[index].description.split()
            if len(words) <= 4:
                break
            cut = " ".join(words[: max(4, len(words) * 3 // 4)])
            parts[index] = replace(parts[index], description=cut.rstrip(",;") + "…")
            note = f"Shot {index + 1}'s description was cut to its first words to fit {limit}."
        if note not in said:
            said.append(note)
        text = compile_spot(parts, **compile_args)
    return text, parts, said


def snapped(parts: list[Part], allowed: list[int]) -> tuple[int, list[Part]] | None:
    """The length the model makes nearest the parts' total (the longer on a tie), and the
    parts' timings scaled to it; None when the model makes no length within a quarter of it
    (more would change the spot's pace beyond what a scaled timing can say)."""
    total = sum(p.seconds for p in parts)
    if not parts or not allowed or total <= 0:
        return None
    length = min(allowed, key=lambda a: (abs(a - total), -a))
    if abs(length - total) > total / 4:
        return None
    scale = length / total
    scaled = [replace(p, seconds=round(p.seconds * scale, 1)) for p in parts]
    drift = round(length - sum(p.seconds for p in scaled), 1)  # rounding: on the last shot
    scaled[-1] = replace(scaled[-1], seconds=round(scaled[-1].seconds + drift, 1))
    return length, scaled
