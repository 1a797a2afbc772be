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
