"""A one-take spot split back into its shots (issue 37, point 4, the groundwork): the planned
cut times, each moved to the nearest scene change ffmpeg's `scdet` finds within ±0.5 s; each
piece's picture cut without re-encoding where it is whole groups of pictures (it starts and
ends on keyframes), else encoded once (H.264); its sound encoded once (AAC). The pieces'
lengths add up to the take's. `scdet` scores the change of brightness between frames: a cut
between two colours of one brightness is not seen (and the planned time is kept)."""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generation.media import FFMPEG_TIMEOUT, SAFE_INPUT, MediaError, ffmpeg, probe

# A piece that must be encoded: x264's quickest preset at a lower CRF than the studio's cuts
# (the same look for more bytes; a piece is a few seconds, and the spot is encoded again).
PIECE_H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p"]
WINDOW = 0.5  # seconds a planned cut may move to meet a detected scene change
THRESHOLD = 10.0  # scdet's score (0–100) that counts as a change of scene
_SCENE = re.compile(r"lavfi\.scd\.time[=:]\s*(\d+(?:\.\d+)?)")
_KEY = re.compile(r"pts_time:\s*(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Piece:
    path: Path
    start: float
    end: float
    copied: bool  # cut from the take's own packets (no re-encode)

    @property
    def seconds(self) -> float:
        return self.end - self.start


def _log(args: list[str]) -> str:
    result = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostdin", *args],
        capture_output=True,
        text=True,
        timeout=FFMPEG_TIMEOUT,
    )
    if result.returncode != 0:
        raise MediaError(f"ffmpeg could not read the take: {result.stderr.strip()[-300:]}")
    return result.stderr


def scene_changes(video: Path, threshold: float = THRESHOLD) -> list[float]:
    """The times the picture changes scene, each frame scored on a small copy of it (as sure,
    and far quicker at 1080p)."""
    found = _log(
        [*SAFE_INPUT, "-i", str(video), "-an", "-vf",
         f"scale=160:-2:flags=fast_bilinear,scdet=threshold={threshold},"
         "metadata=print:key=lavfi.scd.time",
         "-f", "null", "-"]
    )  # fmt: skip
    return sorted({round(float(t), 3) for t in _SCENE.findall(found)})


def keyframes(video: Path) -> list[float]:
    """The times of the take's keyframes (only those are decoded)."""
    found = _log(
        ["-skip_frame", "nokey", *SAFE_INPUT, "-i", str(video), "-an", "-vf", "showinfo",
         "-f", "null", "-"]
    )  # fmt: skip
    return sorted({round(float(t), 3) for t in _KEY.findall(found)})


def cut_times(planned: list[float], changes: list[float], window: float = WINDOW) -> list[float]:
    """Each planned cut moved to the nearest scene change within `window`, else kept; never
    two at one time and always in order."""
    cuts: list[float] = []
    for time in planned:
        near = [c for c in changes if abs(c - time) <= window and (not cuts or c > cuts[-1])]
        moved = min(near, key=lambda c: abs(c - time)) if near else time
        if cuts and moved <= cuts[-1]:
            moved = time
        cuts.append(round(moved, 3))
    return cuts


def split(video: Path, cuts: list[float], out_dir: Path) -> list[Piece]:
    """The pieces between the cuts, in order, as MP4 files in `out_dir`."""
    info = probe(video)
    duration = info.duration_ms / 1000
    frame = 1 / float(info.fps or 24)
    keys = keyframes(video)
    edges = [0.0, *[c for c in cuts if 0 < c < duration], duration]
    out_dir.mkdir(parents=True, exist_ok=True)
    spans = list(enumerate(zip(edges, edges[1:], strict=False), start=1))
    with ThreadPoolExecutor(max_workers=2) as pool:  # two ffmpegs at once: the machine's cores
        return list(
            pool.map(lambda span: _piece(video, span, keys, frame, out_dir, duration), spans)
        )


def _piece(
    video: Path,
    span: tuple[int, tuple[float, float]],
    keys: list[float],
    frame: float,
    out_dir: Path,
    duration: float,
) -> Piece:
    index, (start, end) = span
    out = out_dir / f"piece-{index:02d}.mp4"

    def keyframe(time: float) -> bool:
        return any(abs(k - time) <= frame / 2 for k in keys)

    # Whole groups of pictures copy exactly: a piece that starts and ends on keyframes (or at
    # the take's end); any other would carry a frame of the next scene its own frames refer to.
    on_key = keyframe(start) and (keyframe(end) or end >= duration - frame / 2)
    frames = max(1, round((end - start) / frame))  # exactly its frames, whatever the GOP
    # A copy starts at the keyframe at or before -ss: a quarter frame past the cut finds the
    # cut's own keyframe even when its time was rounded down (2.2083 s found as 2.208). An
    # encode keeps the frames at or after -ss: the cut's time as found.
    seek = start + frame / 4 if on_key and start > 0 else start
    timing = ["-ss", f"{seek:.3f}", *SAFE_INPUT, "-i", str(video), "-t", f"{end - start:.3f}"]
    timing += ["-frames:v", str(frames)]
    video_codec = ["-c:v", "copy", "-avoid_negative_ts", "make_zero"] if on_key else PIECE_H264
    codec = [*video_codec, "-c:a", "aac", "-b:a", "160k"]  # the sound: cheap to encode
    result = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *timing, *codec,
         "-movflags", "+faststart", str(out)],
        capture_output=True, text=True, timeout=FFMPEG_TIMEOUT,
    )  # fmt: skip
    if result.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        raise MediaError(f"ffmpeg could not cut piece {index}: {result.stderr.strip()[-300:]}")
    return Piece(out, start, end, on_key)
