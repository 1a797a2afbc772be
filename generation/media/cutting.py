"""Joining stored takes into one stored video (a rough cut, a storyboard animatic). Plain values
in: each piece is a stored take, or an animatic spec to render on the spot for a shot that has no
take yet. Out: the stored MP4, its poster and what it is."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generation import media, storage
from generation.media import animatic


@dataclass(frozen=True)
class Piece:
    seconds: float
    video_key: str = ""  # a stored take
    has_audio: bool = True
    animatic: dict[str, Any] | None = None  # else: the storyboard spec to render (title, prompt, …)


@dataclass(frozen=True)
class Made:
    video_key: str
    thumbnail_key: str
    duration_ms: int
    bytes: int
    sha256: str


def make_cut(pieces: list[Piece], key: str, width: int, height: int, fps: int = 24) -> Made:
    """Fetch (or render) every piece, join them at one size, frame rate and sound format, and
    store the result at `key` (its poster beside it). Temporary files go whatever happens."""
    with tempfile.TemporaryDirectory(dir=storage.temp_dir(), prefix="cut-") as tmp:
        work = Path(tmp)
        clips = []
        for i, piece in enumerate(pieces):
            if piece.video_key:
                copy = storage.fetch(piece.video_key)
                path = copy.path.rename(work / f"piece-{i:03d}.mp4")
            else:
                path = work / f"piece-{i:03d}.mp4"
                spec = {**(piece.animatic or {}), "width": width, "height": height}
                animatic.render(spec, path, lambda percent: None)
            clips.append(media.Clip(path, piece.seconds, piece.has_audio))
        joined = media.concat(clips, work / "cut.mp4", width, height, fps)
        for clip in clips:
            clip.path.unlink(missing_ok=True)  # keep at most the cut and its poster on disk
        info = media.probe(joined)
        poster = media.thumbnail(
            joined, work / "poster.jpg", at_seconds=min(1.0, info.duration_ms / 2000)
        )
        digest = hashlib.sha256()
        with joined.open("rb") as handle:
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(block)
        video_key = storage.put(key, joined)
        thumbnail_key = storage.put(f"{key.rsplit('.', 1)[0]}.jpg", poster)
        size = joined.stat().st_size
        return Made(video_key, thumbnail_key, info.duration_ms, size, digest.hexdigest())
