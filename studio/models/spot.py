"""The spot: the finished ad of a campaign in one format. The campaign's finishing settings
(supers' look, the end card, the sound), the brand files they use (a font, a music bed, a
recorded voice-over), and each spot rendered from them, with what went in, what was measured
and its preflight against the format's channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from generation import text
from studio.models.campaign import Campaign
from studio.models.production import Asset, CutStatus, Format
from studio.models.review import Authored, Decided, Verdict
from studio.models.team import Workspace


class BrandFileKind(models.TextChoices):
    FONT = "font", "Font"
    MUSIC = "music", "Music bed"
    VOICE = "voice", "Voice-over recording"


class BrandFile(models.Model):
    """A font or a sound of the workspace, checked by its content when uploaded."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="brand_files")
    kind = models.CharField(max_length=8, choices=BrandFileKind)
    name = text.LineField(max_length=120)
    key = models.CharField(max_length=500)
    file_type = models.CharField(max_length=8)  # ttf, otf, wav, mp3, aac, flac, m4a
    sha256 = models.CharField(max_length=64)
    bytes = models.BigIntegerField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)  # sounds
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class SuperPosition(models.TextChoices):
    TOP = "top", "Top"
    CENTRE = "centre", "Centre"
    LOWER_THIRD = "lower_third", "Lower third"


class CardBackground(models.TextChoices):
    COLOUR = "colour", "The brand's colour"
    HOLD = "hold", "The last frame, held"


class VoiceSource(models.TextChoices):
    NONE = "none", "No voice-over"
    RECORDING = "recording", "A recording"
    SPEECH = "speech", "A synthesised voice"
    SCRATCH = "scratch", "Scratch voice (offline, for timing)"


class Finish(models.Model):
    """How a campaign's spots are finished: one row per campaign, made on first use."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="finish")
    super_position = models.CharField(
        "supers at", max_length=12, choices=SuperPosition, default=SuperPosition.LOWER_THIRD
    )
    font = models.ForeignKey(
        BrandFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text_colour = models.CharField(max_length=7, default="#FFFFFF")
    brand_colour = models.CharField(max_length=7, default="#111111")
    logo = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call_to_action = text.LineField(max_length=120, blank=True)
    legal_line = text.LineField(max_length=200, blank=True)
    end_card_seconds = models.DecimalField(max_digits=3, decimal_places=1, default=2)
    end_card_background = models.CharField(
        max_length=8, choices=CardBackground, default=CardBackground.COLOUR
    )
    keep_take_sound = models.BooleanField("the takes' own sound", default=True)
    music = models.ForeignKey(
        BrandFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    voice = models.CharField(max_length=10, choices=VoiceSource, default=VoiceSource.NONE)
    voice_recording = models.ForeignKey(
        BrandFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Finishing of {self.campaign}"


# A spot is rendered in the queue as a cut is, through the same states (cuts.claim).
SpotStatus = CutStatus


class SpotQuerySet(models.QuerySet):
    def masters(self) -> SpotQuerySet:
        """The formats' own spots (the master), not their versions for a market or a hook."""
        return self.filter(market__isnull=True, hook__isnull=True)

    def versions(self) -> SpotQuerySet:
        return self.exclude(market__isnull=True, hook__isnull=True)


class Spot(models.Model):
    """One render of a format's spot. What went in is frozen in `plan` (pieces with their trims
    and supers, end card, sound, captions, the channel's spec) under `signature`; the newest
    spot of a format is the one shown, and it is stale when the signature of what the campaign
    holds now differs."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="spots")
    format = models.ForeignKey(Format, on_delete=models.CASCADE, related_name="spots")
    # A version of the master (issue 38): its texts and voice of a market, its opening a hook.
    market = models.ForeignKey(
        "Market", null=True, blank=True, on_delete=models.CASCADE, related_name="spots"
    )
    hook = models.ForeignKey(
        "Hook", null=True, blank=True, on_delete=models.CASCADE, related_name="spots"
    )
    status = models.CharField(max_length=12, choices=SpotStatus, default=SpotStatus.QUEUED)
    plan = models.JSONField(default=dict)
    signature = models.CharField(max_length=64)
    video_key = models.CharField(max_length=500, blank=True)
    thumbnail_key = models.CharField(max_length=500, blank=True)
    srt_key = models.CharField(max_length=500, blank=True)
    vtt_key = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    bytes = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # Measured on the delivered file: integrated loudness (LUFS) and true peak (dBTP).
    lufs = models.FloatField(null=True, blank=True)
    true_peak = models.FloatField(null=True, blank=True)
    # [{"rule", "ok", "measured", "expected", "fix"}]: the channel's rules, each checked.
    preflight = models.JSONField(default=list)
    error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = SpotQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["format", "-created_at"])]

    def __str__(self) -> str:
        return f"Spot of {self.campaign} ({self.format.name})"

    @property
    def in_flight(self) -> bool:
        return self.status in (SpotStatus.QUEUED, SpotStatus.RENDERING)

    @property
    def passes(self) -> bool:
        return self.status == SpotStatus.COMPLETED and all(r["ok"] for r in self.preflight)

    @property
    def failures(self) -> list[dict]:
        return [r for r in self.preflight if not r["ok"]]

    @property
    def seconds(self) -> float:
        return (self.duration_ms or 0) / 1000


class SpotDecision(Decided, models.Model):
    """A member's decision on a spot, or the client's through a guest link: as a take's, the
    newest of each decider counts. Decisions belong to the spot as it was rendered: a spot made
    again starts with none, so an approval lapses when what the spot shows changes."""

    spot = models.ForeignKey(Spot, on_delete=models.CASCADE, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    guest_name = text.LineField(max_length=80, blank=True)
    share_link = models.ForeignKey(
        "ShareLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.CharField(max_length=20, choices=Verdict)
    note = text.BlockField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reviewer__isnull=False) | ~models.Q(guest_name=""),
                name="spot_decision_has_a_reviewer_or_a_guest_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.who}: {self.get_verdict_display()} on spot {self.spot_id}"


class SpotComment(Authored, models.Model):
    """A time-coded (or range) comment on a spot; it records the shot under its in point, so the
    shot's page shows it too."""

    spot = models.ForeignKey(Spot, on_delete=models.CASCADE, related_name="comments")
    shot = models.ForeignKey(
        "Shot", null=True, blank=True, on_delete=models.SET_NULL, related_name="spot_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guest_name = text.LineField(max_length=80, blank=True)
    share_link = models.ForeignKey(
        "ShareLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = text.BlockField()
    timecode_ms = models.PositiveIntegerField(null=True, blank=True)
    end_ms = models.PositiveIntegerField(null=True, blank=True)
    # Shapes on the frame at timecode_ms, in 0–1 of the picture (review.drawings checks them).
    drawing = text.CleanJSONField(default=list, blank=True)
    visible_to_guests = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.who} on spot {self.spot_id}"
