"""Joining stored takes into one stored video (a rough cut, a storyboard animatic). Plain values
in: each piece is a stored take, or an animatic spec to render on the spot for a shot that has no
take yet. Out: the stored MP4, its poster and what it is."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generation import media, storage
from generation.media import animatic
from generation.provenance import manifests


@dataclass(frozen=True)
class Piece:
    seconds: float
    video_key: str = ""  # a stored take
    has_audio: bool = True
    animatic: dict[str, Any] | None = None  # else: the storyboard spec to render (title, prompt, …)
    title: str = ""  # the take, as its ingredient is named in the cut's credentials
    ai: bool = True  # made by a model (not the studio's animatic)


@dataclass(frozen=True)
class Made:
    video_key: str
    thumbnail_key: str
    duration_ms: int
    bytes: int
    sha256: str


def make_cut(
    pieces: list[Piece], key: str, width: int, height: int, fps: int = 24, title: str = "Cut"
) -> Made:
    """Fetch (or render) every piece, join them at one size, frame rate and sound format, sign
    the result as a composite whose ingredients are the stored takes (each with its own
    credentials), and store it at `key` (its poster beside it). Temporary files go whatever
    happens."""
    with storage.temporary_folder("cut-") as tmp:
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
        joined = media.concat(clips, work / "joined.mp4", width, height, fps)
        takes = [
            manifests.Ingredient(piece.title or f"Piece {i + 1}", clip.path)
            for i, (piece, clip) in enumerate(zip(pieces, clips, strict=True))
            if piece.video_key
        ]
        ai = any(piece.ai for piece in pieces if piece.video_key)
        signed = work / "cut.mp4"
        manifests.sign_composite(joined, signed, title, takes, ai=ai)
        for path in [clip.path for clip in clips] + [joined]:
            path.unlink(missing_ok=True)  # keep at most the cut and its poster on disk
        joined = signed
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
