"""A take is playable as soon as its video is stored and probed; its poster and hover
spritesheet are made after, in their own task, from the file the store kept (or the stored video
when that file is gone), with the sweep as the backstop of a lost task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from generation import jobs, storage
from generation.jobs import posters
from generation.models import Render, RenderStatus
from tests.pipeline import request_take, settle

S = RenderStatus


@pytest.fixture
def held_posters(monkeypatch):
    """Every task runs as the queue would run it, except the posters tasks, which are only
    recorded (primary keys)."""
    from generation import queue

    held, enqueue = [], queue.enqueue
    monkeypatch.setattr(
        queue,
        "enqueue",
        lambda name, pk: held.append(pk) if name == "posters" else enqueue(name, pk),
    )
    return held


def _stored(shot, ed, capture):
    take = request_take(shot, ed, capture)
    (take,) = settle(capture, [take])
    return take


def test_a_take_is_playable_before_its_posters_which_follow_in_their_own_task(
    ed, shot, django_capture_on_commit_callbacks, held_posters
):
    take = _stored(shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.COMPLETED and default_storage.exists(take.video_key)
    assert take.thumbnail_key == "" and take.spritesheet_key == ""  # the card's placeholder
    assert take.next_poll_at is not None  # the sweep's backstop
    assert len(list(storage.temp_dir().glob(f"*posters-{take.pk}.mp4"))) == 1  # kept for them
    assert held_posters == [take.pk]  # its task, queued once the completion committed
    jobs.make_posters(take.pk)  # what the task runs
    take.refresh_from_db()
    assert take.thumbnail_key.endswith(".jpg") and default_storage.exists(take.thumbnail_key)
    assert take.spritesheet_key.endswith("-sprites.jpg")
    assert take.next_poll_at is None
    assert not list(storage.temp_dir().glob(f"*posters-{take.pk}.mp4"))  # tidied
    jobs.make_posters(take.pk)  # delivered twice: nothing changes
    assert Render.objects.get(pk=take.pk).thumbnail_key == take.thumbnail_key


def test_a_lost_posters_task_is_made_good_by_the_sweep_from_the_stored_video(
    ed, shot, django_capture_on_commit_callbacks, held_posters
):
    take = _stored(shot, ed, django_capture_on_commit_callbacks)
    for kept in storage.temp_dir().glob(f"*posters-{take.pk}.mp4"):
        kept.unlink()  # the store ran on another machine, or its worker died since
    with django_capture_on_commit_callbacks(execute=True):
        jobs.sweep_once(now=timezone.now())  # not due yet: the task has its minute
    assert Render.objects.get(pk=take.pk).thumbnail_key == ""
    with django_capture_on_commit_callbacks(execute=True):
        jobs.sweep_once(now=timezone.now() + posters.BACKSTOP + timedelta(seconds=1))
    take.refresh_from_db()
    assert default_storage.exists(take.thumbnail_key) and default_storage.exists(
        take.spritesheet_key
    )
    assert take.next_poll_at is None


def test_posters_of_a_take_deleted_meanwhile_leave_nothing_behind(
    ed, shot, django_capture_on_commit_callbacks, held_posters
):
    take = _stored(shot, ed, django_capture_on_commit_callbacks)
    video_key = take.video_key
    thumb_key = posters.names(video_key)[0]
    default_storage.save(thumb_key, ContentFile(b"a poster task killed after its put"))
    with django_capture_on_commit_callbacks(execute=True):
        take.delete()
    jobs.make_posters(take.pk)  # the task, delivered after the deletion
    assert not default_storage.exists(video_key) and not default_storage.exists(thumb_key)
    assert not list(storage.temp_dir().glob(f"*posters-{take.pk}.mp4"))
