"""The production half of a campaign: the formats it is delivered in (and each cell's hero),
the workspace's brand assets, and the cuts (rough cuts per format, the storyboard animatic)."""

from __future__ import annotations

import math

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from generation import catalog, channels, text
from studio.models.campaign import TARGET_FORMATS, Campaign
from studio.models.shot import Shot
from studio.models.team import Workspace

DEFAULT_FORMAT_NAMES = {
    "16:9": "YouTube",
    "9:16": "Reels",
    "1:1": "Square",
    "4:5": "Feed",
    "7:4": "Wide",
}


def _ratio(aspect: str) -> float:
    width, _, height = aspect.partition(":")
    return int(width) / int(height)


def nearest_size(model_key: str, aspect: str) -> tuple[str, bool] | None:
    """The size a model should render for an aspect: one of that aspect when it has one (its
    first, usually the cheapest), else the size whose shape is nearest (exact=False)."""
    model = catalog.get(model_key)
    if model is None or not model.sizes:
        return None
    exact = next((s for s in model.sizes if catalog.matches_aspect(s, aspect)), None)
    if exact:
        return exact, True
    wanted = math.log(_ratio(aspect))

    def distance(size: str) -> float:
        width, height = catalog.parse_size(size)
        return abs(math.log(width / height) - wanted)

    return min(model.sizes, key=distance), False


class Format(models.Model):
    """A deliverable format of a campaign: a name the team uses ("Reels") and an aspect."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="formats")
    name = text.LineField(max_length=60)
    aspect = models.CharField(max_length=8, choices=TARGET_FORMATS)
    # Where the format's spot goes: a channel preset (its size, length, safe zone, loudness,
    # captions), or Custom at the format's aspect.
    channel_key = models.CharField(
        "channel", max_length=32, choices=channels.CHOICES, default=channels.CUSTOM
    )
    position = models.PositiveSmallIntegerField(default=1)
    # A visible "AI-generated" label burned into the files delivered in this format.
    ai_label = models.BooleanField("visible “AI-generated” label", default=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"], name="one_format_name_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.aspect})"

    @property
    def slug(self) -> str:
        return slugify(self.name) or self.aspect.replace(":", "x")

    @property
    def channel(self) -> channels.Channel:
        return channels.get(self.channel_key, self.aspect)

    def size_for(self, model_key: str) -> tuple[str, bool] | None:
        return nearest_size(model_key, self.aspect)

    def accepts(self, size: str, model_key: str) -> bool:
        """Whether a take of this size (made on this model) serves this format: it has the
        format's aspect, or it is the nearest size the model makes for it."""
        if catalog.matches_aspect(size, self.aspect):
            return True
        nearest = self.size_for(model_key)
        return nearest is not None and nearest[0] == size


class Deliverable(models.Model):
    """The hero take chosen for one cell of the grid (a shot in a format)."""

    shot = models.ForeignKey(Shot, on_delete=models.CASCADE, related_name="deliverables")
    format = models.ForeignKey(Format, on_delete=models.CASCADE, related_name="deliverables")
    hero = models.ForeignKey(
        "generation.Render", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)
    # The in and out points (milliseconds into the take) of take `trim_of` in the spot; they
    # lapse when the cell's hero is another take. None: all of it.
    trim_of = models.PositiveIntegerField(null=True, blank=True)
    in_ms = models.PositiveIntegerField(null=True, blank=True)
    out_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shot", "format"], name="one_hero_per_cell")]

    def __str__(self) -> str:
        return f"{self.shot} in {self.format}"


class AssetKind(models.TextChoices):
    PRODUCT = "product", "Product"
    CHARACTER = "character", "Character"
    LOGO = "logo", "Logo"
    LOCATION = "location", "Location"


class Asset(models.Model):
    """A reusable image of the workspace (a product, a character, a logo) that shots attach as
    their first or last frame."""

    # The viewer's role, set on the row by the studio's access rules when they fetch it.
    my_role: str

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="assets")
    name = text.LineField(max_length=120)
    kind = models.CharField(max_length=16, choices=AssetKind, default=AssetKind.PRODUCT)
    image_key = models.CharField(max_length=500)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"

    @classmethod
    def product_name(cls, workspace_id: int) -> str:
        """The name of the workspace's first product asset (a campaign's product by default)."""
        products = cls.objects.filter(workspace_id=workspace_id, kind=AssetKind.PRODUCT)
        return products.values_list("name", flat=True).first() or ""


class CutKind(models.TextChoices):
    ROUGH = "rough", "Rough cut"
    STORYBOARD = "storyboard", "Storyboard animatic"
    # Some shots, each its own take (never a piece of a one-take): the edit a one-take spot
    # is compared with (studio/production/one_take.py).
    PER_SHOT = "per_shot", "Per-shot edit"


class CutStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    COMPLETED = "completed", "Ready"
    FAILED = "failed", "Failed"


class Cut(models.Model):
    """The campaign's shots joined in order: a rough cut of the hero takes of one format, or
    the storyboard animatic (each shot's hero take, or its animatic). Rendered in the queue and
    stored like a take; what went in is frozen in `sources`."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="cuts")
    format = models.ForeignKey(
        Format, null=True, blank=True, on_delete=models.CASCADE, related_name="cuts"
    )
    kind = models.CharField(max_length=16, choices=CutKind, default=CutKind.ROUGH)
    status = models.CharField(max_length=16, choices=CutStatus, default=CutStatus.QUEUED)
    # [{"shot": id, "number": n, "title": …, "take": render id or None, "take_number": k,
    #   "seconds": s}] in order; shots with nothing to show are listed in `missing`.
    sources = models.JSONField(default=list)
    missing = models.JSONField(default=list)
    signature = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    fps = models.PositiveSmallIntegerField(default=24)
    video_key = models.CharField(max_length=500, blank=True)
    thumbnail_key = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    bytes = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.campaign}" + (
            f" ({self.format.name})" if self.format else ""
        )

    @property
    def in_flight(self) -> bool:
        return self.status in (CutStatus.QUEUED, CutStatus.RENDERING)

    @property
    def seconds(self) -> float:
        return (self.duration_ms or 0) / 1000


def name_formats(takes, formats) -> list:
    """Give each take `format_name`, the names of the formats (of its campaign) it serves
    ("Reels", "Reels / Stories", or "" when none), and `format_label` with its size
    ("Reels · 720×1280 (9:16)")."""
    takes = list(takes)
    for take in takes:
        names = [f.name for f in formats if f.accepts(take.size, take.model_key)]
        take.format_name = " / ".join(names)
        size = catalog.size_label(take.size) if take.size else ""
        take.format_label = f"{take.format_name} · {size}" if names else size
    return takes


def channels_serving(take, formats) -> list[channels.Channel]:
    """The channels (not Custom) of the formats a take serves."""
    return [
        f.channel
        for f in formats
        if f.channel_key != channels.CUSTOM and f.accepts(take.size, take.model_key)
    ]


def label_formats(takes, campaign_id: int | None = None) -> list:
    """`name_formats` for takes of any campaigns (their shots loaded), or all of
    `campaign_id`: one query for the formats of every campaign among them."""
    takes = list(takes)
    campaign_of = {t.pk: campaign_id or t.shot.campaign_id for t in takes}
    formats: dict[int, list[Format]] = {}
    for fmt in Format.objects.filter(campaign_id__in=set(campaign_of.values())):
        formats.setdefault(fmt.campaign_id, []).append(fmt)
    for take in takes:
        name_formats([take], formats.get(campaign_of[take.pk], []))
    return takes
