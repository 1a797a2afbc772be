"""What the studio hears from generation (its signals run generation → studio only; the
studio calls itself directly): a take deleted, a take requested or finished; and what moves a
campaign's spend figures, so that the workspace's spend page computes them again."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from generation import storage
from generation.models import FINISHED, EventKind, Render, RenderStatus
from studio.models import CampaignSpend, Shot
from studio.production import one_take_split
from studio.review import status


def delete_unused_reference(sender, instance, **kwargs) -> None:
    """A take keeps the reference image it was sent with; when its last take is deleted and no
    shot uses it either, the image goes too."""
    key = instance.reference_image_key
    if not key:
        return
    in_use = (
        Shot.objects.filter(Q(reference_image=key) | Q(reference_original=key)).exists()
        or Render.objects.filter(reference_image_key=key).exclude(pk=instance.pk).exists()
    )
    if not in_use:
        transaction.on_commit(lambda: storage.delete_quietly([key]))


def _campaign_of(render_id: int) -> int | None:
    return Render.objects.filter(pk=render_id).values_list("shot__campaign_id", flat=True).first()


def follow_the_work(sender, instance, created, **kwargs) -> None:
    """A take was requested or reached an end: the campaign's status may follow."""
    ends = (RenderStatus.QUEUED, *FINISHED)
    if (
        created
        and instance.kind in (EventKind.CREATED, EventKind.TRANSITION)
        and instance.to_status in ends
    ):
        campaign_id = _campaign_of(instance.render_id)
        if campaign_id:
            transaction.on_commit(lambda: status.refresh_status(campaign_id))


def split_the_one_take(sender, instance, created, **kwargs) -> None:
    """A one-take spot finished: split it back into its shots, in the queue."""
    if (
        created
        and instance.kind == EventKind.TRANSITION
        and instance.to_status == RenderStatus.COMPLETED
        and Render.objects.filter(pk=instance.render_id, shot__one_take=True).exists()
    ):
        one_take_split.split_later(instance.render_id)


# Transitions inside the flight that move no money: the take stays reserved at its estimate.
NO_MONEY_MOVES = (RenderStatus.SUBMITTING, RenderStatus.RECONCILING, RenderStatus.IN_PROGRESS)


def spend_of_take(sender, instance, **kwargs) -> None:
    """A take made, saved or deleted (one known not to be billed): its campaign's spend
    figures are out of date."""
    CampaignSpend.changed(shots=instance.shot_id)


def spend_of_transition(sender, instance, created, **kwargs) -> None:
    """A take's transition that may move money (billed, its cost, out of the flight). It runs
    in the transition's own transaction, so the figures and the change are never apart."""
    if created and instance.kind != EventKind.CREATED and instance.to_status not in NO_MONEY_MOVES:
        CampaignSpend.changed(shots__renders=instance.render_id)
