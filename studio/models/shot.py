"""Shots: the structured prompt, the model and format, the reference image, and their place on
the board (added, moved and deleted under the campaign's lock; a deleted shot is archived). The
prompt's history and reusable templates are in studio.models.prompt_history."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from generation import catalog, jobs, prompts, text
from generation.models import Render, RenderStatus
from studio.images import fit_image
from studio.models.campaign import Campaign
from studio.models.frames import FramesMixin
from studio.models.prompt_history import PromptTemplate, PromptVersion
from studio.models.spend import CampaignSpend

T = TypeVar("T", bound=Render)  # a take, as the engine's Render or the studio's Take


class LiveShots(models.Manager):
    """The board's shots: not deleted, not a one-take spot. A deleted shot is archived, not
    removed, so that its takes (and what they cost) stay on the books; every page, list and
    lookup of shots goes through this manager and never sees it (nor a one-take spot, which
    has its own: `Shot.one_takes`)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True, one_take=False)


class OneTakeShots(models.Manager):
    """The campaign's one-take spots (issue 37): each is a shot of its own, off the board,
    whose takes are the whole spot in one generation (split back into the board's shots)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True, one_take=True)


class Shot(FramesMixin, models.Model):
    # The viewer's role, set on the row by the studio's access rules when they fetch it.
    my_role: str
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="shots")
    position = models.PositiveIntegerField(default=1)
    title = text.LineField(max_length=160)
    prompt = text.CleanJSONField(default=dict, blank=True)
    model_key = models.CharField(max_length=64, default="animatic")
    size = models.CharField(max_length=16, default="1280x720")
    seconds = models.PositiveSmallIntegerField(default=4)
    # Words for the screen (a super, the call to action), added in the edit: video models draw
    # text badly, so it is never part of the prompt.
    on_screen_text = text.LineField(max_length=200, blank=True)
    # Disclosure: None follows the campaign's default (Campaign.depicts_*).
    depicts_people = models.BooleanField(null=True, blank=True)
    depicts_places = models.BooleanField(null=True, blank=True)
    depicts_events = models.BooleanField(null=True, blank=True)
    # The reference image (first frame) as uploaded, and the image that is sent: the original,
    # or a copy fitted to the output size by centre crop or pad.
    reference_original = models.CharField(max_length=500, blank=True)
    reference_original_size = models.CharField(max_length=16, blank=True)
    reference_image = models.CharField(max_length=500, blank=True)
    reference_image_size = models.CharField(max_length=16, blank=True)
    reference_fit = models.CharField(max_length=8, blank=True)
    # Where the first frame came from when it was not uploaded ("Last frame of shot 2, take 3",
    # "Asset “Bottle”"), and the image the video must end on, where the model takes one.
    reference_source = text.LineField(max_length=200, blank=True)
    last_frame_image = models.CharField(max_length=500, blank=True)
    last_frame_size = models.CharField(max_length=16, blank=True)
    last_frame_source = text.LineField(max_length=200, blank=True)
    hero_take = models.ForeignKey(
        "generation.Render", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the shot is deleted: it leaves every page, its takes stay (see remove()).
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The whole spot in one generation (studio/production/one_take.py): off the board, its
    # prompt {"mode": "one_take", "text", "parts"} as compiled when it was asked for.
    one_take = models.BooleanField(default=False)

    # Deleted shots too: for the books (spend), where a take must still name its shot.
    with_deleted = models.Manager()
    objects = LiveShots()
    one_takes = OneTakeShots()

    class Meta:
        ordering = ["position", "pk"]
        default_manager_name = "objects"
        # Reaching a take's shot (take.shot) finds it even when it was deleted.
        base_manager_name = "with_deleted"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.one_take:  # off the board: its page is the campaign's one-take page
            return reverse("studio:one_take", args=[self.campaign_id]) + f"#one-take-{self.pk}"
        return reverse("studio:shot_detail", args=[self.campaign_id, self.pk])

    @staticmethod
    def add(campaign: Campaign, shot: Shot) -> Shot:
        """Save a new shot at the end of the campaign's board, numbered under the campaign's
        lock (two people adding at once never get one position)."""
        with transaction.atomic():
            Campaign.lock(campaign.pk)
            shot.campaign = campaign
            shot.position = campaign.next_shot_position()
            shot.save()
        return shot

    def representative_take(self, takes: Iterable[T]) -> T | None:
        """The take that stands for the shot (its poster, the source of a frame, its place in
        a cut): its hero if that take is finished, else its newest finished take. `takes` are
        the shot's takes already loaded (no query here); None when none is finished."""
        done = [t for t in takes if t.status == RenderStatus.COMPLETED]
        hero = next((t for t in done if t.pk == self.hero_take_id), None)
        return hero or max(done, key=lambda t: t.take, default=None)

    def wants_sound(self, model) -> bool:
        """Whether this shot's takes on `model` ask for sound (prompts.wants_sound)."""
        return prompts.wants_sound(self.prompt, model)

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
        model = catalog.get(self.model_key) or catalog.require(catalog.DEFAULT_MODEL)
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

    def remove(self, user=None) -> RemovedShot:
        """Delete the shot from the board and close the gap it leaves in the numbering. Its
        takes are kept (archived with it): what they cost stays on the campaign's books, and
        takes still in flight are cancelled at their provider where it allows, else left to
        finish and be recorded."""
        with transaction.atomic():
            Campaign.lock(self.campaign_id)
            archived = Shot.objects.filter(pk=self.pk).update(deleted_at=timezone.now())
            if archived:
                renumber_shots(self.campaign_id)
                CampaignSpend.changed(pk=self.campaign_id)  # its takes now count as deleted
        takes = list(self.renders.all())
        cancelled = [t for t in takes if t.can_cancel and jobs.request_cancel(t, user)]
        left = [t for t in takes if t.in_flight and t not in cancelled]
        return RemovedShot(len(takes), len(cancelled), len(left))

    @transaction.atomic
    def move(self, direction: str) -> bool:
        """Swap places with the neighbour above ("up") or below ("down"), under the
        campaign's lock. A shot deleted meanwhile (its number already given to another) does
        not move."""
        with transaction.atomic():
            Campaign.lock(self.campaign_id)
            if not Shot.objects.filter(pk=self.pk).exists():
                return False
            return self._swap(direction)

    def _swap(self, direction: str) -> bool:
        self.refresh_from_db(fields=["position"])
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


@dataclass(frozen=True)
class RemovedShot:
    """What deleting a shot did to its takes."""

    takes: int  # kept, and still counted against the budget
    cancelled: int  # in flight, asked to stop
    finishing: int  # in flight and too far to stop: they finish and are recorded

    def message(self, title: str) -> str:
        said = [f"Shot “{title}” deleted."]
        if self.takes:
            said.append(
                f"Its {self.takes} take{'s are' if self.takes != 1 else ' is'} kept on the "
                "campaign's books (spend, budget)."
            )
        if self.cancelled:
            verb = "were" if self.cancelled != 1 else "was"
            said.append(f"{self.cancelled} still rendering {verb} cancelled.")
        if self.finishing:
            said.append(
                f"{self.finishing} {'are' if self.finishing != 1 else 'is'} being stored and "
                "will be recorded when done."
            )
        return " ".join(said)


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
