"""The sweep: every take that is due, handled through a bounded pool with a limit of requests
in flight per provider; and the reaper, which finds takes stuck past a deadline (a worker
died) and makes them due again."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Case, F, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from generation import liveness, queue, storage
from generation.jobs import posters
from generation.jobs.polling import poll
from generation.jobs.storing import store
from generation.jobs.submitting import reconcile, submit
from generation.jobs.transitions import S, advance, note
from generation.models import EventKind, Render, RenderStatus
from generation.own_gpus import backends
from generation.providers import ProviderError, get_provider

logger = logging.getLogger(__name__)
# How long a sweep holds a due take before it is due again: a take whose worker was killed
# mid-poll waits this long. Claims are made a few per thread at a time (BATCH_PER_THREAD), so a
# claimed take is handled well within it.
CLAIM = timedelta(seconds=20)
# A send lasts at most the HTTP timeout (plus an image upload): a take still submitting after
# twice that lost its worker and is reconciled with the provider (never simply sent again).
SUBMIT_DEADLINE = timedelta(seconds=max(60, 2 * settings.STUDIO_HTTP_TIMEOUT))
LOST_QUEUE_DEADLINE = timedelta(seconds=45)  # a queued take with no task after this is requeued


# A completed take is due only while its posters are missing (their task's backstop).
HANDLERS = {
    S.QUEUED: submit,
    S.RECONCILING: reconcile,
    S.IN_PROGRESS: poll,
    S.STORING: store,
    S.COMPLETED: posters.make,
}
BATCH_PER_THREAD = 4  # takes claimed at a time per thread; a sweep claims again while due
PASS_SECONDS = 3.0  # a pass claims for this long; the sweep chain starts the next at once
# The kinds of due work. Each gets its share of every claim, oldest first within its kind, so a
# backlog of one kind (ninety stores after a restart) never holds up another (a reconcile, the
# polls of finished jobs, a send); at equal turns, work already paid for comes first.
KIND = Case(
    When(status=S.STORING, then=Value(0)),
    When(status__in=[S.IN_PROGRESS, S.RECONCILING], then=Value(1)),
    When(status=S.COMPLETED, then=Value(3)),
    default=Value(2),
)


def sweep_once(now: datetime | None = None) -> int:
    """Handle every take that is due, through one bounded pool of threads; each provider has
    at most `provider.concurrency` requests in flight (its limit, not a batch size). Takes are
    claimed in batches by conditional update, so two sweeps at once are harmless and a sweep
    that dies leaves them due again after CLAIM. Takes that fall due while it works are taken
    too, work already paid for first; each take at most once per pass, and a pass claims for
    PASS_SECONDS at most (a pass with a fixed `now`, as tests run it, until nothing is due) and
    claims nothing more once its cluster is stopping. Returns how many takes were handled."""
    fixed = now is not None
    now = now or timezone.now()
    reap(now)
    limits: dict[str, threading.Semaphore] = {}
    seen: set[int] = set()
    threads = max(1, getattr(settings, "STUDIO_SWEEP_THREADS", 1))
    deadline = time.monotonic() + PASS_SECONDS
    if threads == 1:
        while _claiming(fixed, deadline) and (
            work := _claim(now, limits, seen, batch=BATCH_PER_THREAD)
        ):
            seen.update(pk for pk, _, _ in work)
            for pk, status, gate in work:
                _handle(pk, status, gate)
            if not fixed:
                now = timezone.now()
        return len(seen)
    # No barrier between batches: a slow store does not hold up the polls claimed beside it;
    # as each take is handled, more are claimed (at most threads × BATCH_PER_THREAD at once).
    # A pass stops claiming after PASS_SECONDS, so a take handled early in a long pass (sent,
    # then made due by its webhook) waits for the next pass, not for the end of a backlog.
    with ThreadPoolExecutor(max_workers=threads) as pool:
        running: set[Any] = set()
        try:
            while True:
                room = threads * BATCH_PER_THREAD - len(running)
                work = []
                if room > 0 and _claiming(fixed, deadline):
                    work = _claim(now, limits, seen, batch=room)
                seen.update(pk for pk, _, _ in work)
                running |= {pool.submit(_handle_in_thread, *item) for item in work}
                if not running:
                    return len(seen)
                _, running = wait(running, return_when=FIRST_COMPLETED)
                if not fixed:
                    now = timezone.now()
        finally:
            wait(running)
            if seen:  # an idle pass started no thread and opened no connection
                _close_thread_connections(pool, threads)


def _claiming(fixed: bool, deadline: float) -> bool:
    return (fixed or time.monotonic() < deadline) and not queue.cluster_stopping()


def _close_thread_connections(pool: ThreadPoolExecutor, threads: int) -> None:
    """Each pool thread keeps its database connection for the whole sweep (opening one per
    take was a third of the sweep's time); at the end, one task per thread closes it. The
    barrier makes every thread take exactly one of them."""
    barrier = threading.Barrier(threads)

    def close() -> None:
        barrier.wait(timeout=30)
        connection.close()

    for future in [pool.submit(close) for _ in range(threads)]:
        future.result()


def _claim(
    now: datetime, limits: dict[str, threading.Semaphore], seen: set[int], batch: int
) -> list[Any]:
    due = (
        Render.objects.filter(status__in=list(HANDLERS), next_poll_at__lte=now)
        .exclude(pk__in=seen)
        .annotate(
            kind=KIND,
            turn=Window(RowNumber(), partition_by=[KIND], order_by=[F("next_poll_at"), F("pk")]),
        )
        .order_by("turn", "kind")
        .values_list("pk", "status", "provider", "next_poll_at")[:batch]
    )
    work = []
    for pk, status, provider_name, due_at in due:
        if provider_name not in limits:
            try:
                limits[provider_name] = threading.Semaphore(get_provider(provider_name).concurrency)
            except ProviderError:
                continue
        claimed = Render.objects.filter(pk=pk, status=status, next_poll_at=due_at).update(
            next_poll_at=timezone.now() + CLAIM
        )
        if claimed:
            work.append((pk, status, limits[provider_name]))
    return work


def _handle(pk: int, status: str, gate: threading.Semaphore) -> None:
    with gate:  # this provider's requests in flight stay within its limit
        if queue.cluster_stopping():  # claimed, not started: due again at once, for another
            Render.objects.filter(pk=pk, status=status).update(next_poll_at=timezone.now())
            return
        try:
            HANDLERS[RenderStatus(status)](pk)
        except Exception:
            logger.exception("handling take %s (%s) failed; it stays due", pk, status)


def _handle_in_thread(pk: int, status: str, gate: threading.Semaphore) -> None:
    close_old_connections()  # one that broke or outlived CONN_MAX_AGE is replaced
    _handle(pk, status, gate)


def _reap_held(now: datetime) -> None:
    """Sends past their deadline, or whose sender is known to be dead, are reconciled with the
    provider (never simply sent again); stores whose worker is known to be dead give their lease
    back at once."""
    for render in Render.objects.filter(status=S.SUBMITTING):
        if render.updated_at < now - SUBMIT_DEADLINE:
            reason = "still submitting after the deadline (a worker died?)"
        elif liveness.is_dead(render.held_by):
            reason = "its worker was killed while sending it"
        else:
            continue
        advance(
            render,
            S.SUBMITTING,
            S.RECONCILING,
            kind=EventKind.REAPED,
            detail={"reason": reason},
            only_if={"held_by": render.held_by, "updated_at": render.updated_at},
            next_poll_at=now,
        )
    held = Render.objects.filter(status=S.STORING, lease_until__gt=now).exclude(held_by="")
    for render in held.only("pk", "status", "held_by"):
        if liveness.is_dead(render.held_by) and Render.objects.filter(
            pk=render.pk, status=S.STORING, held_by=render.held_by
        ).update(lease_until=None, next_poll_at=now):
            note(render, EventKind.REAPED, {"reason": "its worker was killed while storing it"})


def reap(now: datetime | None = None) -> None:
    """Reconcile takes stuck past a deadline. Nothing is dropped silently: every action is
    recorded on the take. Temporary files that dead workers left behind go too (at once when
    their writer is known to be dead, else after an hour without writes)."""
    now = now or timezone.now()
    removed = storage.clean_stale_temp(now.timestamp())
    if removed:
        logger.info("removed %s stale temporary file(s)", removed)
    _reap_held(now)
    if backends.configured():  # a studio without GPUs of its own writes nothing for them
        backends.free_stale(now)
    lost = Render.objects.filter(
        status=S.QUEUED, next_poll_at__isnull=True, updated_at__lt=now - LOST_QUEUE_DEADLINE
    )
    for render in lost:
        if Render.objects.filter(pk=render.pk, status=S.QUEUED, next_poll_at__isnull=True).update(
            next_poll_at=now
        ):
            note(render, EventKind.REAPED, {"reason": "queued without a task: sent again"})
    for status in (S.IN_PROGRESS, S.STORING, S.RECONCILING):
        stale = Render.objects.filter(status=status, next_poll_at__isnull=True)
        for render in stale:
            if Render.objects.filter(pk=render.pk, status=status, next_poll_at__isnull=True).update(
                next_poll_at=now
            ):
                note(render, EventKind.REAPED, {"reason": f"{status} without a next check"})
