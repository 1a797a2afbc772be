"""Inbound provider callbacks. A webhook hands its take straight to a poll task (which confirms
the state with the provider and, once it is completed, hands it to a store task) rather than
waiting for the sweep's next pass; the sweep looks again a few seconds later should that task be
lost. So a forged or lost webhook can neither complete nor lose a take.

- OpenAI: Standard Webhooks signatures (`webhook-id`, `webhook-timestamp`,
  `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by the base64 part
  of the `whsec_` secret), a timestamp tolerance, and de-duplication on `webhook-id`.
- Runware: no signature; a secret token per take in the URL, compared in constant time (only
  its hash is stored).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from generation import queue, text
from generation.models import Render, RenderStatus, WebhookDelivery

TOLERANCE_SECONDS = 300
WAITING = [RenderStatus.SUBMITTING, RenderStatus.RECONCILING, RenderStatus.IN_PROGRESS]


class WebhookRejected(Exception):
    """The request is not a genuine, fresh delivery; nothing was changed."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def url_for(provider: str) -> tuple[str, str]:
    """(webhook URL, hash of its token) for a new submit, or ("", "") when the studio has no
    public URL for callbacks."""
    base = settings.STUDIO_WEBHOOK_BASE_URL
    if not base or provider != "runware":
        return "", ""
    token = secrets.token_urlsafe(32)
    return f"{base}/hooks/runware/{token}", token_hash(token)


HANDED_OVER = timedelta(seconds=5)  # the sweep's look, should the poll task be lost


def _make_due(renders: QuerySet[Render]) -> int:
    """A rendering take goes to a poll task at once; one still being sent or reconciled is made
    due for the sweep."""
    now = timezone.now()
    rendering = list(renders.filter(status=RenderStatus.IN_PROGRESS).values_list("pk", flat=True))
    handed = Render.objects.filter(pk__in=rendering, status=RenderStatus.IN_PROGRESS).update(
        next_poll_at=now + HANDED_OVER, updated_at=now
    )
    for pk in rendering:
        transaction.on_commit(partial(queue.enqueue, "poll", pk))
    others = renders.filter(status__in=WAITING).exclude(status=RenderStatus.IN_PROGRESS)
    return handed + others.update(next_poll_at=now, updated_at=now)


def verify_openai(
    headers: Mapping[str, str], body: bytes, secret: str, now: float | None = None
) -> str:
    """Check a Standard Webhooks signature; returns the delivery id."""
    delivery_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not (delivery_id and timestamp and signatures and secret):
        raise WebhookRejected("missing signature headers")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise WebhookRejected("bad timestamp") from None
    if abs((now or time.time()) - sent_at) > TOLERANCE_SECONDS:
        raise WebhookRejected("stale timestamp")
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"))
    except ValueError:
        raise WebhookRejected("the webhook secret is not valid base64") from None
    signed = f"{delivery_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return delivery_id
    raise WebhookRejected("bad signature")


def receive_openai(headers: Mapping[str, str], body: bytes) -> int:
    """Handle a verified OpenAI delivery once; returns how many takes became due."""
    delivery_id = verify_openai(headers, body, settings.OPENAI_WEBHOOK_SECRET)
    try:
        event = text.loads(body)
        video_id = str(event["data"]["id"])
    except (ValueError, KeyError, TypeError):
        raise WebhookRejected("unreadable event") from None
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(provider="openai", delivery_id=delivery_id)
            return _make_due(Render.objects.filter(provider="openai", provider_job_id=video_id))
    except IntegrityError:
        raise WebhookRejected("already received") from None


def receive_runware(token: str) -> int:
    digest = token_hash(token)
    render = Render.objects.filter(provider="runware", webhook_token_hash=digest).first()
    if render is None or not hmac.compare_digest(render.webhook_token_hash, digest):
        raise WebhookRejected("unknown token")
    return _make_due(Render.objects.filter(pk=render.pk))
