from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from generation import catalog, text
from generation.catalog.specs import VideoModel
from generation.own_gpus.records import Backend as Backend  # models of this app
from generation.own_gpus.records import BackendKind as BackendKind
from generation.own_gpus.records import BackendSlot as BackendSlot
from generation.own_gpus.records import BoundWorkflow as BoundWorkflow
from generation.own_gpus.records import FrameRule as FrameRule


class RenderStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SUBMITTING = "submitting", "Submitting"
    RECONCILING = "reconciling", "Checking with the provider"
    IN_PROGRESS = "in_progress", "Rendering"
    STORING = "storing", "Storing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


IN_FLIGHT = (
    RenderStatus.QUEUED,
    RenderStatus.SUBMITTING,
    RenderStatus.RECONCILING,
    RenderStatus.IN_PROGRESS,
    RenderStatus.STORING,
)
CANCELLABLE = (
    RenderStatus.QUEUED,
    RenderStatus.SUBMITTING,
    RenderStatus.RECONCILING,
    RenderStatus.IN_PROGRESS,
)


class EventKind(models.TextChoices):
    """What a RenderEvent records: a transition, or a note on the way (the activity feed reads
    the trouble among them)."""

    TRANSITION = "transition", "State changed"
    CREATED = "created", "Take created"
    RETRY = "retry", "Provider refused; sent again"
    POLL_RETRY = "poll_retry", "A status check failed"
    RECONCILE_RETRY = "reconcile_retry", "Checking with the provider failed"
    RECONCILE_OWNED = "reconcile_owned", "Provider jobs found while reconciling"
    RECONCILE_WAIT = "reconcile_wait", "Waiting before reconciling"
    STORE_RETRY = "store_retry", "Storing failed; trying again"
    EXTRA_MISSING = "extra_missing", "A poster or sprite was missing"
    CANCEL_REQUESTED = "cancel_requested", "Cancel requested"
    CANCEL_ERROR = "cancel_error", "Cancel failed at the provider"
    REAPED = "reaped", "Picked up again"
    HERO = "hero", "Chosen as the hero"


FINISHED = (
    RenderStatus.COMPLETED,
    RenderStatus.FAILED,
    RenderStatus.EXPIRED,
    RenderStatus.CANCELLED,
)


class Render(models.Model):
    """One take of a shot. It freezes what was sent, so a take can always be explained."""

    # PROTECT: a take that cost or may have cost money is never deleted with its shot (deleting
    # a shot archives it; see studio.shots.editing.delete_shot).
    shot = models.ForeignKey("studio.Shot", on_delete=models.PROTECT, related_name="renders")
    take = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Two submits of the same form (a double click, a re-sent request) carry the same batch key,
    # so the second finds the takes of the first instead of making new ones.
    batch_key = models.UUIDField(null=True, blank=True)
    variation = models.PositiveSmallIntegerField(default=1)

    # Handed down by the studio when the take is requested (generation knows no shots): the
    # title the animatic shows, and where the take's files go in storage.
    title = text.LineField(max_length=200, blank=True)
    media_prefix = models.CharField(max_length=300, blank=True)
    # The budget the take counts against (the studio's account: a campaign's id), so that the
    # engine sums a budget without reading the studio's tables.
    budget_account = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)

    # What was sent.
    model_key = models.CharField(max_length=64)
    provider = models.CharField(max_length=32)
    provider_model = models.CharField(max_length=128, blank=True)
    size = models.CharField(max_length=16)
    seconds = models.PositiveSmallIntegerField()
    prompt_text = text.BlockField()
    prompt_json = text.CleanJSONField(default=dict, blank=True)  # the structured prompt, frozen
    audio = models.BooleanField(default=True)
    reference_image_key = models.CharField(max_length=500, blank=True)
    last_frame_key = models.CharField(max_length=500, blank=True)
    remix_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="remixes"
    )
    # A piece of a one-take spot (issue 37): cut from that take between `cut_in_ms` and
    # `cut_out_ms`, never sent to a provider and never billed (the one-take was).
    cut_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="pieces"
    )
    cut_in_ms = models.PositiveIntegerField(null=True, blank=True)
    cut_out_ms = models.PositiveIntegerField(null=True, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    # Where it is.
    provider_job_id = models.CharField(max_length=200, blank=True, db_index=True)
    # The provider's id of the finished video, for remixing it (Runware's outputs.videoId).
    provider_output_id = models.CharField(max_length=200, blank=True)
    # The team's own GPUs: the backend the take was sent to, its place in line while it waits
    # for one (or in the backend's queue), and the inputs uploaded there ({backend: {"first":
    # asset id, "last": …}}: a frame is uploaded once per take and backend).
    backend = models.CharField(max_length=40, blank=True)
    queue_place = models.PositiveIntegerField(null=True, blank=True)
    uploads = models.JSONField(default=dict, blank=True)
    # Runware's webhook URL carries a secret token per take; only its hash is kept.
    webhook_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=RenderStatus, default=RenderStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)  # submits and store tries
    polls = models.PositiveIntegerField(default=0)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The process sending or storing the take (generation/liveness.py): when it is known to be
    # dead, the take is given back at once rather than after its deadline or lease.
    held_by = models.CharField(max_length=120, blank=True)
    provider_expires_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)

    # Why it failed, and whether it cost money.
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    billed = models.BooleanField(null=True, blank=True)

    cost_estimate = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    cost_actual = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    # A cost the provider reported that cannot be right (negative, not a number, enormous), as
    # it came: the take is recorded at its estimate instead, and this flags it.
    cost_rejected = models.CharField(max_length=40, blank=True)

    # What was stored.
    video_key = models.CharField(max_length=500, blank=True)
    thumbnail_key = models.CharField(max_length=500, blank=True)
    spritesheet_key = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    fps = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    has_audio = models.BooleanField(null=True, blank=True)
    bytes = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # Content Credentials (generation/provenance): what the file carried when it was stored
    # (manifests.Credentials as a dict; {} before it was read), and the copies delivered, by
    # kind ("signed": the stored file itself when it carried valid credentials, else signed by
    # the studio; "labelled": with the visible "AI-generated" label), each
    # {"key", "c2pa" (its manifest store), "bytes", "sha256"} (generation.jobs.signing).
    credentials = models.JSONField(default=dict, blank=True)
    copies = models.JSONField(default=dict, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)  # the latest send
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["shot", "take"]
        constraints = [
            models.UniqueConstraint(fields=["shot", "take"], name="one_take_number_per_shot"),
            models.UniqueConstraint(
                fields=["shot", "batch_key", "variation"], name="one_take_per_shot_batch_variation"
            ),
            # One provider job is one take's: reconciliation can never adopt a job twice.
            models.UniqueConstraint(
                fields=["provider", "provider_job_id"],
                condition=~models.Q(provider_job_id=""),
                name="one_take_per_provider_job",
            ),
            # A one-take spot is split once: one piece per shot.
            models.UniqueConstraint(
                fields=["cut_from", "shot"],
                condition=models.Q(cut_from__isnull=False),
                name="one_piece_per_shot_of_a_one_take",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_poll_at"], name="render_due_idx"),
            # The review queue, newest finished first, read a page at a time.
            models.Index(fields=["status", "-completed_at", "-id"], name="render_finished_idx"),
            # A campaign's takes in a state (the dashboard's figures, the board's states).
            models.Index(fields=["shot", "status"], name="render_shot_status_idx"),
            # A batch key across shots: the API's Idempotency-Key reused for another shot.
            models.Index(fields=["batch_key"], name="render_batch_key_idx"),
        ]

    def __str__(self) -> str:
        # The title frozen on the take when it was asked for: no read through the shot.
        return f"Take {self.take} of {self.title or f'shot {self.shot_id}'}"

    @property
    def in_flight(self) -> bool:
        return self.status in IN_FLIGHT

    @property
    def posters_pending(self) -> bool:
        """Completed (playable), its poster still being made (generation/jobs/posters.py)."""
        return (
            self.status == RenderStatus.COMPLETED
            and not self.thumbnail_key
            and self.next_poll_at is not None
        )

    @property
    def changing(self) -> bool:
        """Whether its card may still change by itself (a page keeps asking while it may)."""
        return self.in_flight or self.posters_pending

    def delivered(self, labelled: bool = False) -> dict[str, Any]:
        """The delivered copy of that kind ({"key", "c2pa", "bytes", "sha256"}), {} until made."""
        found = (self.copies or {}).get("labelled" if labelled else "signed") or {}
        return dict(found) if found.get("key") and found.get("c2pa") else {}

    @property
    def signed_key(self) -> str:
        return str(self.delivered().get("key", ""))

    @property
    def stored_size(self) -> str:
        """The stored file's own "WxH" (a provider may deliver another size than asked)."""
        return f"{self.width}x{self.height}" if self.width and self.height else ""

    @property
    def model_spec(self) -> VideoModel | None:
        return catalog.get(self.model_key)

    @property
    def model_label(self) -> str:
        model = self.model_spec
        return model.label if model else self.model_key

    @property
    def can_remix(self) -> bool:
        """A finished take of a model that remixes can be the start of a new take."""
        model = self.model_spec
        return bool(model and model.remix and self.status == RenderStatus.COMPLETED)

    @property
    def can_cancel(self) -> bool:
        """Until its bytes are being stored, a take can still be stopped (once)."""
        return self.status in CANCELLABLE and not self.cancel_requested_at


class RenderEvent(models.Model):
    """Every transition of a take, with its time and detail: the provenance record."""

    render = models.ForeignKey(Render, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    kind = models.CharField(max_length=32, choices=EventKind, default=EventKind.TRANSITION)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.render_id}: {self.from_status} -> {self.to_status}"


class AnimaticJob(models.Model):
    """A job of the built-in animatic provider. Kept in the database (not on a worker's disk)
    so any worker can render it and any node can poll it; the MP4 goes to media storage."""

    job_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, default="queued")
    progress = models.PositiveSmallIntegerField(default=0)
    spec = models.JSONField(default=dict)
    output_key = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"animatic {self.job_id} ({self.status})"


class WebhookDelivery(models.Model):
    """Deliveries already handled, so a replayed webhook changes nothing."""

    provider = models.CharField(max_length=32)
    delivery_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "delivery_id"], name="one_delivery")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.delivery_id}"
