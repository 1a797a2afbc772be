"""How the studio puts work on django-q2's queue, in one place (as `generation.queue` is the
engine's): by the task's name in `studio.tasks`, with primary keys only, once the transaction
that asked for it has committed."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django_q.tasks import async_task

from studio.models import Cut, Format


def enqueue(task: str, *args: int, group: str) -> None:
    transaction.on_commit(lambda: async_task(f"studio.tasks.{task}", *args, group=group))


def sign_later(render_id: int, labelled: bool) -> None:
    """The take's delivered copy made in the queue (once in a few minutes, however often it is
    asked for: a delivery page that polls asks each time)."""
    if cache.add(f"sign:{render_id}:{int(labelled)}", True, timeout=300):
        enqueue("sign", render_id, int(labelled), group="signing")


def sign_for_delivery(take) -> None:
    """An approved take's delivered copy made ahead, in the queue: signed, and labelled where a
    format of its campaign burns in the label."""
    labelled = Format.objects.filter(campaign_id=take.shot.campaign_id, ai_label=True)
    wants_label = any(f.accepts(take.size, take.model_key) for f in labelled)
    if not take.delivered(labelled=wants_label):
        sign_later(take.pk, wants_label)


def recut_later(campaign_id: int) -> None:
    """The campaign's cuts are made again from what it holds now (a hero was chosen, a
    decision changed which take a cell delivers, the shots were reordered), if it has any."""
    if Cut.objects.filter(campaign_id=campaign_id).exists():
        enqueue("recut", campaign_id, group="cuts")
