"""Thin django-q2 entry points. Each takes a primary key, and each can be delivered twice:
the functions in jobs.py re-read the row and check its state first. No secrets travel in a
task's payload."""

from __future__ import annotations

import time

from django.core.cache import cache
from django_q.tasks import async_task

from generation import jobs
from generation.providers import animatic

SWEEP_SECONDS = 55  # one scheduled sweep loops this long; the schedule fires every minute
SWEEP_PAUSE = 2.0
SWEEP_ALIVE_KEY = "reelroom:sweep-alive"


def enqueue(name: str, pk: int) -> None:
    async_task(
        f"generation.tasks.{name}", pk, task_name=f"{name}-{pk}-{time.time_ns()}", group=name
    )


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


def render_animatic(job_pk: int) -> None:
    animatic.run_job(job_pk)


def sweep() -> int:
    return jobs.sweep_once()


def sweep_loop(seconds: float = SWEEP_SECONDS) -> None:
    """Sweep every couple of seconds for about a minute (django-q2's scheduler fires at best
    every 30 s, so a scheduled task that loops keeps completion-to-preview latency low)."""
    deadline = time.monotonic() + seconds
    while True:
        cache.set(SWEEP_ALIVE_KEY, True, timeout=int(SWEEP_PAUSE * 5))
        jobs.sweep_once()
        if time.monotonic() + SWEEP_PAUSE >= deadline:
            break
        time.sleep(SWEEP_PAUSE)


def kick_sweep() -> None:
    """Start a sweep now if none has run lately (right after the cluster starts, the schedule
    may be up to a minute away). Two sweeps at once are harmless."""
    from django.conf import settings

    if settings.Q_CLUSTER.get("sync"):
        return
    if cache.add(SWEEP_ALIVE_KEY, True, timeout=int(SWEEP_PAUSE * 5)):
        async_task(
            "generation.tasks.sweep_loop", task_name=f"sweep-{time.time_ns()}", group="sweep"
        )


def ensure_schedules(**kwargs) -> None:
    """Create the sweep's schedule once, by name (run after every migrate)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="reelroom-sweep",
        defaults={
            "func": "generation.tasks.sweep_loop",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
