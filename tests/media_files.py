"""Real media for rows the tests make directly: a tiny MP4 that ffmpeg writes once per run."""

from __future__ import annotations

import functools
import struct
import subprocess
import tempfile
from pathlib import Path

from generation import media


@functools.cache
def _tiny_mp4() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tiny.mp4"
        subprocess.run(
            [media.ffmpeg(), "-loglevel", "error", "-f", "lavfi", "-i",
             "testsrc=size=64x36:rate=4", "-t", "1", "-pix_fmt", "yuv420p", str(out)],
            check=True,
        )  # fmt: skip
        return out.read_bytes()


def mp4(data: bytes) -> bytes:
    """A real, tiny MP4 that carries `data` in a `free` box: each one distinct, each one a
    file c2pa signs (as the studio signs every take it stores)."""
    return _tiny_mp4() + struct.pack(">I4s", 8 + len(data), b"free") + data


SCENE_COLOURS = [
    (0, 0, 0),
    (255, 255, 255),
    (64, 64, 64),
    (192, 192, 192),
    (0, 0, 128),
    (255, 255, 0),
]


def scenes_video(
    out: Path, lengths: list[float], size: str = "1920x1080", keyframes_at_cuts: bool = True
) -> Path:
    """A real H.264 + AAC MP4 whose picture changes scene at known times: one flat colour of
    its own brightness per scene (SCENE_COLOURS, in turn), a tone under it; x264 puts a
    keyframe at each change unless told not to."""
    inputs: list[str] = []
    for index, seconds in enumerate(lengths):
        red, green, blue = SCENE_COLOURS[index % len(SCENE_COLOURS)]
        colour = f"0x{red:02X}{green:02X}{blue:02X}"
        inputs += ["-f", "lavfi", "-i", f"color=c={colour}:s={size}:r=24:d={seconds}"]
    count = len(lengths)
    joined = "".join(f"[{i}:v]" for i in range(count)) + f"concat=n={count}:v=1:a=0[v]"
    gop = [] if keyframes_at_cuts else ["-x264-params", "keyint=1000:scenecut=0"]
    subprocess.run(
        [media.ffmpeg(), "-loglevel", "error", "-y", *inputs, "-f", "lavfi", "-i",
         f"sine=f=440:d={sum(lengths)}", "-filter_complex", joined, "-map", "[v]", "-map",
         f"{count}:a", "-c:v", "libx264", "-preset", "veryfast", *gop, "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(out)],
        check=True,
    )  # fmt: skip
    return out
