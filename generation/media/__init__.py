"""ffmpeg helpers (the binary comes inside the imageio-ffmpeg wheel): probe, thumbnail,
spritesheet, the last frame, and joining clips into one cut."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import imageio_ffmpeg
from PIL import Image

FFMPEG_TIMEOUT = 120
# Files from providers are read as what they must be, an MP4 on the local disk: an explicit
# demuxer means a crafted file (an HLS or concat playlist in disguise) cannot make ffmpeg open
# URLs or other local files, and the protocol whitelist allows nothing but that one file.
SAFE_INPUT = ("-protocol_whitelist", "file", "-f", "mp4")
# The studio's own encodes of delivered picture (a cut, a burned-in label): H.264, 4:2:0.
H264 = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p")


class MediaError(Exception):
    """ffmpeg could not read or write a file."""


def ffmpeg() -> str:
    return str(imageio_ffmpeg.get_ffmpeg_exe())


@dataclass(frozen=True)
class MediaInfo:
    duration_ms: int
    width: int
    height: int
    fps: Decimal | None
    video_codec: str
    has_audio: bool
    audio_codec: str
    profile: str = ""  # the video codec's profile ("High")
    audio_rate: int = 0  # Hz


_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?Video: (\w+)(?: \(([^)]*)\))?.*?, (\d{2,5})x(\d{2,5})")
_FPS = re.compile(r"(\d+(?:\.\d+)?) fps")
_AUDIO = re.compile(r"Stream #\S+.*?Audio: (\w+)")
_AUDIO_RATE = re.compile(r"Stream #\S+.*?Audio: .*?, (\d+) Hz")


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
    rate = _AUDIO_RATE.search(text)
    return MediaInfo(
        duration_ms=total,
        width=int(video.group(3)),
        height=int(video.group(4)),
        fps=Decimal(fps.group(1)) if fps else None,
        video_codec=video.group(1),
        has_audio=audio is not None,
        audio_codec=audio.group(1) if audio else "",
        profile=video.group(2) or "",
        audio_rate=int(rate.group(1)) if rate else 0,
    )


def thumbnail(
    video: Path | str, out: Path | str, at_seconds: float = 0.5, width: int = 640
) -> Path:
    """A JPEG still from the video, `width` pixels wide (from the first frame when the video
    is shorter than `at_seconds`)."""
    try:
        _run(
            [
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
            "make a thumbnail",
        )
        _written(out, "make a thumbnail")
    except MediaError:
        if at_seconds > 0:
            return thumbnail(video, out, 0, width)
        raise
    return Path(out)


def spritesheet(
    video: Path | str, out: Path | str, seconds: float, frames: int = 10, width: int = 160
) -> Path:
    """`frames` stills spread over the video, side by side in one JPEG (for hover scrubbing)."""
    rate = frames / max(seconds, 0.1)
    _run(
        [
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
        "make a spritesheet",
    )
    return _written(out, "make a spritesheet")


def _run(args: list[str], what: str, timeout: int = FFMPEG_TIMEOUT) -> None:
    result = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise MediaError(f"ffmpeg could not {what}: {result.stderr.strip()[-300:]}")


def _written(out: Path | str, what: str) -> Path:
    """ffmpeg can exit 0 having written nothing (no frame at that time): that is a failure."""
    if not Path(out).exists() or Path(out).stat().st_size == 0:
        raise MediaError(f"ffmpeg could not {what}: it wrote no image")
    return Path(out)


def last_frame(video: Path | str, out: Path | str) -> Path:
    """The video's last decoded frame as a PNG. ffmpeg decodes the final second and keeps
    overwriting one uncompressed image, so what stays is exactly the final frame (no guess from
    the duration, which can point past it); only that one is compressed to PNG. A video stream
    that ends well before the file does (a longer sound) is read from the start."""
    with tempfile.TemporaryDirectory(prefix="last-frame-") as tmp:
        raw = Path(tmp) / "last.bmp"
        for tail in (("-sseof", "-1"), ()):
            try:
                _run(
                    [
                        *tail,
                        *SAFE_INPUT,
                        "-i",
                        str(video),
                        "-map",
                        "0:v:0",
                        "-fps_mode",
                        "passthrough",
                        "-update",
                        "1",
                        "-f",
                        "image2",
                        "-c:v",
                        "bmp",
                        str(raw),
                    ],
                    "read the last frame",
                )
            except MediaError:
                if tail == ():
                    raise
            if raw.exists() and raw.stat().st_size:
                break
        _written(raw, "read the last frame")
        with Image.open(raw) as image:
            image.save(out, "PNG")
    return _written(out, "read the last frame")


def first_frame(video: Path | str, out: Path | str) -> Path:
    """The video's first frame as a PNG, at the video's own size."""
    _run(
        [*SAFE_INPUT, "-i", str(video), "-map", "0:v:0", "-frames:v", "1", str(out)],
        "read the first frame",
    )
    return _written(out, "read the first frame")


@dataclass(frozen=True)
class Clip:
    """One piece of a cut: a file and how long it plays (its own duration), and whether it
    has sound (silence is laid under a clip without)."""

    path: Path
    seconds: float
    has_audio: bool


def concat(clips: list[Clip], out: Path | str, width: int, height: int, fps: int = 24) -> Path:
    """Join clips into one H.264/AAC MP4 at one size (fitted inside, padded black), one frame
    rate, yuv420p, 48 kHz stereo sound throughout. The result lasts the sum of the clips."""
    if not clips:
        raise MediaError("nothing to join")
    inputs: list[str] = []
    chains: list[str] = []
    pairs = ""
    for i, clip in enumerate(clips):
        inputs += [*SAFE_INPUT, "-i", str(clip.path)]
        d = f"{clip.seconds:.3f}"
        chains.append(
            f"[{i}:v:0]scale={width}:{height}:force_original_aspect_ratio=decrease,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps},format=yuv420p,"
            f"trim=duration={d},setpts=PTS-STARTPTS[v{i}]"
        )
        sound = (
            f"[{i}:a:0]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,apad,"
            if clip.has_audio
            else "aevalsrc=0|0:s=48000:c=stereo,aformat=sample_fmts=fltp,"
        )
        chains.append(f"{sound}atrim=duration={d},asetpts=PTS-STARTPTS[a{i}]")
        pairs += f"[v{i}][a{i}]"
    chains.append(f"{pairs}concat=n={len(clips)}:v=1:a=1[v][a]")
    _run(
        [
            *inputs,
            "-filter_complex",
            ";".join(chains),
            "-map",
            "[v]",
            "-map",
            "[a]",
            *H264,
            "-r",
            str(fps),
            "-c:a",
            "aac",
            "-b:a",
            "160k",
            "-ar",
            "48000",
            "-ac",
            "2",
            "-movflags",
            "+faststart",
            str(out),
        ],
        "join the takes",
        timeout=FFMPEG_TIMEOUT * max(1, len(clips)),
    )
    return Path(out)
