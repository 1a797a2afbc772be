"""ffmpeg helpers (the binary comes inside the imageio-ffmpeg wheel): probe, thumbnail."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import imageio_ffmpeg

FFMPEG_TIMEOUT = 120
# Files from providers are read as what they must be, an MP4 on the local disk: an explicit
# demuxer means a crafted file (an HLS or concat playlist in disguise) cannot make ffmpeg open
# URLs or other local files, and the protocol whitelist allows nothing but that one file.
SAFE_INPUT = ("-protocol_whitelist", "file", "-f", "mp4")


class MediaError(Exception):
    """ffmpeg could not read or write a file."""


def ffmpeg() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


@dataclass(frozen=True)
class MediaInfo:
    duration_ms: int
    width: int
    height: int
    fps: Decimal | None
    video_codec: str
    has_audio: bool
    audio_codec: str


_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?Video: (\w+).*?, (\d{2,5})x(\d{2,5})")
_FPS = re.compile(r"(\d+(?:\.\d+)?) fps")
_AUDIO = re.compile(r"Stream #\S+.*?Audio: (\w+)")


def probe(path: Path | str) -> MediaInfo:
    """Read the container's header: duration, size, frame rate, codecs. Raises MediaError when
    ffmpeg cannot read the file as a video."""
    result = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostdin", *SAFE_INPUT, "-i", str(path)],
        capture_output=True,
        text=True,
        timeout=FFMPEG_TIMEOUT,
    )
    text = result.stderr
    duration = _DURATION.search(text)
    video = _VIDEO.search(text)
    if not duration or not video or "Invalid data found" in text:
        raise MediaError("ffmpeg could not read this file as a video")
    hours, minutes, seconds = duration.groups()
    total = (int(hours) * 3600 + int(minutes) * 60) * 1000 + round(float(seconds) * 1000)
    fps = _FPS.search(text[video.start() :].split("\n", 1)[0])
    audio = _AUDIO.search(text)
    return MediaInfo(
        duration_ms=total,
        width=int(video.group(2)),
        height=int(video.group(3)),
        fps=Decimal(fps.group(1)) if fps else None,
        video_codec=video.group(1),
        has_audio=audio is not None,
        audio_codec=audio.group(1) if audio else "",
    )


def thumbnail(
    video: Path | str, out: Path | str, at_seconds: float = 0.5, width: int = 640
) -> Path:
    """A JPEG still from the video, `width` pixels wide."""
    result = subprocess.run(
        [
            ffmpeg(),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-ss",
            f"{at_seconds:.2f}",
            *SAFE_INPUT,
            "-i",
            str(video),
            "-frames:v",
            "1",
            "-vf",
            f"scale={width}:-2",
            "-q:v",
            "4",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=FFMPEG_TIMEOUT,
    )
    if result.returncode != 0 or not Path(out).exists() or Path(out).stat().st_size == 0:
        if at_seconds > 0:
            return thumbnail(video, out, 0, width)
        raise MediaError(f"ffmpeg could not make a thumbnail: {result.stderr.strip()[:200]}")
    return Path(out)


def spritesheet(
    video: Path | str, out: Path | str, seconds: float, frames: int = 10, width: int = 160
) -> Path:
    """`frames` stills spread over the video, side by side in one JPEG (for hover scrubbing)."""
    rate = frames / max(seconds, 0.1)
    result = subprocess.run(
        [
            ffmpeg(),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            *SAFE_INPUT,
            "-i",
            str(video),
            "-vf",
            f"fps={rate:.4f},scale={width}:-2,tile={frames}x1",
            "-frames:v",
            "1",
            "-q:v",
            "5",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=FFMPEG_TIMEOUT,
    )
    if result.returncode != 0 or not Path(out).exists() or Path(out).stat().st_size == 0:
        raise MediaError(f"ffmpeg could not make a spritesheet: {result.stderr.strip()[:200]}")
    return Path(out)
