from __future__ import annotations

from typing import Any

from django.db import transaction

from generation import storage


def delete_render_media(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A deleted take takes its files with it, once the deletion is committed. (Its reference
    image belongs to the studio's shots: studio/signals.py decides about that one.)"""
    keys = [instance.video_key, instance.thumbnail_key, instance.spritesheet_key]
    if any(keys):
        transaction.on_commit(lambda: storage.delete_quietly(keys))
