from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from generation.models import Render, RenderStatus, WebhookDelivery
from generation.webhooks import token_hash
from tests.factories import make_take
from tests.fakes.webhook_keys import SECRET, SECRET_KEY_BYTES


@pytest.fixture
def waiting_take(shot, settings):
    settings.OPENAI_WEBHOOK_SECRET = SECRET
    return make_take(
        shot,
        1,
        RenderStatus.IN_PROGRESS,
        model_key="sora-2",
        provider="openai",
        provider_model="sora-2",
        prompt_text="A cup.",
        provider_job_id="video_123",
        next_poll_at=timezone.now() + timedelta(seconds=50),
    )


def signed(body: bytes, delivery="msg_1", at=None, key=SECRET_KEY_BYTES) -> dict:
    at = str(int(at if at is not None else time.time()))
    mac = hmac.new(key, f"{delivery}.{at}.".encode() + body, hashlib.sha256).digest()
    return {
        "HTTP_WEBHOOK_ID": delivery,
        "HTTP_WEBHOOK_TIMESTAMP": at,
        "HTTP_WEBHOOK_SIGNATURE": "v1," + base64.b64encode(mac).decode(),
    }


def event(video_id="video_123") -> bytes:
    return json.dumps({"id": "evt_1", "type": "video.completed", "data": {"id": video_id}}).encode()


def post(headers, body=None):
    client = Client(enforce_csrf_checks=True)  # providers send no CSRF token
    return client.post(
        reverse("hook_openai"),
        body if body is not None else event(),
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def handed(monkeypatch):
    """The tasks a webhook hands its takes to (name, primary key)."""
    from generation import queue

    tasks = []
    monkeypatch.setattr(queue, "enqueue", lambda name, pk: tasks.append((name, pk)))
    return tasks


def test_a_valid_signature_hands_the_take_to_a_poll_task_at_once(
    waiting_take, handed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(signed(event()))
    assert response.status_code == 200
    assert handed == [("poll", waiting_take.pk)]  # not left for the sweep's next pass
    waiting_take.refresh_from_db()
    assert waiting_take.next_poll_at <= timezone.now() + timedelta(seconds=5)  # the sweep's look
    assert waiting_take.status == RenderStatus.IN_PROGRESS  # the poll confirms the state


@pytest.mark.parametrize(
    "case", ["bad_signature", "wrong_key", "stale", "future", "missing", "tampered_body"]
)
def test_refused_deliveries_change_nothing(waiting_take, case):
    before = waiting_take.next_poll_at
    body = event()
    headers = {
        "bad_signature": {**signed(body), "HTTP_WEBHOOK_SIGNATURE": "v1,AAAA"},
        "wrong_key": signed(body, key=b"another-key-entirely-0123456789"),
        "stale": signed(body, at=time.time() - 600),
        "future": signed(body, at=time.time() + 600),
        "missing": {},
        "tampered_body": signed(event("video_other")),
    }[case]
    response = post(headers, body)
    assert response.status_code == 400
    waiting_take.refresh_from_db()
    assert waiting_take.next_poll_at == before
    assert not WebhookDelivery.objects.exists()


def test_a_replay_is_refused(waiting_take):
    headers = signed(event(), delivery="msg_replayed")
    assert post(headers).status_code == 200
    Render.objects.filter(pk=waiting_take.pk).update(
        next_poll_at=timezone.now() + timedelta(seconds=50)
    )
    replay = post(headers)
    assert replay.status_code == 400 and b"already received" in replay.content
    waiting_take.refresh_from_db()
    assert waiting_take.next_poll_at > timezone.now()


def test_runware_token_makes_only_its_take_due(
    waiting_take, shot, handed, django_capture_on_commit_callbacks
):
    token = "a-secret-token-for-this-take-only-0123456789"
    runware = make_take(
        shot,
        2,
        RenderStatus.IN_PROGRESS,
        model_key="veo-3.1",
        provider="runware",
        provider_model="google:3@2",
        prompt_text="A cup.",
        provider_job_id="uuid",
        webhook_token_hash=token_hash(token),
        next_poll_at=timezone.now() + timedelta(seconds=50),
    )
    client = Client(enforce_csrf_checks=True)
    bad = client.post(
        reverse("hook_runware", args=["not-the-token"]), b"{}", content_type="application/json"
    )
    assert bad.status_code == 400
    runware.refresh_from_db()
    assert runware.next_poll_at > timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        good = client.post(
            reverse("hook_runware", args=[token]),
            b'{"data": []}',
            content_type="application/json",
        )
    assert good.status_code == 200
    assert handed == [("poll", runware.pk)]
    runware.refresh_from_db()
    waiting_take.refresh_from_db()
    assert runware.next_poll_at <= timezone.now() + timedelta(seconds=5)
    assert waiting_take.next_poll_at > timezone.now() + timedelta(seconds=40)


def test_webhooks_refuse_get(client, db):
    assert client.get(reverse("hook_openai")).status_code == 405
    assert client.get(reverse("hook_runware", args=["x"])).status_code == 405
