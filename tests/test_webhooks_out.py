"""Outgoing webhooks: endpoints added on the API page, each event signed (Standard Webhooks) and
checked by a receiver on 127.0.0.1 that verifies with the specification's own library, retried
after a 500 and a timeout, given up after 24 h, and an endpoint failing for a day disabled."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from generation.jobs.transitions import advance
from generation.models import RenderStatus as S
from studio.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from studio.review import decisions
from studio.team import webhooks_out
from tests.factories import make_take
from tests.fakes.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    fake = WebhookReceiver().start()
    yield fake
    fake.stop()


def _add_endpoint(client, owner, workspace, receiver, events=None) -> WebhookEndpoint:
    client.force_login(owner)
    page = client.post(
        f"/w/{workspace.slug}/api/webhooks/",
        {"url": receiver.hook_url, "events": events or ["take.completed", "decision.created"]},
    )
    assert page.status_code == 200, page.content.decode()[:2000]
    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", page.content.decode())
    assert secret, "the secret is shown once when the endpoint is added"
    receiver.secret = secret.group(0)
    return WebhookEndpoint.objects.get(workspace=workspace)


def _complete(take):
    advance(take, S.STORING, S.COMPLETED)


def test_a_finished_take_is_told_signed_and_logged(
    client, team, workspace, shot, receiver, django_capture_on_commit_callbacks
):
    endpoint = _add_endpoint(client, team["owner"], workspace, receiver)
    take = make_take(shot, status=S.STORING)
    with django_capture_on_commit_callbacks(execute=True):
        _complete(take)
    assert receiver.refused == []
    (message,) = receiver.received
    assert message["payload"]["type"] == "take.completed"
    assert message["payload"]["data"]["take"]["id"] == take.pk
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.response_status == 204
    log = client.get(f"/w/{workspace.slug}/api/webhooks/{endpoint.pk}/log/")
    assert delivery.msg_id in log.content.decode() and "Delivered" in log.content.decode()


def test_only_subscribed_events_are_sent(
    client, team, workspace, shot, receiver, django_capture_on_commit_callbacks
):
    _add_endpoint(client, team["owner"], workspace, receiver, events=["decision.created"])
    take = make_take(shot, status=S.STORING)
    with django_capture_on_commit_callbacks(execute=True):
        _complete(take)
        decisions.decide(take, team["reviewer"], "approved", "Lovely")
    assert [m["payload"]["type"] for m in receiver.received] == ["decision.created"]
    decision = receiver.received[0]["payload"]["data"]["decision"]
    assert decision["verdict"] == "approved" and decision["note"] == "Lovely"


def test_a_500_is_retried_with_the_same_signed_message(
    client, team, workspace, shot, receiver, django_capture_on_commit_callbacks
):
    _add_endpoint(client, team["owner"], workspace, receiver)
    receiver.fail_first = 1
    take = make_take(shot, status=S.STORING)
    with django_capture_on_commit_callbacks(execute=True):
        _complete(take)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_status == 500
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert wait == pytest.approx(5, abs=0.01)
    assert webhooks_out.deliver(delivery.pk) == "skipped"  # not due yet
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks_out.send_due() == 1  # the every-minute schedule sends what is due
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert [m["id"] for m in receiver.received] == [delivery.msg_id]
    assert receiver.attempts == 2 and receiver.refused == []


def test_a_receiver_that_does_not_answer_in_time_is_tried_again(
    client, team, workspace, shot, receiver, settings, django_capture_on_commit_callbacks
):
    settings.STUDIO_WEBHOOK_TIMEOUT = 0.3
    _add_endpoint(client, team["owner"], workspace, receiver)
    receiver.delay = 1.0
    take = make_take(shot, status=S.STORING)
    with django_capture_on_commit_callbacks(execute=True):
        _complete(take)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.error == "No answer in time." and delivery.attempts == 1


def test_after_24_hours_a_delivery_is_given_up_and_a_day_of_failures_disables(
    client, team, workspace, shot, receiver
):
    endpoint = _add_endpoint(client, team["owner"], workspace, receiver)
    team["owner"].email = "alice@example.com"
    team["owner"].save()
    receiver.fail_first = 100
    day_ago = timezone.now() - timedelta(hours=24, minutes=1)
    old = WebhookDelivery.objects.create(
        endpoint=endpoint, msg_id="msg_old", event="take.completed",
        payload={"type": "take.completed", "data": {}}, created_at=day_ago, next_attempt_at=day_ago,
    )  # fmt: skip
    waiting = WebhookDelivery.objects.create(
        endpoint=endpoint, msg_id="msg_new", event="take.completed",
        payload={"type": "take.completed", "data": {}},
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    assert webhooks_out.deliver(old.pk) == "failed"
    old.refresh_from_db()
    endpoint.refresh_from_db()
    assert old.status == DeliveryStatus.FAILED and old.response_status == 500
    assert not endpoint.enabled and "failed for a day" in endpoint.disabled_reason
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.FAILED
    assert mail.outbox and "disabled" in mail.outbox[0].subject
    page = client.get(f"/w/{workspace.slug}/api/").content.decode()
    assert "failed for a day" in page
    client.post(f"/w/{workspace.slug}/api/webhooks/{endpoint.pk}/", {"op": "enable"})
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.failing_since is None


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "https://localhost/x",
        "https://10.1.2.3/x",
        "https://u:p@example.com/",
    ],
)
def test_private_loopback_and_plain_http_endpoints_are_refused(client, team, workspace, url):
    client.force_login(team["owner"])
    page = client.post(
        f"/w/{workspace.slug}/api/webhooks/", {"url": url, "events": ["take.completed"]}
    )
    assert page.status_code == 422
    assert not WebhookEndpoint.objects.exists()


def test_a_member_who_is_not_an_owner_cannot_add_endpoints(client, team, workspace, receiver):
    client.force_login(team["editor"])
    page = client.post(
        f"/w/{workspace.slug}/api/webhooks/",
        {"url": receiver.hook_url, "events": ["take.completed"]},
    )
    assert page.status_code == 403 and not WebhookEndpoint.objects.exists()
