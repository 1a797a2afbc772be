"""What scripts and other systems hold: API tokens (personal or a workspace's service account,
with scopes and an expiry; only a hash is kept) and outgoing webhook endpoints with their
delivery log (Standard Webhooks)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from generation import text
from studio.models.team import Workspace


class Scope(models.TextChoices):
    READ = "read", "Read"
    GENERATE = "generate", "Generate"
    REVIEW = "review", "Review"
    DELIVER = "deliver", "Deliver"
    ADMIN = "admin", "Admin"


class TokenKind(models.TextChoices):
    PERSONAL = "personal", "Personal"
    SERVICE = "service", "Service account"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token `rr_<prefix>_<secret>`: shown once when made, kept as its sha256 (the
    secret has 256 random bits, so a plain hash is enough; nothing to salt or stretch).

    A personal token acts as its member, with at most that member's role; a service token
    acts as the workspace's service account (a user of its own, a member with the role its
    scopes need), so it outlives the person who made it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    kind = models.CharField(max_length=10, choices=TokenKind, default=TokenKind.PERSONAL)
    name = text.LineField(max_length=80)
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "active"

    @property
    def scopes_said(self) -> str:
        return ", ".join(Scope(s).label for s in self.scopes if s in Scope.values)


class WebhookEvent(models.TextChoices):
    TAKE_COMPLETED = "take.completed"
    TAKE_FAILED = "take.failed"
    DECISION_CREATED = "decision.created"
    SPOT_READY = "spot.ready"
    SPOT_APPROVED = "spot.approved"
    BUDGET_THRESHOLD = "budget.threshold"


class WebhookEndpoint(models.Model):
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    description = text.LineField(max_length=120, blank=True)
    events = models.JSONField(default=list)
    # The signing secret (`whsec_…`), sealed like the chat channels' URLs.
    secret_sealed = models.TextField()
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Since when every delivery has failed (none now): a day of it disables the endpoint.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Gave up"


class WebhookDelivery(models.Model):
    """One message to one endpoint: its id and body (fixed when made, so every retry sends the
    same signed message) and the last attempt's answer."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    msg_id = models.CharField(max_length=40, unique=True)
    event = models.CharField(max_length=32, choices=WebhookEvent)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sending_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event} {self.msg_id}"
