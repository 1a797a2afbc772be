"""The sweep: every take that is due, handled with bounded concurrency per provider; and the
reaper, which finds takes stuck past a deadline (a worker died) and makes them due again."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from generation import storage
from generation.jobs.polling import poll
from generation.jobs.storing import store
from generation.jobs.submitting import reconcile, submit
from generation.jobs.transitions import S, advance, note
from generation.models import Render
from generation.providers import ProviderError, get_provider

logger = logging.getLogger(__name__)
CLAIM = timedelta(seconds=90)  # how long a sweep holds a due take before it is due again
SUBMIT_DEADLINE = timedelta(minutes=5)  # a take still submitting after this is reconciled
LOST_QUEUE_DEADLINE = timedelta(minutes=2)  # a queued take with no task after this is requeued


HANDLERS = {S.QUEUED: submit, S.RECONCILING: reconcile, S.IN_PROGRESS: poll, S.STORING: store}


def sweep_once(now=None) -> int:
    """Handle every take that is due, at most `provider.concurrency` per provider; then reap.
    Due takes are claimed by conditional update, so two sweeps at once are harmless and a
    sweep that dies leaves them due again after CLAIM."""
    now = now or timezone.now()
    reap(now)
    due = (
        Render.objects.filter(status__in=list(HANDLERS), next_poll_at__lte=now)
        .order_by("next_poll_at")
        .values_list("pk", "status", "provider", "next_poll_at")[:500]
    )
    per_provider: dict[str, list[tuple[int, str]]] = {}
    for pk, status, provider_name, due_at in due:
        batch = per_provider.setdefault(provider_name, [])
        try:
            limit = get_provider(provider_name).concurrency
        except ProviderError:
            continue
        if len(batch) >= limit:
            continue
        claimed = Render.objects.filter(pk=pk, status=status, next_poll_at=due_at).update(
            next_poll_at=timezone.now() + CLAIM
        )
        if claimed:
            batch.append((pk, status))
    work = [item for batch in per_provider.values() for item in batch]
    threads = getattr(settings, "STUDIO_SWEEP_THREADS", 1)
    if threads <= 1 or len(work) <= 1:
        for pk, status in work:
            _handle(pk, status)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(lambda item: _handle_in_thread(*item), work))
    return len(work)


def _handle(pk: int, status: str) -> None:
    try:
        HANDLERS[status](pk)
    except Exception:
        logger.exception("handling take %s (%s) failed; it stays due", pk, status)


def _handle_in_thread(pk: int, status: str) -> None:
    close_old_connections()
    try:
        _handle(pk, status)
    finally:
        connection.close()


def reap(now=None) -> None:
    """Reconcile takes stuck past a deadline. Nothing is dropped silently: every action is
    recorded on the take. Temporary files that dead workers left behind go too."""
    now = now or timezone.now()
    removed = storage.clean_stale_temp(now.timestamp())
    if removed:
        logger.info("removed %s stale temporary file(s)", removed)
    for render in Render.objects.filter(status=S.SUBMITTING, updated_at__lt=now - SUBMIT_DEADLINE):
        advance(
            render,
            S.SUBMITTING,
            S.RECONCILING,
            kind="reaped",
            detail={"reason": "still submitting after the deadline (a worker died?)"},
            next_poll_at=now,
        )
    lost = Render.objects.filter(
        status=S.QUEUED, next_poll_at__isnull=True, updated_at__lt=now - LOST_QUEUE_DEADLINE
    )
    for render in lost:
        if Render.objects.filter(pk=render.pk, status=S.QUEUED, next_poll_at__isnull=True).update(
            next_poll_at=now
        ):
            note(render, "reaped", {"reason": "queued without a task: sent again"})
    for status in (S.IN_PROGRESS, S.STORING, S.RECONCILING):
        stale = Render.objects.filter(status=status, next_poll_at__isnull=True)
        for render in stale:
            if Render.objects.filter(pk=render.pk, status=status, next_poll_at__isnull=True).update(
                next_poll_at=now
            ):
                note(render, "reaped", {"reason": f"{status} without a next check"})
