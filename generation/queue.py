"""Putting work on the django-q2 queue. Jobs and providers enqueue through here, by the task's
dotted name, so nothing below generation/tasks.py imports it (tasks call jobs, never the
reverse). A task's payload is a primary key, never a secret."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django_q.tasks import async_task

if TYPE_CHECKING:
    from multiprocessing.synchronize import Event  # the cluster's stop event

CHAIN_KEY = "reelroom:sweep-chain"
PENDING_KEY = "reelroom:sweep-pending"
PENDING_SECONDS = 60  # a pending sweep lost with a killed worker stops blocking after this


# The stop event of the cluster this worker belongs to (set by manage.py qcluster before the
# workers are forked): a long task (a sweep link) ends early when its cluster is stopping.
_cluster_stop: Event | None = None


def watch_cluster_stop(event: Event) -> None:
    global _cluster_stop
    _cluster_stop = event


def cluster_stopping(wait: float = 0) -> bool:
    """Whether this worker's cluster has been told to stop, waiting up to `wait` seconds for
    it (a pause that ends at once when the cluster stops)."""
    if _cluster_stop is None:
        if wait:
            time.sleep(wait)
        return False
    return bool(_cluster_stop.wait(wait) if wait else _cluster_stop.is_set())


def enqueue(name: str, pk: int) -> None:
    """Run generation.tasks.<name>(pk) in the cluster."""
    async_task(
        f"generation.tasks.{name}", pk, task_name=f"{name}-{pk}-{time.time_ns()}", group=name
    )


def enqueue_sweep() -> None:
    """Queue a sweep unless one is already waiting in the queue: many kicks at once (300 take
    requests, every worker of a starting cluster) make one task."""
    if settings.Q_CLUSTER.get("sync"):
        return  # inline tasks would chain forever; tests drive sweeps themselves
    if not cache.add(PENDING_KEY, True, timeout=PENDING_SECONDS):
        return
    async_task("generation.tasks.sweep_loop", task_name=f"sweep-{time.time_ns()}", group="sweep")


def kick_sweep() -> None:
    """Start the sweep chain now if it is not running (right after the cluster starts, the
    schedule may be a minute away)."""
    if not cache.get(CHAIN_KEY):
        enqueue_sweep()
