from __future__ import annotations

from django.db import transaction

from generation import storage


def delete_render_media(sender, instance, **kwargs) -> None:
    """A deleted take takes its files with it, once the deletion is committed."""
    keys = [instance.video_key, instance.thumbnail_key, instance.spritesheet_key]
    if any(keys):
        transaction.on_commit(lambda: storage.delete_quietly(keys))
