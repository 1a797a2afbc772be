"""The line of takes waiting for one of the team's GPUs.

A take that finds every slot busy waits in the queue with its place in line and is looked at
again only when a slot of a backend it can use frees (the take leaving it wakes the first in
line) or after RECHECK (a backend coming back up). Places are written again at each wake, in
one statement, so a card says where its take is in line."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from generation.catalog import COMFY, VIDEO_SERVER
from generation.models import Render, RenderStatus
from generation.own_gpus import backends, servers

RECHECK = timedelta(seconds=30)  # a waiting take looks for a slot at least this often
MAX_PLACES = 500  # places written per wake (a longer line shows its place at the recheck)


def _line(provider: str, backend: str = "") -> QuerySet[Render]:
    line = Render.objects.filter(
        provider=provider, status=RenderStatus.QUEUED, gpu_slot__isnull=True
    ).exclude(queue_place=None)
    if provider == VIDEO_SERVER and backend:  # only the takes of this server's models
        line = line.filter(model_key__in=[m.key for m in servers.served() if m.server == backend])
    return line.order_by("created_at", "pk")


def wait(render: Render) -> None:
    """Every usable slot is busy: the take waits, with its place in line."""
    ahead = _line(render.provider).filter(created_at__lt=render.created_at).count()
    Render.objects.filter(pk=render.pk, status=RenderStatus.QUEUED).update(
        queue_place=ahead + 1, next_poll_at=timezone.now() + RECHECK
    )


def wake(provider: str, backend: str) -> None:
    """A slot of `backend` freed: the first take in line that can use it is due now."""
    first = _line(provider, backend).values_list("pk", flat=True)[:1]
    Render.objects.filter(pk__in=list(first), status=RenderStatus.QUEUED).update(
        next_poll_at=timezone.now()
    )


def renumber(provider: str) -> None:
    """The line moved (a take left it for a GPU): the places of those still in it, in one
    statement."""
    line = list(_line(provider).only("pk", "queue_place")[:MAX_PLACES])
    moved = [r for place, r in enumerate(line, start=1) if r.queue_place != place]
    for place, render in enumerate(line, start=1):
        render.queue_place = place
    if moved:
        Render.objects.bulk_update(moved, ["queue_place"])


def moved(render: Render, to: str) -> None:
    """A take of the team's GPUs changed state: off the GPU, its slot goes to the first take in
    line for it."""
    if render.provider not in (COMFY, VIDEO_SERVER) or to in backends.HOLDING:
        return
    if freed := backends.release(render.pk):
        wake(render.provider, freed)
