"""Helpers that drive takes through the real tasks (django-q2 in sync mode)."""

from __future__ import annotations

import subprocess
import time
from datetime import timedelta

from django.utils import timezone

from generation import jobs, liveness
from generation.models import FINISHED, Render
from studio.shots import editing


def request_take(shot, user, capture, execute=True) -> Render:
    """Request one take of the shot through the real entry point, running (or not) the tasks
    it queues."""
    with capture(execute=execute):
        (take,) = editing.request_takes(shot, user)
    take.refresh_from_db()
    return take


def settle(capture, renders=None, passes: int = 30, pause: float = 0) -> list[Render]:
    """Run sweeps (as the cluster would, with every take due) until the takes finish,
    pausing between passes when the test needs real time to go by."""
    pks = [r.pk for r in renders] if renders else list(Render.objects.values_list("pk", flat=True))
    for _ in range(passes):
        with capture(execute=True):
            jobs.sweep_once(now=timezone.now() + timedelta(minutes=10))
        current = list(Render.objects.filter(pk__in=pks).order_by("take"))
        if all(r.status in FINISHED for r in current):
            return current
        time.sleep(pause)
    return list(Render.objects.filter(pk__in=pks).order_by("take"))


def transitions(render) -> list[tuple[str, str]]:
    return list(
        render.events.exclude(from_status="", to_status="queued")
        .filter(kind__in=["transition", "reaped", "retry"])
        .exclude(from_status="")
        .values_list("from_status", "to_status")
    )


def dead_mark() -> str:
    """The mark a process of this machine had that has ended (a worker killed with -9)."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    return liveness.mark(ended.pid)
