"""How the studio puts work on django-q2's queue, in one place (as `generation.queue` is the
engine's): by the task's name in `studio.tasks`, with primary keys only, once the transaction
that asked for it has committed."""

from __future__ import annotations

from django.db import transaction
from django_q.tasks import async_task

from studio.models import Cut


def enqueue(task: str, *args: int, group: str) -> None:
    transaction.on_commit(lambda: async_task(f"studio.tasks.{task}", *args, group=group))


def recut_later(campaign_id: int) -> None:
    """The campaign's cuts are made again from what it holds now (a hero was chosen, a
    decision changed which take a cell delivers, the shots were reordered), if it has any."""
    if Cut.objects.filter(campaign_id=campaign_id).exists():
        enqueue("recut", campaign_id, group="cuts")
