"""Campaigns: the brief, the brand kit, the budget, and what the dashboard shows of each."""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from generation import budget, catalog, text
from generation.models import IN_FLIGHT, RenderStatus
from generation.prompts import BrandKit
from studio.models.spend import CampaignSpend
from studio.models.take import Take
from studio.models.team import Workspace


class CampaignStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    IN_PRODUCTION = "in_production", "In production"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    DELIVERED = "delivered", "Delivered"
    ARCHIVED = "archived", "Archived"


TARGET_FORMATS = [
    ("16:9", "16:9 landscape"),
    ("9:16", "9:16 vertical"),
    ("1:1", "1:1 square"),
    ("4:5", "4:5 feed"),
    ("7:4", "7:4 wide"),
]


class CampaignQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=CampaignStatus.ARCHIVED)

    def for_dashboard(self):
        """Everything the dashboard shows per campaign, in one query whatever the count: each
        figure a correlated subquery on its own index (no join that would multiply the
        campaigns by their shots, nor a scan of the decisions)."""
        # Every take counts for the money; only takes of shots still on the board for the work.
        renders = Take.objects.of_campaign(OuterRef("pk")).order_by()
        live = renders.live()
        shots = apps.get_model("studio", "Shot")._default_manager
        decisions = apps.get_model("studio", "Decision")._default_manager

        def count_of(qs, by: str = "shot__campaign"):
            return Coalesce(
                Subquery(
                    qs.values(by).annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            )

        spend = Subquery(
            renders.filter(billed=True)
            .values("shot__campaign")
            .annotate(total=budget.settled_sum())
            .values("total")[:1],
            output_field=DecimalField(max_digits=12, decimal_places=4),
        )
        undecided = ~Exists(decisions.filter(render_id=OuterRef("pk")))
        return self.annotate(
            shot_count=count_of(
                shots.filter(campaign=OuterRef("pk"), deleted_at__isnull=True).order_by(),
                by="campaign",
            ),
            takes_in_flight=count_of(live.filter(status__in=IN_FLIGHT)),
            takes_awaiting_review=count_of(live.filter(undecided, status=RenderStatus.COMPLETED)),
            spend=Coalesce(spend, Value(Decimal("0")), output_field=DecimalField()),
            # The cover: the newest finished take with a poster. (NULLS LAST, which a finished
            # take's time never is, keeps PostgreSQL from walking the whole table's finished
            # takes in the review queue's index order to find this campaign's newest.)
            cover_id=Subquery(
                renders.filter(status=RenderStatus.COMPLETED)
                .exclude(thumbnail_key="")
                .order_by(F("completed_at").desc(nulls_last=True), "-pk")
                .values("pk")[:1]
            ),
        )


class Campaign(models.Model):
    # The viewer's role, set on the row by the studio's access rules when they fetch it.
    my_role: str
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="campaigns")
    name = text.LineField(max_length=160)
    brief = text.BlockField(blank=True)
    # What the campaign sells, as the ads say it: the planners name this product (never one
    # guessed from the brief), the spot's end card carries the call to action.
    product = text.LineField(
        max_length=120, blank=True, help_text="As the ads name it: “Trailhead bottle”."
    )
    tagline = text.LineField(max_length=120, blank=True)
    call_to_action = text.LineField("call to action", max_length=120, blank=True)
    # Brand kit: prompt material applied when a shot's prompt is compiled.
    brand_style = text.BlockField("visual style", blank=True)
    brand_palette = text.LineField("palette", max_length=300, blank=True)
    brand_sound = text.LineField("sound", max_length=300, blank=True)
    brand_must_include = text.BlockField("must include", blank=True)
    brand_banned_words = text.BlockField(
        "banned words", blank=True, help_text="Comma-separated words a prompt must not use."
    )
    budget = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Hard budget in US dollars. Leave empty for no limit.",
    )
    # The share of the budget (80 or 100 %) the team's chat channels were last told of.
    budget_alerted = models.PositiveSmallIntegerField(default=0)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=CampaignStatus, default=CampaignStatus.PLANNING
    )
    # The status follows the work (planning → in production → in review → approved) until an
    # owner sets it by hand.
    status_follows_work = models.BooleanField(default=True)
    # Who must sign a take off. A take is approved when every one of them approved it and
    # nobody asked for changes since; with nobody named, any reviewer's approval does.
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="campaigns_to_approve",
        verbose_name="required approvers",
        help_text="Members who must all approve a take. Leave empty: any reviewer's approval.",
    )
    # What changed in the sign-off without the owner (a required approver who left the
    # workspace), shown with the approvers until the campaign is next saved.
    approvers_note = text.BlockField(blank=True)
    client_must_approve = models.BooleanField(
        "the client must approve too",
        default=False,
        help_text="Through a guest link that lets the client approve.",
    )
    # Disclosure (EU AI Act, Article 50): the campaign's defaults, which each shot may change.
    depicts_people = models.BooleanField(
        "depicts realistic people",
        default=False,
        help_text="People who look real: a deep fake to declare under Article 50.",
    )
    depicts_places = models.BooleanField("depicts realistic places", default=False)
    depicts_events = models.BooleanField("depicts realistic events", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """A new campaign gets its spend row, so that every change from now on raises its
        version; a saved one may have changed who must approve (studio/models/spend.py)."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            CampaignSpend.objects.get_or_create(campaign=self)
        else:
            CampaignSpend.changed(pk=self.pk)

    def get_absolute_url(self) -> str:
        return reverse("studio:campaign_board", args=[self.pk])

    @staticmethod
    def lock(pk: int) -> None:
        """Hold the campaign's row until the transaction ends: the budget's lock, and the
        board's (shot positions). Call inside transaction.atomic()."""
        Campaign.objects.select_for_update().filter(pk=pk).values_list("pk").first()

    @property
    def is_archived(self) -> bool:
        return self.status == CampaignStatus.ARCHIVED

    def archive(self) -> None:
        self.status = CampaignStatus.ARCHIVED
        self.save(update_fields=["status", "updated_at"])

    def brand_kit(self) -> BrandKit:
        """The brand kit as prompt material for the compiler."""
        return BrandKit(
            style=self.brand_style.strip(),
            palette=self.brand_palette.strip(),
            sound=self.brand_sound.strip(),
            must_include=self.brand_must_include.strip(),
            banned_words=tuple(self.banned_words()),
        )

    @property
    def target_formats(self) -> list[str]:
        """The aspects of the campaign's formats, in their order (each once)."""
        aspects = [f.aspect for f in self.formats.all()]
        return list(dict.fromkeys(aspects))

    def size_for(self, model_key: str) -> str | None:
        """The size a new shot on this model should have: the first of the campaign's target
        formats the model makes (None when it makes none of them)."""
        model = catalog.get(model_key)
        if model is None:
            return None
        for aspect in self.target_formats or []:
            size = next((s for s in model.sizes if catalog.matches_aspect(s, aspect)), None)
            if size:
                return size
        return None

    def format_warning(self, size: str) -> str:
        """Advice when a shot's size is none of the campaign's target formats."""
        formats = list(self.target_formats or [])
        if not formats or not size or any(catalog.matches_aspect(size, f) for f in formats):
            return ""
        return (
            f"This shot is {catalog.aspect_label(size)}, but the campaign is made for "
            f"{', '.join(formats)}: its takes will not fit those formats."
        )

    def banned_words(self) -> list[str]:
        return [w.strip() for w in self.brand_banned_words.split(",") if w.strip()]

    def next_shot_position(self) -> int:
        last = self.shots.aggregate(m=models.Max("position"))["m"]
        return 1 if last is None else last + 1
