"""Thin django-q2 entry points. Each takes a primary key, and each can be delivered twice:
the functions in jobs.py re-read the row and check its state first. No secrets travel in a
task's payload."""

from __future__ import annotations

from typing import Any

from django_q.models import Schedule

from generation import catalog, jobs
from generation.jobs import signing
from generation.own_gpus import backends
from generation.providers import animatic, get_provider


def submit(render_id: int) -> None:
    jobs.submit(render_id)


def reconcile(render_id: int) -> None:
    jobs.reconcile(render_id)


def poll(render_id: int) -> None:
    """A take a webhook said is done: confirmed with the provider and, if it is, stored in the
    same task (one hop through the queue, not two)."""
    jobs.poll(render_id)
    jobs.store(render_id)  # a no-op unless the poll just moved it to storing


def store(render_id: int) -> None:
    jobs.store(render_id)


def posters(render_id: int) -> None:
    """A completed take's poster and spritesheet (off the path to playable)."""
    jobs.make_posters(render_id)


def cancel(render_id: int) -> None:
    jobs.cancel(render_id)


def sign(render_id: int, labelled: bool = False) -> None:
    """A take's missing delivered copy, signed (with the visible label where asked)."""
    signing.sign(render_id, labelled)


def render_animatic(job_pk: int) -> None:
    animatic.run_job(job_pk)


def check_backends() -> None:
    """Every minute: the health of each of the team's GPU servers (the providers page shows it,
    and a take is sent only to a backend that is up or due a new try), and what each video
    server lists that it serves."""
    for name in (catalog.COMFY, catalog.VIDEO_SERVER):
        if backends.configured(name):
            get_provider(name).test_connection()


def ensure_schedules(**kwargs: Any) -> None:
    """The sweep needs no schedule: it runs in every cluster's main process (generation/jobs/
    sweeper.py). The minute schedule that restarted the old chain of sweep tasks goes. The
    team's GPU servers are checked every minute."""
    Schedule.objects.filter(name="reelroom-sweep").delete()
    Schedule.objects.update_or_create(
        name="reelroom-gpu-health",
        defaults={
            "func": "generation.tasks.check_backends",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
