"""What the database keeps of the team's GPUs: each configured backend and its slots (one per job
it runs at once; a take holds one while its job is on the GPU), and each bound workflow."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from generation import text


class BackendKind(models.TextChoices):
    COMFY = "comfy", "ComfyUI (Comfy API v2)"
    VIDEO_SERVER = "videoserver", "OpenAI-compatible video server"


class Backend(models.Model):
    """One of the team's GPU servers: a ComfyUI named in STUDIO_COMFY_BACKENDS or a video server
    in STUDIO_VIDEO_SERVERS (its token stays in the environment)."""

    name = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=16, choices=BackendKind, default=BackendKind.COMFY)
    url = models.CharField(max_length=300)
    jobs = models.PositiveSmallIntegerField(default=1)
    configured = models.BooleanField(default=True)  # still named in the settings
    healthy = models.BooleanField(default=True)
    problem = models.CharField(max_length=300, blank=True)  # why it is down, in words
    checked_at = models.DateTimeField(null=True, blank=True)
    # The model ids a video server listed at its last connection test (its /models).
    discovered = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BackendSlot(models.Model):
    """One job's room on a backend. Claimed by a conditional update (`render` from null to the
    take), given back when the take leaves the GPU; a take holds at most one."""

    backend = models.ForeignKey(Backend, on_delete=models.CASCADE, related_name="slots")
    number = models.PositiveSmallIntegerField()
    render = models.OneToOneField(
        "generation.Render",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gpu_slot",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number", "backend"]
        constraints = [
            models.UniqueConstraint(
                fields=["backend", "number"], name="one_slot_number_per_backend"
            )
        ]

    def __str__(self) -> str:
        return f"{self.backend_id}#{self.number}"


class FrameRule(models.TextChoices):
    ANY = "any", "Any number of frames"
    LTX = "8n+1", "8n+1 frames (LTX-2, LTX-2.3)"
    WAN = "4n+1", "4n+1 frames (Wan 2.1 / 2.2, HunyuanVideo)"


class BoundWorkflow(models.Model):
    """A ComfyUI graph in API format whose named slots are bound to node inputs, offered in the
    catalog as the model `comfy-<key>`. The graph and bindings never change after upload (a take
    records which workflow made it); a new version is a new upload."""

    key = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=80)
    graph = text.CleanJSONField()
    bindings = models.JSONField()  # slot -> [node id, input name]
    sizes = models.JSONField()  # ["1280x704", …]
    durations = models.JSONField()  # [3, 5, …] seconds
    fps = models.PositiveSmallIntegerField(default=24)
    frame_rule = models.CharField(max_length=8, choices=FrameRule, default=FrameRule.ANY)
    # Priced as GPU-seconds: the team's rate, and the GPU-seconds a second of video takes (the
    # estimate a hard budget is checked against; the job's own measure is recorded after).
    rate_per_gpu_second = models.DecimalField(max_digits=8, decimal_places=5, default=Decimal(0))
    gpu_seconds_per_second = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal(30)
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label

    @property
    def model_key(self) -> str:
        return f"comfy-{self.key}"
