from __future__ import annotations

from typing import Any

from django.db import transaction

from generation import storage
from generation.jobs import posters


def delete_render_media(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A deleted take takes its files with it, once the deletion is committed. (Its reference
    image belongs to the studio's shots: studio/signals.py decides about that one.)"""
    keys = [instance.video_key, instance.thumbnail_key, instance.spritesheet_key]
    if instance.video_key:  # posters still being made are named after the video
        keys += posters.names(instance.video_key)
    for copy in (instance.copies or {}).values():  # its delivered copies, signed
        keys += [copy.get("key", ""), copy.get("c2pa", "")]
    keys = [k for k in dict.fromkeys(keys) if k]
    if any(keys):
        transaction.on_commit(lambda: storage.delete_quietly(keys))
