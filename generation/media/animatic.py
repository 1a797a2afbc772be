"""The animatic's storyboard: cards planned from the prompt (timeline segments or action beats),
drawn with Pillow, a click at every cut, encoded to H.264 + AAC with ffmpeg. No database, no
network: `render(spec, out, on_progress)` turns a spec into an MP4 file."""

from __future__ import annotations

import io
import math
import struct
import subprocess
import tempfile
import textwrap
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from generation.media import ffmpeg
from generation.prompts import camera_text, lighting_text, normalize, timeline_problems

FPS = 24
SAMPLE_RATE = 48000
ACCENT = (217, 72, 15)
ACCENT_HEX = "".join(f"{c:02X}" for c in ACCENT)


# A one-take spot's scenes: each shot on its own colour, dark and light in turn, so that each
# cut is a change of brightness a scene detector sees (as a real model's cut is).
SCENES = ((20, 20, 22), (196, 120, 72), (22, 40, 74), (120, 190, 140), (70, 24, 40), (210, 190, 90))


def plan_cards(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Cards that tile 0..seconds exactly: the timeline's segments, or the action beats. A
    one-take spot's cards (its shots) are each drawn on a colour of their own."""
    cards = _cards(spec)
    if (spec.get("structure") or {}).get("one_take"):
        for index, card in enumerate(cards):
            card["background"] = SCENES[index % len(SCENES)]
    return cards


def _cards(spec: dict[str, Any]) -> list[dict[str, Any]]:
    seconds = spec["seconds"]
    prompt = normalize(spec.get("structure") or {})
    timeline = prompt["timeline"] if prompt["mode"] == "timeline" else []
    if timeline and not timeline_problems(timeline, seconds):
        cards = []
        for i, s in enumerate(timeline):
            motion = ", ".join(
                p
                for p in (s.get("camera", ""), f"{s.get('speed', 1)}x {s.get('curve', '')}")
                if p.strip()
            )
            cards.append(
                {
                    "heading": f"Shot {i + 1}"
                    + ("  ·  CONNECTED" if s.get("connected") and i else ""),
                    "body": s.get("action") or prompt["scene"] or spec["prompt"],
                    "detail": motion,
                    "end": f"END: {s['end_state']}" if s.get("end_state") else "",
                    "start": float(s["start"]),
                    "stop": float(s["end"]),
                }
            )
        return cards
    beats = [b for b in prompt["beats"] if b.strip()] or [prompt["scene"] or spec["prompt"]]
    detail = " · ".join(
        p for p in (camera_text(prompt["camera"]), lighting_text(prompt["lighting"])) if p
    )
    step = seconds / len(beats)
    return [
        {
            "heading": f"Beat {i + 1} of {len(beats)}" if len(beats) > 1 else "Shot",
            "body": beat,
            "detail": detail,
            "end": "",
            "start": round(i * step, 3),
            "stop": seconds if i == len(beats) - 1 else round((i + 1) * step, 3),
        }
        for i, beat in enumerate(beats)
    ]


# --------------------------------------------------------------------------- drawing


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(10, size))


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int, max_lines: int) -> list[str]:
    words = " ".join(str(text).split())
    average = max(1, int(font.getlength("abcdefghijklmnopqrstuvwxyz") / 26))
    lines = textwrap.wrap(words, width=max(8, width // average))
    while lines and any(draw.textlength(line, font=font) > width for line in lines):
        lines = textwrap.wrap(words, width=max(8, len(max(lines, key=len)) - 2))
        if len(max(lines, key=len)) <= 8:
            break
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" .,;") + "…"
    return lines


def draw_card(
    card: dict[str, Any], index: int, cards: list[dict[str, Any]], spec: dict[str, Any]
) -> Image.Image:
    width, height = spec["width"], spec["height"]
    unit = min(width, height)
    background = tuple(card.get("background") or SCENES[0])
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    margin = int(unit * 0.07)
    text_width = width - 2 * margin
    small, medium, large = (
        _font(int(unit * 0.035)),
        _font(int(unit * 0.045)),
        _font(int(unit * 0.065)),
    )

    draw.rectangle([0, 0, width, max(4, unit // 90)], fill=ACCENT)
    y = margin
    draw.text(
        (margin, y),
        (spec.get("title") or "Untitled shot").upper(),
        font=small,
        fill=(170, 170, 175),
    )
    label = "ANIMATIC"
    draw.text(
        (width - margin - draw.textlength(label, font=small), y), label, font=small, fill=ACCENT
    )
    y += int(unit * 0.07)
    timing = f"{card['start']:.1f}s - {card['stop']:.1f}s"
    draw.text((margin, y), f"{card['heading']}   {timing}", font=medium, fill=(255, 255, 255))
    y += int(unit * 0.09)
    for line in _wrap(draw, card["body"], large, text_width, 6):
        draw.text((margin, y), line, font=large, fill=(250, 250, 250))
        y += int(unit * 0.08)
    y += int(unit * 0.02)
    for text in (card["detail"], card["end"]):
        for line in _wrap(draw, text, medium, text_width, 3):
            draw.text((margin, y), line, font=medium, fill=(185, 185, 190))
            y += int(unit * 0.06)

    # The shot's timeline, this card highlighted; a bar runs over it while the clip plays.
    track_top = height - int(unit * 0.06)
    total = spec["seconds"]
    for i, other in enumerate(cards):
        x0 = int(other["start"] / total * width)
        x1 = int(other["stop"] / total * width) - 2
        fill = (90, 90, 96) if i != index else (150, 150, 158)
        draw.rectangle([x0, track_top, max(x0, x1), height - int(unit * 0.03)], fill=fill)
    return image


def click_track(cuts: list[float], seconds: int) -> bytes:
    """A mono 16-bit WAV: silence with a short click-tone at every cut."""
    samples = bytearray(seconds * SAMPLE_RATE * 2)
    length = int(0.06 * SAMPLE_RATE)
    for i, at in enumerate(cuts):
        start = int(at * SAMPLE_RATE)
        frequency = 1320 if i == 0 else 880
        for n in range(min(length, seconds * SAMPLE_RATE - start)):
            envelope = math.exp(-n / (length / 5))
            value = int(12000 * envelope * math.sin(2 * math.pi * frequency * n / SAMPLE_RATE))
            struct.pack_into("<h", samples, (start + n) * 2, value)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(bytes(samples))
    return out.getvalue()


# --------------------------------------------------------------------------- rendering


class Cancelled(Exception):
    pass


BAR_STEPS_PER_SECOND = 6


def progress_bar(width: int, bar: int, seconds: float) -> str:
    """The bar that runs along the bottom while the clip plays, as ffmpeg filters: one box per
    sixth of a second, each drawn only in its own time (a moving overlay made every frame a
    full-frame composite, which cost the encode as much again as the cards themselves)."""
    steps = max(1, round(seconds * BAR_STEPS_PER_SECOND))
    return ",".join(
        f"drawbox=x=0:y=ih-{bar}:w={max(1, round(width * (k + 1) / steps))}:h={bar}"
        f":color=0x{ACCENT_HEX}:t=fill"
        f":enable='between(t,{k * seconds / steps:.4f},{(k + 1) * seconds / steps:.4f})'"
        for k in range(steps)
    )


def render(spec: dict[str, Any], out: Path, on_progress: Callable[[int], None]) -> None:
    """Render the animatic MP4 to `out`; `on_progress(percent)` may raise Cancelled."""
    cards = plan_cards(spec)
    seconds = spec["seconds"]
    with tempfile.TemporaryDirectory(prefix="animatic-") as tmp:
        work = Path(tmp)
        listing = []
        for i, card in enumerate(cards):
            path = work / f"card-{i:03d}.png"
            draw_card(card, i, cards, spec).save(path, compress_level=1)
            listing.append(f"file '{path}'\nduration {card['stop'] - card['start']:.3f}")
            on_progress(int(15 * (i + 1) / len(cards)))
        # The concat demuxer needs the last file repeated for its duration to count.
        listing.append(f"file '{work / f'card-{len(cards) - 1:03d}.png'}'")
        (work / "cards.txt").write_text("\n".join(listing) + "\n")
        (work / "track.wav").write_bytes(click_track([c["start"] for c in cards], seconds))
        bar = max(4, min(spec["width"], spec["height"]) // 90)
        command = [
            ffmpeg(),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(work / "cards.txt"),
            "-i",
            str(work / "track.wav"),
            "-filter_complex",
            f"[0:v]fps={FPS},format=yuv420p,{progress_bar(spec['width'], bar, seconds)}[v]",
            "-map",
            "[v]",
            "-map",
            "1:a",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-tune",
            "stillimage",
            "-crf",
            "28",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-t",
            str(seconds),
            "-movflags",
            "+faststart",
            "-progress",
            "pipe:1",
            "-nostats",
            str(out),
        ]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stdout is not None and process.stderr is not None  # both piped
        try:
            for line in process.stdout:
                if line.startswith("out_time_us="):
                    try:
                        done = int(line.split("=", 1)[1]) / 1_000_000
                    except ValueError:
                        continue
                    on_progress(15 + int(80 * min(1.0, done / seconds)))
            process.wait(timeout=600)
        except BaseException:
            process.kill()
            process.wait()
            raise
        if process.returncode != 0:
            raise RuntimeError(f"ffmpeg failed: {process.stderr.read()[-500:]}")
