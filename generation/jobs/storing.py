"""Storing a finished take (invariant 3, completed means stored): the result streams to a
temporary file while it is hashed, ffmpeg must read it, it goes to storage; only then is the
take completed — playable. Its poster and spritesheet come after, in their own task
(generation/jobs/posters.py)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from generation import liveness, media, queue, storage
from generation.jobs import posters, signing
from generation.jobs.transitions import S, advance, due_in, error_fields, load, note
from generation.models import EventKind, Render
from generation.providers import ProviderError, get_provider

logger = logging.getLogger(__name__)
# A store holds its take for a short lease, renewed every HEARTBEAT seconds while it works
# (download, probe, upload): a killed worker's take is due again within 20 seconds. A store
# whose cluster is told to stop gives its lease back at once (the download starts again
# elsewhere; nothing was written).
STORE_LEASE = timedelta(seconds=20)
HEARTBEAT = 5.0
MAX_STORE_DELAY = 300.0


@contextmanager
def _heartbeat(render_id: int) -> Iterator[None]:
    """Renew the store's lease (and the sweep's next look) while the body runs."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(HEARTBEAT):
                until = timezone.now() + STORE_LEASE
                Render.objects.filter(pk=render_id, status=S.STORING).update(
                    lease_until=until, next_poll_at=until
                )
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"store-heartbeat-{render_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def store(render_id: int) -> None:
    """Stream the result to a temporary file while hashing, check it with ffmpeg, upload it;
    only then is the take completed (its posters follow in their own task)."""
    render = load(render_id)
    if render is None or render.status != S.STORING:
        return
    now = timezone.now()
    claimed = Render.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), pk=render.pk, status=S.STORING
    ).update(
        lease_until=now + STORE_LEASE,
        next_poll_at=now + STORE_LEASE,
        attempts=render.attempts + 1,
        held_by=liveness.mark(),
    )
    if not claimed:
        return  # another worker is storing it
    render.attempts += 1
    with _heartbeat(render.pk):
        try:
            _store(render)
        except Stopping:
            Render.objects.filter(pk=render.pk, status=S.STORING).update(
                lease_until=None, next_poll_at=timezone.now()
            )
            logger.info("storing take %s given back: the cluster is stopping", render.pk)


def stored_fields(video_key: str, size: int, sha256: str, info: media.MediaInfo) -> dict[str, Any]:
    """What a stored, playable take carries: its file, as stored and as ffmpeg read it."""
    return {
        "video_key": video_key,
        "bytes": size,
        "sha256": sha256,
        "duration_ms": info.duration_ms,
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "has_audio": info.has_audio,
        "completed_at": timezone.now(),
        "progress": 100,
    }


class Stopping(Exception):
    """The cluster is stopping: a download in progress ends and its take is due again."""


def _until_stopping(chunks: Iterator[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        if queue.cluster_stopping():
            raise Stopping
        yield chunk


def _store(render: Render) -> None:
    provider = get_provider(render.provider)
    spooled = None
    try:
        try:
            with provider.open_result(render.provider_job_id, "video") as chunks:
                spooled = storage.spool(_until_stopping(chunks))
        except ProviderError as error:
            if error.permanent:
                if error.code == "expired":
                    error.message = (
                        "The provider deleted the video before Reelroom could "
                        "store it. Generate the take again."
                    )
                advance(
                    render,
                    S.STORING,
                    S.EXPIRED if error.code == "expired" else S.FAILED,
                    **error_fields(error, billed=render.billed),
                )
                return
            raise
        try:
            info = media.probe(spooled.path)
        except media.MediaError:
            advance(
                render,
                S.STORING,
                S.FAILED,
                billed=render.billed,
                lease_until=None,
                next_poll_at=None,
                error_code="unreadable",
                error_message="The provider sent a file that is not a playable video. "
                "Generate the take again.",
            )
            return
        prefix = f"{render.media_prefix or f'shot-{render.shot_id}'}/take-{render.take}-{render.pk}"
        video_key = storage.put(f"{prefix}.mp4", spooled.path)
        signed = signing.read_at_store(spooled.path)  # signing waits for approval or delivery
    except Stopping:
        raise
    except Exception as error:  # storage or network trouble: retried, never completed
        delay = min(MAX_STORE_DELAY, 5 * 2 ** min(render.attempts, 6))
        if isinstance(error, ProviderError) and error.retry_after is not None:
            delay = error.retry_after  # the provider said when (a 429 on the download)
        Render.objects.filter(pk=render.pk, status=S.STORING).update(
            lease_until=None, **due_in(delay)
        )
        note(
            render,
            EventKind.STORE_RETRY,
            {"error": error.__class__.__name__, "retry_in_seconds": delay},
        )
        logger.warning(
            "storing take %s failed (%s); retrying in %ss",
            render.pk,
            error.__class__.__name__,
            delay,
        )
        if spooled:
            spooled.path.unlink(missing_ok=True)
        return
    done = advance(
        render,
        S.STORING,
        S.COMPLETED,
        detail={"bytes": spooled.size},
        **stored_fields(video_key, spooled.size, spooled.sha256, info),
        **signed,
        lease_until=None,
        **posters.due_fields(),  # the sweep's backstop, should the posters task be lost
    )
    if not done:
        spooled.path.unlink(missing_ok=True)
        storage.delete_quietly([video_key])
        return
    posters.keep_for_later(render, spooled.path)
    try:
        provider.cleanup(render.provider_job_id)
    except Exception:
        logger.warning("provider cleanup for take %s failed", render.pk, exc_info=True)
