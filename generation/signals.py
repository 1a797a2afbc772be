from __future__ import annotations

from django.db import transaction

from generation import storage


def delete_render_media(sender, instance, **kwargs) -> None:
    """A deleted take takes its files with it, once the deletion is committed; its reference
    image too, unless a shot or another take still uses it."""
    keys = [instance.video_key, instance.thumbnail_key, instance.spritesheet_key]
    reference = instance.reference_image_key
    if reference and not _reference_in_use(reference, instance.pk):
        keys.append(reference)
    if any(keys):
        transaction.on_commit(lambda: storage.delete_quietly(keys))


def _reference_in_use(key: str, render_id: int) -> bool:
    from django.db.models import Q

    from generation.models import Render
    from studio.models import Shot

    return (
        Shot.objects.filter(Q(reference_image=key) | Q(reference_original=key)).exists()
        or Render.objects.filter(reference_image_key=key).exclude(pk=render_id).exists()
    )
