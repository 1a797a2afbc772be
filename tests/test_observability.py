"""What an operator sees: one log line per take transition, `manage.py studio_status`, and the
queue in /healthz."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from generation.models import Render, RenderStatus
from tests.factories import make_take
from tests.pipeline import request_take, settle

S = RenderStatus


def test_every_transition_is_one_structured_log_line(
    ed, shot, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="reelroom.takes")
    take = request_take(shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    lines = [r for r in caplog.records if r.name == "reelroom.takes"]
    moves = [(r.from_status, r.to_status) for r in lines]
    assert moves == [("queued", "submitting"), ("submitting", "in_progress"),
                     ("in_progress", "storing"), ("storing", "completed")]  # fmt: skip
    last = lines[-1].getMessage()
    assert f"take={take.pk} " in last and f"job={take.provider_job_id} " in last
    assert "from=storing to=completed" in last and "seconds_in_state=" in last


def test_time_in_state_is_counted_from_the_previous_transition(
    ed, shot, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="reelroom.takes")
    take = request_take(shot, ed, django_capture_on_commit_callbacks, execute=False)
    # It waited an hour in the queue; the send itself took no time.
    Render.objects.filter(pk=take.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    settle(django_capture_on_commit_callbacks, [take])
    seconds = {
        (r.from_status, r.to_status): float(r.getMessage().rsplit("seconds_in_state=", 1)[1])
        for r in caplog.records
        if r.name == "reelroom.takes"
    }
    assert seconds[("queued", "submitting")] >= 3599
    assert seconds[("submitting", "in_progress")] < 60


def test_studio_status_prints_queue_takes_and_the_oldest(shot):
    now = timezone.now()
    for i, (provider, status, age) in enumerate(
        [("openai", S.IN_PROGRESS, 300), ("openai", S.QUEUED, 10), ("runware", S.STORING, 60),
         ("animatic", S.COMPLETED, 900)], start=1,
    ):  # fmt: skip
        make_take(shot, i, status, model_key="sora-2", provider=provider, stored=False,
                  provider_job_id=f"job-{i}", created_at=now - timedelta(seconds=age))  # fmt: skip
    out = io.StringIO()
    call_command("studio_status", stdout=out)
    text = out.getvalue()
    assert "task(s) waiting" in text and "clusters: 0" in text
    assert "takes in flight: 3" in text
    assert "openai     in_progress  1" in text and "runware    storing      1" in text
    assert "oldest open take:" in text and "job-1" in text and "300 s old" in text
