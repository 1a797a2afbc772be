"""Shots: the structured prompt, the model and format, the reference image, and the prompt's
history (versions) and reusable templates."""

from __future__ import annotations

import difflib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from generation import catalog, prompts
from studio.images import fit_image
from studio.models.campaign import Campaign
from studio.models.frames import FramesMixin
from studio.models.team import Workspace


class Shot(FramesMixin, models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="shots")
    position = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=160)
    prompt = models.JSONField(default=dict, blank=True)
    model_key = models.CharField(max_length=64, default="animatic")
    size = models.CharField(max_length=16, default="1280x720")
    seconds = models.PositiveSmallIntegerField(default=4)
    # The reference image (first frame) as uploaded, and the image that is sent: the original,
    # or a copy fitted to the output size by centre crop or pad.
    reference_original = models.CharField(max_length=500, blank=True)
    reference_original_size = models.CharField(max_length=16, blank=True)
    reference_image = models.CharField(max_length=500, blank=True)
    reference_image_size = models.CharField(max_length=16, blank=True)
    reference_fit = models.CharField(max_length=8, blank=True)
    # Where the first frame came from when it was not uploaded ("Last frame of shot 2, take 3",
    # "Asset “Bottle”"), and the image the video must end on, where the model takes one.
    reference_source = models.CharField(max_length=200, blank=True)
    last_frame_image = models.CharField(max_length=500, blank=True)
    last_frame_size = models.CharField(max_length=16, blank=True)
    last_frame_source = models.CharField(max_length=200, blank=True)
    hero_take = models.ForeignKey(
        "generation.Render", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("shot_detail", args=[self.campaign_id, self.pk])

    @property
    def summary(self) -> str:
        return (self.prompt or {}).get("scene", "")

    def storage_prefix(self) -> str:
        """Media of this shot lives under workspace/campaign/shot/ in the team's storage."""
        return f"{self.campaign.workspace.slug}/{self.campaign_id}/{self.pk}"

    @property
    def reference_dimensions(self) -> tuple[int, int] | None:
        return _dimensions(self.reference_image_size) if self.reference_image else None

    @property
    def original_dimensions(self) -> tuple[int, int] | None:
        return _dimensions(self.reference_original_size) if self.reference_original else None

    def takes_newest_first(self):
        """The shot's takes as its page shows them."""
        return self.renders.select_related("remix_of").order_by("-take")

    def compiled_prompt(self) -> str:
        """The text the saved prompt compiles to for its model and campaign."""
        model = catalog.get(self.model_key) or catalog.get(catalog.DEFAULT_MODEL)
        return prompts.compile_prompt(self.prompt, model, self.campaign.brand_kit()).text

    def replace_prompt(
        self, user, source: dict, note: str, before_note: str = ""
    ) -> PromptVersion | None:
        """Start again from another prompt (a template, an old version): `source` holds
        prompt, model_key, size and seconds. With `before_note`, what was there is kept in the
        history first."""
        with transaction.atomic():
            if before_note:
                self.record_version(user, self.compiled_prompt(), note=before_note)
            for name in ("prompt", "model_key", "size", "seconds"):
                setattr(self, name, source[name])
            self.save()
            return self.record_version(user, self.compiled_prompt(), note=note)

    def apply_template(self, user, choice: str) -> str | None:
        """Start from a seed example ("seed:<key>") or a workspace template ("ws:<id>");
        returns its name, or None when there is no such template for this workspace."""
        source = PromptTemplate.choice(choice, self.campaign.workspace_id, self.model_key)
        if source is None:
            return None
        model = catalog.get(source["model_key"])
        if model is None or not model.offered or source["size"] not in model.sizes:
            source["model_key"] = catalog.DEFAULT_MODEL
        self.replace_prompt(
            user,
            source,
            note=f"From template “{source['label']}”",
            before_note="Before applying a template",
        )
        return source["label"]

    def record_version(self, author, compiled_text: str, note: str = "") -> PromptVersion | None:
        """Keep this save in the history, unless nothing changed since the last version."""
        latest = self.versions.order_by("-number").first()
        if latest is not None and latest.same_as(self):
            return None
        return PromptVersion.objects.create(
            shot=self,
            number=latest.number + 1 if latest else 1,
            prompt=self.prompt,
            compiled_text=compiled_text,
            model_key=self.model_key,
            size=self.size,
            seconds=self.seconds,
            note=note,
            author=author,
        )

    def set_reference(self, upload, info) -> None:
        """Store an uploaded first-frame image; it replaces any earlier one."""
        name = f"{self.storage_prefix()}/reference-{uuid.uuid4().hex[:12]}.{info.extension}"
        upload.seek(0)
        key = default_storage.save(name, upload)
        old = [self.reference_original, self.reference_image]
        self.reference_original = self.reference_image = key
        self.reference_original_size = self.reference_image_size = f"{info.width}x{info.height}"
        self.reference_fit = ""
        self.reference_source = ""
        self.save(update_fields=[*REFERENCE_FIELDS, "reference_source", "updated_at"])
        self._forget({k for k in old if k and k != key})

    def fit_reference(self, mode: str, size: tuple[int, int]) -> None:
        """Make a copy of the original at `size` (centre crop or pad) and use it; keep the
        original."""
        with default_storage.open(self.reference_original, "rb") as fh:
            data = fit_image(fh.read(), size, mode)
        name = f"{self.storage_prefix()}/reference-fit-{mode}-{size[0]}x{size[1]}.png"
        key = default_storage.save(name, ContentFile(data))
        previous = self.reference_image
        self.reference_image = key
        self.reference_image_size = f"{size[0]}x{size[1]}"
        self.reference_fit = mode
        self.save(update_fields=[*REFERENCE_FIELDS, "updated_at"])
        if previous and previous not in (self.reference_original, key):
            self._forget({previous})

    def use_original_reference(self) -> None:
        previous = self.reference_image
        self.reference_image = self.reference_original
        self.reference_image_size = self.reference_original_size
        self.reference_fit = ""
        self.save(update_fields=[*REFERENCE_FIELDS, "updated_at"])
        if previous and previous != self.reference_original:
            self._forget({previous})

    def clear_reference(self) -> None:
        old = {self.reference_original, self.reference_image}
        for name in [*REFERENCE_FIELDS, "reference_source"]:
            setattr(self, name, "")
        self.save(update_fields=[*REFERENCE_FIELDS, "reference_source", "updated_at"])
        self._forget({k for k in old if k})

    def remove(self) -> None:
        """Delete the shot and close the gap it leaves in the board's numbering."""
        with transaction.atomic():
            campaign_id = self.campaign_id
            self.delete()
            renumber_shots(campaign_id)

    @transaction.atomic
    def move(self, direction: str) -> bool:
        """Swap places with the neighbour above ("up") or below ("down")."""
        siblings = Shot.objects.filter(campaign_id=self.campaign_id)
        if direction == "up":
            neighbour = (
                siblings.filter(
                    Q(position__lt=self.position) | Q(position=self.position, pk__lt=self.pk)
                )
                .order_by("-position", "-pk")
                .first()
            )
        else:
            neighbour = (
                siblings.filter(
                    Q(position__gt=self.position) | Q(position=self.position, pk__gt=self.pk)
                )
                .order_by("position", "pk")
                .first()
            )
        if neighbour is None:
            return False
        if neighbour.position == self.position:
            # Equal positions (legacy rows): renumber first so the swap is meaningful.
            renumber_shots(self.campaign_id)
            self.refresh_from_db(fields=["position"])
            neighbour.refresh_from_db(fields=["position"])
        Shot.objects.filter(pk=self.pk).update(position=neighbour.position)
        Shot.objects.filter(pk=neighbour.pk).update(position=self.position)
        self.position, neighbour.position = neighbour.position, self.position
        return True


REFERENCE_FIELDS = [
    "reference_original",
    "reference_original_size",
    "reference_image",
    "reference_image_size",
    "reference_fit",
]


def _dimensions(value: str) -> tuple[int, int] | None:
    width, _, height = (value or "").partition("x")
    return (
        (int(width), int(height))
        if (width + height).isascii() and width.isdigit() and height.isdigit()
        else None
    )


def renumber_shots(campaign_id: int) -> None:
    for index, pk in enumerate(
        Shot.objects.filter(campaign_id=campaign_id)
        .order_by("position", "pk")
        .values_list("pk", flat=True),
        start=1,
    ):
        Shot.objects.filter(pk=pk).update(position=index)


class PromptVersion(models.Model):
    """Every save of a shot's prompt, so any earlier version can be compared and restored."""

    shot = models.ForeignKey(Shot, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    prompt = models.JSONField(default=dict)
    compiled_text = models.TextField(blank=True)
    model_key = models.CharField(max_length=64)
    size = models.CharField(max_length=16)
    seconds = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["shot", "number"], name="one_version_number_per_shot")
        ]

    def __str__(self) -> str:
        return f"v{self.number} of {self.shot}"

    def diff(self, shot: Shot) -> tuple[list[tuple[str, str]], list[tuple[str, object, object]]]:
        """This version against the shot as it is now: the compiled text line by line
        (removed / added / same) and the settings that changed."""
        kinds = {"-": "removed", "+": "added", " ": "same"}
        lines = [
            (kinds[line[0]], line[2:])
            for line in difflib.ndiff(
                self.compiled_text.splitlines(), shot.compiled_prompt().splitlines()
            )
            if line[0] in kinds
        ]
        settings_changes = [
            (label, old, new)
            for label, old, new in (
                ("Model", self.model_key, shot.model_key),
                ("Size", self.size, shot.size),
                ("Seconds", self.seconds, shot.seconds),
            )
            if old != new
        ]
        return lines, settings_changes

    def same_as(self, shot: Shot) -> bool:
        return (self.prompt, self.model_key, self.size, self.seconds) == (
            shot.prompt,
            shot.model_key,
            shot.size,
            shot.seconds,
        )


class PromptTemplate(models.Model):
    """A shot's prompt saved for reuse across the workspace."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="prompt_templates"
    )
    name = models.CharField(max_length=120)
    prompt = models.JSONField(default=dict)
    model_key = models.CharField(max_length=64)
    size = models.CharField(max_length=16)
    seconds = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def save_from(cls, shot: Shot, name: str, user) -> PromptTemplate:
        return cls.objects.create(
            workspace_id=shot.campaign.workspace_id,
            name=name,
            prompt=shot.prompt,
            model_key=shot.model_key,
            size=shot.size,
            seconds=shot.seconds,
            created_by=user,
        )

    @classmethod
    def choice(cls, choice: str, workspace_id: int, model_key: str) -> dict | None:
        """The template picker's value: "seed:<key>" (a seed example, made with the shot's
        model when it is offered) or "ws:<id>" (this workspace's template)."""
        kind, _, key = choice.partition(":")
        if kind == "seed" and key in prompts.SEED_TEMPLATES:
            seed = prompts.SEED_TEMPLATES[key]
            model = catalog.get(model_key)
            return {
                "label": seed["label"],
                "prompt": prompts.template_prompt(key),
                "model_key": model_key if model and model.offered else catalog.DEFAULT_MODEL,
                "size": seed["size"],
                "seconds": seed["seconds"],
            }
        pk = int(key) if kind == "ws" and key.isascii() and key.isdigit() and len(key) < 19 else 0
        template = cls.objects.filter(pk=pk, workspace_id=workspace_id).first()
        if template is None:
            return None
        return {
            "label": template.name,
            "prompt": template.prompt,
            "model_key": template.model_key,
            "size": template.size,
            "seconds": template.seconds,
        }
