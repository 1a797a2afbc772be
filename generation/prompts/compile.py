"""How a structured prompt compiles to the exact text sent to a model.

Compilation follows the seed guides: screenwriter prose for layers, "0.0s-0.5s (Shot 1)" blocks
for a timeline, CONNECTED continuity text, speed as "N×" and curves as EASE_IN / EASE_OUT /
LINEAR.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from generation.catalog import VideoModel
from generation.prompts.structure import (
    CONTINUITY,
    CURVES,
    FRAMING_LABELS,
    BrandKit,
    Compiled,
    normalize,
)


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())
    if not text:
        return ""
    return text if text[-1] in ".!?\"'”" else text + "."


def _join(parts: Iterable[object], sep: str = "; ") -> str:
    return sep.join(p for p in (" ".join(str(x).split()) for x in parts if x is not None) if p)


def _number(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    return text


def _seconds(value: Any) -> str:
    return f"{float(value):.1f}s"


def camera_text(camera: dict[str, Any]) -> str:
    lens = f"{_number(camera['lens_mm'])}mm lens" if camera.get("lens_mm") else ""
    framing = FRAMING_LABELS.get(camera.get("framing") or "", camera.get("framing") or "")
    return _join(
        [camera.get("movement"), lens, framing, camera.get("depth_of_field"), camera.get("angle")],
        ", ",
    )


def lighting_text(lighting: dict[str, Any]) -> str:
    return _join(
        [lighting.get("direction"), lighting.get("quality"), lighting.get("color_temperature")],
        ", ",
    )


def audio_text(audio: dict[str, Any], brand: BrandKit) -> str:
    parts = []
    lines = [
        f"{d.get('speaker') or 'Voice'}"
        + (f" ({d['emotion']})" if d.get("emotion") else "")
        + f': "{d.get("line", "").strip()}"'
        for d in audio.get("dialogue") or []
        if d.get("line", "").strip()
    ]
    if lines:
        parts.append("Dialogue: " + " ".join(lines))
    if audio.get("sfx"):
        parts.append(f"Sound effects: {_sentence(audio['sfx'])}")
    if audio.get("ambience"):
        parts.append(f"Ambience: {_sentence(audio['ambience'])}")
    if audio.get("music"):
        parts.append(f"Music: {_sentence(audio['music'])}")
    if brand.sound:
        parts.append(f"Brand sound: {_sentence(brand.sound)}")
    return " ".join(parts)


def style_text(style: dict[str, Any], brand: BrandKit) -> str:
    own = style.get("palette") or ""
    same = " ".join(own.split()).lower() == " ".join(brand.palette.split()).lower()
    palette = _join([own, "" if same else brand.palette], ", ")  # the brand's, said once
    return _join(
        [
            style.get("film_reference"),
            style.get("grade"),
            f"palette: {palette}" if palette else "",
            brand.style,
        ]
    )


def segment_text(index: int, segment: dict[str, Any]) -> str:
    header = f"{_seconds(segment['start'])}-{_seconds(segment['end'])} (Shot {index + 1})"
    connected = segment.get("connected") and index > 0
    if connected:
        header += " [CONNECTED]"
    body = []
    if connected:
        body.append(CONTINUITY.format(previous=index))
    motion = segment.get("camera", "").strip()
    speed = segment.get("speed")
    if speed not in (None, "", 1, "1") or motion:
        motion_parts = [motion]
        if speed not in (None, ""):
            motion_parts.append(f"at {_number(speed)}× speed")
        curve = segment.get("curve") or "LINEAR"
        motion_parts.append(f"{CURVES.get(curve, CURVES['LINEAR'])} ({curve})")
        body.append(_sentence(_join(motion_parts, ", ")))
    if segment.get("action"):
        body.append(_sentence(segment["action"]))
    if segment.get("end_state"):
        body.append(f"END: {_sentence(segment['end_state'])}")
    return f"{header}:\n" + " ".join(body)


def compile_prompt(
    prompt: dict[str, Any], model: VideoModel, brand: BrandKit | None = None
) -> Compiled:
    """The exact text sent to the model, adapted to what the model can do."""
    prompt = normalize(prompt)
    brand = brand or BrandKit()
    notes: list[str] = []
    blocks: list[str] = []
    scene = _sentence(prompt["scene"])

    if prompt["mode"] == "timeline" and prompt["timeline"]:
        subject = f"Subject: {_sentence(prompt['subject'])}" if prompt["subject"] else ""
        if scene or subject:
            blocks.append("\n".join(line for line in (scene, subject) if line))
        blocks.append("Timeline:")
        blocks.extend(segment_text(i, s) for i, s in enumerate(prompt["timeline"]))
        if len(prompt["timeline"]) > 1 and all(s.get("connected") for s in prompt["timeline"][1:]):
            blocks.append("All shots connected: one seamless flow from start to end.")
    else:
        lines = [scene] if scene else []
        if prompt["subject"]:
            lines.append(f"Subject: {_sentence(prompt['subject'])}")
        beats = [b.strip().rstrip(".") for b in prompt["beats"] if b and b.strip()]
        if beats:
            lines.append("Action: " + " ".join(_sentence(b) for b in beats))
        if lines:
            blocks.append("\n".join(lines))

    details = []
    camera = camera_text(prompt["camera"])
    if camera:
        details.append(f"Camera: {_sentence(camera)}")
    lighting = lighting_text(prompt["lighting"])
    if lighting:
        details.append(f"Lighting: {_sentence(lighting)}")
    audio = audio_text(prompt["audio"], brand)
    if audio:
        if not model.audio.available:
            notes.append(f"{model.label} makes no sound: the audio layer is left out.")
        elif model.audio.mode == "optional" and not prompt["audio"].get("generate", True):
            notes.append("Sound is switched off for this shot: the audio layer is left out.")
        else:
            details.append(f"Audio: {audio}")
    style = style_text(prompt["style"], brand)
    if style:
        details.append(f"Style: {_sentence(style)}")
    if brand.must_include:
        details.append(f"Must include: {_sentence(brand.must_include)}")
    if details:
        blocks.append("\n".join(details))
    return Compiled(text="\n\n".join(blocks).strip(), notes=notes)
