"""A take's poster and hover spritesheet, made after it is playable (its video stored and
probed), in a task of their own: they are the CPU a take costs (ffmpeg), so they stay off the
path to "playable". Until they exist the cards show a placeholder.

The store keeps its downloaded file for them (marked with its writer, so a dead writer's is
cleaned); a task on another machine, or one delivered after that file went, reads the stored
video. A completed take waiting for its posters is due for the sweep a minute later, should the
task be lost; once made (or found impossible), it is due no more. The objects' names follow the
take's video, so a take deleted meanwhile takes them with it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from generation import media, queue, storage
from generation.jobs.transitions import S, load, note
from generation.models import EventKind, Render
from generation.providers import ProviderError, get_provider
from generation.providers.base import Provider

logger = logging.getLogger(__name__)
BACKSTOP = timedelta(seconds=60)  # the sweep makes them if the task has not by then


def names(video_key: str) -> list[str]:
    """The keys a take's poster and spritesheet may have beside its video (the poster first,
    then the spritesheet as ffmpeg makes it, then as a provider may send it)."""
    stem = video_key.rsplit(".", 1)[0]
    return [f"{stem}.jpg", *(f"{stem}-sprites.{kind}" for kind in ("jpg", "png", "webp"))]


def _kept_path(render_id: int) -> Path:
    return storage.temp_dir() / f"{storage.writer_mark()}posters-{render_id}.mp4"


def keep_for_later(render: Render, video: Path) -> None:
    """After the take is completed: keep its downloaded file for the posters task, and queue
    that task once the completion is committed."""
    kept = _kept_path(render.pk)
    video.replace(kept)
    transaction.on_commit(lambda: queue.enqueue("posters", render.pk))


def due_fields() -> dict[str, Any]:
    """What a completed take without posters carries: the sweep's backstop."""
    return {"next_poll_at": timezone.now() + BACKSTOP}


def make(render_id: int) -> None:
    """The poster and the spritesheet of a completed take that has none (a second delivery, or
    one for a take already done, only tidies up)."""
    kept = _kept(render_id)
    try:
        render = load(render_id)
        if render is None or render.status != S.COMPLETED or render.thumbnail_key:
            return
        # Working on it: the sweep's backstop waits another minute rather than making them too.
        Render.objects.filter(pk=render.pk, status=S.COMPLETED, thumbnail_key="").update(
            **due_fields()
        )
        with _source(render, kept) as video:
            made = _made(render, get_provider(render.provider), video)
        done = Render.objects.filter(pk=render.pk, status=S.COMPLETED, thumbnail_key="").update(
            thumbnail_key=made[0], spritesheet_key=made[1], next_poll_at=None
        )
        if not done:  # another made them, or the take was deleted: ours go unless shared
            current = Render.objects.filter(pk=render.pk).values_list(
                "thumbnail_key", "spritesheet_key"
            )
            keep = set(current[0]) if current else set()
            storage.delete_quietly([k for k in made if k and k not in keep])
    finally:
        if kept:
            kept.unlink(missing_ok=True)


def _kept(render_id: int) -> Path | None:
    found = sorted(storage.temp_dir().glob(f"*posters-{render_id}.mp4"))
    return found[0] if found else None


@contextlib.contextmanager
def _source(render: Render, kept: Path | None) -> Iterator[Path]:
    """The take's video as a local file: the store's, or the stored one read again."""
    if kept and kept.is_file():
        yield kept
        return
    spooled = storage.fetch(render.video_key)
    try:
        yield spooled.path
    finally:
        spooled.path.unlink(missing_ok=True)


def _made(render: Render, provider: Provider, video: Path) -> tuple[str, str]:
    thumb_key, sprite_key = names(render.video_key)[:2]
    made_thumb = ""
    out = video.with_name(video.stem + "-poster.jpg")
    try:
        media.thumbnail(video, out, at_seconds=min(1.0, render.seconds / 2))
        made_thumb = storage.put(thumb_key, out)
    except media.MediaError:
        logger.warning("no poster for take %s: ffmpeg could not read a frame", render.pk)
    finally:
        out.unlink(missing_ok=True)
    sprites = _provider_sprites(provider, render, sprite_key) or _sprites(
        video, render.duration_ms, sprite_key
    )
    if not made_thumb:  # nothing to wait for any more: the card keeps its placeholder
        Render.objects.filter(pk=render.pk, status=S.COMPLETED).update(next_poll_at=None)
    return made_thumb, sprites


def _provider_sprites(provider: Provider, render: Render, key: str) -> str:
    """A provider's spritesheet, if it makes one, stored as what its bytes are."""
    if "spritesheet" not in provider.extra_variants:
        return ""
    spooled = None
    try:
        with provider.open_result(render.provider_job_id, "spritesheet") as chunks:
            spooled = storage.spool(chunks)
        with spooled.path.open("rb") as handle:
            suffix = _image_suffix(handle.read(12))
        if suffix:
            key = f"{key.rsplit('.', 1)[0]}.{suffix}"
        return storage.put(key, spooled.path)
    except ProviderError as error:
        note(render, EventKind.EXTRA_MISSING, {"variant": "spritesheet", "code": error.code})
        return ""
    finally:
        if spooled:
            spooled.path.unlink(missing_ok=True)


def _image_suffix(head: bytes) -> str:
    """The image format of a file's first bytes: JPEG, PNG or WebP ("" when none of them)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return ""


def _sprites(video: Path, duration_ms: int | None, key: str) -> str:
    out = video.with_name(video.stem + "-sprites.jpg")
    try:
        return storage.put(key, media.spritesheet(video, out, (duration_ms or 4000) / 1000))
    except media.MediaError:
        return ""
    finally:
        out.unlink(missing_ok=True)
