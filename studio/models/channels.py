"""Where a workspace hears about review: Slack and Microsoft Teams channels (incoming webhooks)
and the outbox of what is still to be said in each. The webhook URL is a secret: it is kept
sealed (studio.team.channel_urls) and never shown again after it is added."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from generation import text
from studio.models.team import Workspace


class ChannelKind(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class ChannelEvent(models.TextChoices):
    TAKES_READY = "takes_ready", "Takes ready for review"
    APPROVED = "approved", "A take approved"
    CHANGES = "changes", "Changes requested"
    SPOT_READY = "spot_ready", "A spot ready"
    SPOT_APPROVED = "spot_approved", "A spot approved"
    CLIENT = "client", "A client's decision"
    BUDGET = "budget", "Budget at 80 % and 100 %"
    FAILED_BILLED = "failed_billed", "A failed take that was billed"
    TEST = "test", "A test message"  # sent by the settings page's "Send a test", to one channel


def all_events() -> list[str]:
    """What a channel can listen for (a test is sent to one channel, whatever it hears)."""
    return [e for e in ChannelEvent.values if e != ChannelEvent.TEST]


class NotificationChannel(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=8, choices=ChannelKind)
    name = text.LineField(max_length=80)
    url_sealed = models.TextField()
    url_hint = models.CharField(max_length=120)
    events = models.JSONField(default=all_events)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Sending: at most one message a second, later after a 429 or a failure (backoff).
    next_send_at = models.DateTimeField(default=timezone.now)
    # One sender at a time: the lease a sender holds while it sends.
    sending_until = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    sent_messages = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} “{self.name}”"

    @property
    def events_said(self) -> list[str]:
        return [ChannelEvent(e).label for e in self.events if e in ChannelEvent.values]

    @property
    def failing(self) -> bool:
        return self.failures > 0


class ChannelNotice(models.Model):
    """One event still to be said in a channel (or said: `sent_at`)."""

    channel = models.ForeignKey(
        NotificationChannel, on_delete=models.CASCADE, related_name="notices"
    )
    event = models.CharField(max_length=16, choices=ChannelEvent)
    campaign_id = models.BigIntegerField(null=True, blank=True)
    campaign_name = models.CharField(max_length=200, blank=True)
    said = models.CharField(max_length=500)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["channel", "sent_at", "id"], name="notice_outbox")]

    def __str__(self) -> str:
        return self.said
