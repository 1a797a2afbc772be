"""Outgoing webhooks (the Standard Webhooks specification): what a workspace's endpoints are
told, signed with each endpoint's secret by the `standardwebhooks` library, sent from the
queue and retried with backoff for a day.

`emit()` writes one delivery per subscribed endpoint in the transaction of the change it tells
of (fixed id, timestamp and body, so every retry sends the same signed message) and queues its
sending once that commits. A failed attempt waits 5 s, 5 min, 30 min, 2 h, 5 h, then 10 h (the
specification's schedule), and the last attempt is made 24 h after the first; then the delivery
is given up. An endpoint whose every delivery has failed for a whole day is disabled, its
owners told. The log keeps each delivery's last answer."""

from __future__ import annotations

import base64
import json
import logging
import secrets
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from generation import text
from studio import queue
from studio.models import (
    Area,
    DeliveryStatus,
    Membership,
    Role,
    WebhookDelivery,
    WebhookEndpoint,
)
from studio.team import audit, channel_urls

logger = logging.getLogger(__name__)

RETRY_SECONDS = (5, 300, 1800, 7200, 18000, 36000)
GIVE_UP_AFTER = timedelta(hours=24)
DISABLE_AFTER = timedelta(days=1)
LEASE = timedelta(seconds=90)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def emit(workspace_id: int, event: str, data: dict) -> None:
    """Tell the workspace's endpoints that listen for `event` (never raises)."""
    try:
        endpoints = [
            e.pk
            for e in WebhookEndpoint.objects.filter(workspace_id=workspace_id, enabled=True).only(
                "events"
            )
            if event in e.events
        ]
        if not endpoints:
            return
        now = timezone.now()
        made = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                endpoint_id=pk,
                msg_id=f"msg_{secrets.token_hex(16)}",
                event=event,
                payload={"type": event, "timestamp": now.isoformat(), "data": data},
                created_at=now,
                next_attempt_at=now,
            )
            for pk in endpoints
        )
        for delivery in made:
            queue.enqueue("send_webhook", delivery.pk, group="webhooks")
    except Exception:  # a webhook is never a reason for anything else to fail
        logger.exception("could not emit %s in workspace %s", event, workspace_id)


def body_of(delivery: WebhookDelivery) -> str:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True)


def headers_for(delivery: WebhookDelivery, secret: str, at: datetime) -> dict[str, str]:
    """The three headers of the specification, signed over id, timestamp and body."""
    signature = Webhook(secret).sign(delivery.msg_id, at, body_of(delivery))
    return {
        "webhook-id": delivery.msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": "Reelroom-Webhooks/1",
    }


def deliver(delivery_id: int) -> str:
    """One attempt, if the delivery is due and nobody else is sending it. Returns what came of
    it: "delivered", "retry", "failed" or "skipped"."""
    now = timezone.now()
    leased = (
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(sending_until__isnull=True) | Q(sending_until__lt=now))
        .update(sending_until=now + LEASE)
    )
    if not leased:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        _attempted(delivery, now, error="The endpoint is disabled.", give_up=True)
        return "failed"
    secret = channel_urls.unseal(endpoint.secret_sealed)
    if secret is None:
        _attempted(delivery, now, error="The signing secret cannot be read: make it again.")
        return "retry"
    try:
        channel_urls.check_endpoint(endpoint.url)
        response = httpx.post(
            endpoint.url,
            content=body_of(delivery).encode(),
            headers=headers_for(delivery, secret, now),
            timeout=settings.STUDIO_WEBHOOK_TIMEOUT,
            follow_redirects=False,
        )
    except ValidationError as error:
        return _attempted(delivery, now, error=" ".join(error.messages))
    except httpx.TimeoutException:
        return _attempted(delivery, now, error="No answer in time.")
    except httpx.HTTPError as error:
        return _attempted(delivery, now, error=f"Could not connect ({type(error).__name__}).")
    return _attempted(
        delivery, now, status=response.status_code, body=text.line(response.text)[:500]
    )


def _attempted(
    delivery: WebhookDelivery,
    at: datetime,
    status: int | None = None,
    body: str = "",
    error: str = "",
    give_up: bool = False,
) -> str:
    ok = status is not None and 200 <= status < 300
    attempts = delivery.attempts + 1
    fields = {
        "attempts": attempts,
        "last_attempt_at": at,
        "response_status": status,
        "response_body": body,
        "error": text.line(error)[:300],
        "sending_until": None,
    }
    endpoint = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    if ok:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED, **fields
        )
        endpoint.update(failing_since=None)
        return "delivered"
    last = delivery.created_at + GIVE_UP_AFTER
    wait = timedelta(seconds=RETRY_SECONDS[min(attempts - 1, len(RETRY_SECONDS) - 1)])
    give_up = give_up or at >= last
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
        next_attempt_at=min(at + wait, last),
        **fields,
    )
    endpoint.filter(failing_since__isnull=True).update(failing_since=delivery.created_at)
    _disable_if_failing(delivery.endpoint_id, at)
    return "failed" if give_up else "retry"


def _disable_if_failing(endpoint_id: int, now: datetime) -> None:
    endpoint = WebhookEndpoint.objects.select_related("workspace").get(pk=endpoint_id)
    if not endpoint.enabled or endpoint.failing_since is None:
        return
    if now - endpoint.failing_since < DISABLE_AFTER:
        return
    reason = "Disabled: every delivery failed for a day. Fix the receiver, then enable it again."
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
        enabled=False, disabled_reason=reason
    ):
        return
    WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, error="The endpoint was disabled."
    )
    audit.record(
        Area.SETTINGS,
        "webhook.disabled",
        workspace_id=endpoint.workspace_id,
        target=f"webhook endpoint {endpoint.url}",
        actor="system",
    )
    owners = Membership.objects.filter(workspace=endpoint.workspace, role=Role.OWNER)
    emails = [m.user.email for m in owners.select_related("user") if m.user.email]
    if emails:
        send_mail(
            f"A webhook endpoint of {endpoint.workspace.name} was disabled",
            f"Every delivery to {endpoint.url} failed for a day, so it was disabled. Fix the "
            f"receiver, then enable it again on the workspace's API page.",
            None,
            emails,
            fail_silently=True,
        )


def send_due() -> int:
    """The every-minute schedule: a sender queued for each delivery whose retry is due."""
    due = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        queue.enqueue("send_webhook", pk, group="webhooks")
    return len(due)
