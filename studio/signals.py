"""What the studio hears from generation (its signals run generation → studio only; the
studio calls itself directly): a take deleted, a take requested or finished."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from generation import storage
from generation.models import FINISHED, EventKind, Render, RenderStatus
from studio.models import Shot
from studio.review import states


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
            transaction.on_commit(lambda: states.refresh_status(campaign_id))
