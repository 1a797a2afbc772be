"""Putting work on the django-q2 queue. Jobs and providers enqueue through here, by the task's
dotted name, so nothing below generation/tasks.py imports it (tasks call jobs, never the
reverse). A task's payload is a primary key, never a secret."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from django_q.tasks import async_task

if TYPE_CHECKING:
    from multiprocessing.synchronize import Event  # the cluster's stop event

# The stop event of the cluster this process belongs to (set by manage.py qcluster: the
# cluster's event before the workers are forked, the main process's own for its sweeper): a
# sweep stops claiming, a store gives its take back, a worker hands back what it had not started.
_cluster_stop: Event | threading.Event | None = None


def watch_cluster_stop(event: Event | threading.Event) -> None:
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
