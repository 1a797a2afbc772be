"""Thin django-q2 entry points. Each takes a primary key, and each can be delivered twice:
the functions in jobs.py re-read the row and check its state first. No secrets travel in a
task's payload."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django_q.models import Schedule

from generation import jobs
from generation.jobs import signing
from generation.providers import animatic
from generation.queue import (
    CHAIN_KEY,
    PENDING_KEY,
    cluster_stopping,
    enqueue_sweep,
    kick_sweep,
)

# The sweep runs as a chain of short links: each link sweeps every SWEEP_PAUSE seconds for
# SWEEP_SECONDS, then enqueues the next link. Short links let a stopping cluster finish within
# seconds; the once-a-minute schedule restarts the chain if a worker died with it.
SWEEP_SECONDS = 8.0
CHAIN_TTL = 12  # seconds a leading link's mark lives without being renewed
SWEEP_PAUSE = 1.0  # only when nothing was due: while takes are due, the sweep runs again at once


def submit(render_id: int) -> None:
    jobs.submit(render_id)


def reconcile(render_id: int) -> None:
    jobs.reconcile(render_id)


def poll(render_id: int) -> None:
    jobs.poll(render_id)


def store(render_id: int) -> None:
    jobs.store(render_id)


def cancel(render_id: int) -> None:
    jobs.cancel(render_id)


def sign(render_id: int, labelled: bool = False) -> None:
    """A take's missing delivered copy, signed (with the visible label where asked)."""
    signing.sign(render_id, labelled)


def render_animatic(job_pk: int) -> None:
    animatic.run_job(job_pk)


def sweep() -> int:
    return jobs.sweep_once()


def sweep_loop(seconds: float = SWEEP_SECONDS) -> None:
    """One link of the sweep chain (django-q2's scheduler fires at best every 30 s, so the chain
    keeps completion-to-preview latency at a few seconds). One link leads the chain and queues
    the next; a link that finds a chain alive sweeps beside it and takes the lead if that chain
    dies (its key lapses after CHAIN_TTL), so a killed cluster's chain is replaced in seconds."""
    cache.delete(PENDING_KEY)  # this was the pending sweep; a new kick may queue another
    deadline = time.monotonic() + seconds
    leading = cache.add(CHAIN_KEY, True, timeout=CHAIN_TTL)
    try:
        while True:
            handled = jobs.sweep_once()
            if leading:
                cache.set(CHAIN_KEY, True, timeout=CHAIN_TTL)  # alive, even after a long pass
            else:
                leading = cache.add(CHAIN_KEY, True, timeout=CHAIN_TTL)
            pause = 0 if handled else SWEEP_PAUSE
            if time.monotonic() + pause >= deadline or cluster_stopping(pause):
                break  # a stopping cluster ends its link at once: the next link is queued
    finally:
        if leading:
            cache.delete(CHAIN_KEY)
            enqueue_sweep()


def cluster_started(sender: Any = None, proc_name: str = "", **kwargs: Any) -> None:
    """A worker of a starting cluster is ready: sweep now rather than at the next minute of the
    schedule (takes left in flight by a stopped cluster move at once). Kicks coalesce."""
    kick_sweep()


def ensure_schedules(**kwargs: Any) -> None:
    """Create the sweep's schedule once, by name (run after every migrate)."""
    Schedule.objects.update_or_create(
        name="reelroom-sweep",
        defaults={
            "func": "generation.tasks.sweep_loop",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
