"""A spot's captions, written by kept libraries: SRT (`srt`), WebVTT (`webvtt-py`) and, to burn
them in, ASS (`pysubs2`) styled in the brand's font with margins that keep every line inside the
channel's safe zone. Cue text is one line of plain text (markup characters are the libraries'
to escape, and ASS override braces are removed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pysubs2
import srt
import webvtt
from PIL import ImageFont

from generation import text
from generation.media.typesetting import DEFAULT_FONT, Box


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    words: str


# What lenient readers (pysubs2, players) take for a cue's timing wherever it stands in a line.
_TIMESTAMP = re.compile(r"(\d{1,2}):(\d{1,2}):(\d{1,2})([.,]\d)")


def _clean(words: str) -> str:
    """One line of text, with nothing a caption reader takes for structure: no "-->", and a
    time written in the words ("00:00:05,000") keeps its look with a ratio sign (∶) for its
    colons, so no reader takes the line for a cue's timing."""
    words = text.line(words).replace("-->", "→")
    return _TIMESTAMP.sub(lambda m: "∶".join(m.groups()[:3]) + m.group(4), words).strip()


def write_srt(cues: list[Cue], out: Path) -> Path:
    subtitles = [
        srt.Subtitle(i, timedelta(seconds=c.start), timedelta(seconds=c.end), _clean(c.words))
        for i, c in enumerate(cues, start=1)
    ]
    out.write_text(srt.compose(subtitles), encoding="utf-8")
    return out


def _stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def write_vtt(cues: list[Cue], out: Path) -> Path:
    document = webvtt.WebVTT()
    for cue in cues:
        words = _clean(cue.words)
        document.captions.append(webvtt.Caption(_stamp(cue.start), _stamp(cue.end), words))
    document.save(str(out))
    return out


def font_family(path: Path | str | None) -> str:
    return ImageFont.truetype(str(path or DEFAULT_FONT), 12).getname()[0] or "DejaVu Sans"


def write_ass(
    cues: list[Cue],
    out: Path,
    width: int,
    height: int,
    safe: Box,
    font_path: Path | str | None,
    colour: str,
) -> Path:
    """Captions to burn in: bottom-centred at the foot of the safe area, wrapped inside it."""
    subs = pysubs2.SSAFile()
    subs.info["PlayResX"] = str(width)
    subs.info["PlayResY"] = str(height)
    subs.info["WrapStyle"] = "0"
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    subs.styles["Default"] = pysubs2.SSAStyle(
        fontname=font_family(font_path),
        fontsize=caption_size(width, height),
        primarycolor=pysubs2.Color(red, green, blue),
        outlinecolor=pysubs2.Color(0, 0, 0),
        backcolor=pysubs2.Color(0, 0, 0, 100),
        bold=False,
        outline=3,
        shadow=0,
        alignment=pysubs2.Alignment.BOTTOM_CENTER,
        marginl=safe.left,
        marginr=width - safe.right,
        marginv=height - safe.bottom,
    )
    for cue in cues:
        words = _clean(cue.words).replace("{", "(").replace("}", ")").replace("\\", "/")
        subs.events.append(
            pysubs2.SSAEvent(start=round(cue.start * 1000), end=round(cue.end * 1000), text=words)
        )
    subs.save(str(out))
    return out


def caption_size(width: int, height: int) -> int:
    return max(16, round(min(width, height) * 0.045))


def band(width: int, height: int, safe: Box) -> int:
    """How much of the safe area's foot two burned-in caption lines take."""
    return round(caption_size(width, height) * 1.3 * 2) + 8
