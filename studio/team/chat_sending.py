"""Sending what a workspace's chat channels should hear, from the queue.

`announce()` writes a notice into the outbox of each channel that listens for the event, in
the transaction of the change it tells of, and asks the queue to send once that commits. A
sender holds a short lease on the channel (one sender at a time, across workers and
machines), waits for the channel's next slot (one message a second; longer after a 429's
Retry-After or a failure's backoff), says every waiting notice it can in one message (grouped,
studio.team.chat_messages) and marks them said only when the chat service took it. A failure is
kept on the channel (its settings page shows it) and tried again later by the every-minute
schedule; nothing here ever raises into the request or task that announced."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from generation import text
from studio import queue
from studio.models import ChannelKind, ChannelNotice, NotificationChannel
from studio.team import channel_urls, chat_messages

logger = logging.getLogger(__name__)

RUN_SECONDS = 50  # one task's share of sending; the schedule goes on after it
# Held while one message is waited for and sent (at most RUN_SECONDS and the HTTP timeout);
# a sender that died frees its channel when the lease runs out.
LEASE_SECONDS = RUN_SECONDS + 70
MAX_BACKOFF_SECONDS = 300
BATCH = 1000  # notices read at once; a message says the first GROUPS_PER_MESSAGE groups


def announce(
    workspace_id: int,
    event: str,
    said: str,
    *,
    campaign=None,
    link: str = "",
    channel_id: int | None = None,
) -> None:
    """Tell the workspace's channels that listen for `event`, or the one channel named
    (never raises)."""
    try:
        found = NotificationChannel.objects.filter(workspace_id=workspace_id).only("events")
        if channel_id is not None:
            found = found.filter(pk=channel_id)
        channels = [c.pk for c in found if channel_id is not None or event in c.events]
        if not channels:
            return
        ChannelNotice.objects.bulk_create(
            ChannelNotice(
                channel_id=pk,
                event=event,
                campaign_id=campaign.pk if campaign else None,
                campaign_name=text.line(campaign.name)[:200] if campaign else "",
                said=text.line(said)[:500],
                link=link[:500],
            )
            for pk in channels
        )
        for pk in channels:
            queue.enqueue("send_to_channel", pk, group="chat")
    except Exception:  # a chat notice is never a reason for anything else to fail
        logger.exception("could not announce %s in workspace %s", event, workspace_id)


def send(channel_id: int) -> int:
    """Send what waits for the channel, for up to RUN_SECONDS; returns the messages sent."""
    deadline = time.monotonic() + RUN_SECONDS
    sent = 0
    while _lease(channel_id):
        try:
            outcome = _send_one(channel_id, deadline)
        except Exception as error:  # keep the channel's state honest whatever happened
            # Only the error's kind: its words may quote the webhook URL, a secret.
            logger.error("sending to channel %s failed: %s", channel_id, type(error).__name__)
            _failed(channel_id, f"Sending failed ({type(error).__name__}).", None)
            outcome = "later"
        finally:
            _release(channel_id)
        if outcome == "sent":
            sent += 1
        elif outcome == "retry":
            continue
        elif outcome == "empty" and _waiting(channel_id):
            continue  # announced while this sender held the lease
        else:
            break
    return sent


def send_due() -> int:
    """The every-minute schedule: a sender queued for each channel with notices waiting and
    its slot come (each its own task: many channels never make one task run long). Returns
    how many were queued."""
    due = list(
        NotificationChannel.objects.filter(
            notices__sent_at__isnull=True, next_send_at__lte=timezone.now()
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    for pk in due:
        queue.enqueue("send_to_channel", pk, group="chat")
    return len(due)


def _waiting(channel_id: int) -> bool:
    return ChannelNotice.objects.filter(channel_id=channel_id, sent_at__isnull=True).exists()


def _lease(channel_id: int) -> bool:
    now = timezone.now()
    return bool(
        NotificationChannel.objects.filter(pk=channel_id)
        .filter(Q(sending_until__isnull=True) | Q(sending_until__lt=now))
        .update(sending_until=now + timedelta(seconds=LEASE_SECONDS))
    )


def _release(channel_id: int) -> None:
    NotificationChannel.objects.filter(pk=channel_id).update(sending_until=None)


def _send_one(channel_id: int, deadline: float) -> str:
    channel = NotificationChannel.objects.select_related("workspace").filter(pk=channel_id).first()
    if channel is None:
        return "gone"
    oldest = (
        channel.notices.filter(sent_at__isnull=True)
        .order_by("pk")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is None:
        return "empty"
    # The channel's next slot, and a moment for what comes together to be said together.
    gathered = oldest + timedelta(seconds=settings.STUDIO_CHAT_INTERVAL)
    wait = (max(channel.next_send_at, gathered) - timezone.now()).total_seconds()
    if wait > 0:
        if time.monotonic() + wait > deadline:
            return "later"
        time.sleep(wait)
    notices = list(channel.notices.filter(sent_at__isnull=True).order_by("pk")[:BATCH])
    url = channel_urls.unseal(channel.url_sealed)
    if url is None:
        _failed(
            channel.pk,
            "The webhook URL cannot be read (the secret key changed): "
            "remove the channel and add it again.",
            None,
        )
        return "later"
    groups, covered = chat_messages.grouped(notices)
    build = chat_messages.slack if channel.kind == ChannelKind.SLACK else chat_messages.teams
    try:
        channel_urls.check(channel.kind, url)
        response = httpx.post(
            url, json=build(channel.workspace.name, groups), timeout=10, follow_redirects=False
        )
    except ValidationError as error:
        _failed(channel.pk, " ".join(error.messages), None)
        return "later"
    except httpx.HTTPError as error:
        _failed(channel.pk, f"Could not reach the chat service ({type(error).__name__}).", None)
        return "retry"
    if response.is_success:
        now = timezone.now()
        with transaction.atomic():
            ChannelNotice.objects.filter(pk__in=covered).update(sent_at=now)
            NotificationChannel.objects.filter(pk=channel.pk).update(
                last_sent_at=now,
                next_send_at=now + timedelta(seconds=settings.STUDIO_CHAT_INTERVAL),
                failures=0,
                sent_messages=channel.sent_messages + 1,
            )
        return "sent"
    said = f"{response.status_code} {text.line(response.text)[:200]}".strip()
    if response.status_code == 429:
        _failed(channel.pk, f"Rate limited: {said}", _retry_after(response), count=False)
    else:
        _failed(channel.pk, f"The chat service refused the message: {said}", None)
    return "retry"


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(max(float(response.headers.get("retry-after", "")), 0), MAX_BACKOFF_SECONDS)
    except ValueError:
        return 30.0


def _failed(channel_id: int, error: str, wait: float | None, count: bool = True) -> None:
    channel = NotificationChannel.objects.filter(pk=channel_id).only("failures").first()
    if channel is None:
        return
    failures = channel.failures + (1 if count else 0)
    if wait is None:
        wait = min(settings.STUDIO_CHAT_INTERVAL * 2 ** min(failures, 16), MAX_BACKOFF_SECONDS)
    now = timezone.now()
    NotificationChannel.objects.filter(pk=channel_id).update(
        failures=failures,
        last_error=text.line(error)[:300],
        last_error_at=now,
        next_send_at=now + timedelta(seconds=wait),
    )
