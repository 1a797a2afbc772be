"""Review: comments on takes, decisions, and guest links."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import hashers
from django.db import models
from django.utils import timezone

from generation import text
from studio.models.campaign import Campaign
from studio.models.shot import Shot
from studio.models.spend import CampaignSpend
from studio.models.take import Take


class Authored:
    """A comment's author as people read it: a member's name, or the guest's with "(guest)".
    For a take's comments and a spot's."""

    author: Any
    guest_name: str

    @property
    def who(self) -> str:
        if self.author is not None:
            return self.author.get_full_name() or self.author.get_username()
        return f"{self.guest_name} (guest)"


class Decided:
    """Who decided: a member (their id), or the client through a guest link. For a take's
    decisions and a spot's."""

    reviewer: Any
    reviewer_id: int | None
    guest_name: str

    @property
    def decider(self) -> int | str:
        """Whose decision it is: a member's id, or the client."""
        return self.reviewer_id if self.reviewer_id is not None else CLIENT

    @property
    def is_client(self) -> bool:
        return self.reviewer_id is None

    @property
    def who(self) -> str:
        if self.reviewer is not None:
            return self.reviewer.get_full_name() or self.reviewer.get_username()
        return f"{self.guest_name} (client)"


class Comment(Authored, models.Model):
    # Set when a thread is shown (review.comments.thread) or a guest page names the author.
    thread_replies: list[Comment]
    display_name: str
    # The viewer's role, set on the row by the studio's access rules when they fetch it.
    my_role: str
    render = models.ForeignKey(
        "generation.Render", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guest_name = text.LineField(max_length=80, blank=True)
    body = text.BlockField()
    timecode_ms = models.PositiveIntegerField(null=True, blank=True)
    # A range: the out point (the in point is timecode_ms). A drawing on the frame at
    # timecode_ms: shapes in 0–1 of the picture (review.drawings checks them).
    end_ms = models.PositiveIntegerField(null=True, blank=True)
    drawing = text.CleanJSONField(default=list, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    share_link = models.ForeignKey(
        "ShareLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    # Guests (the client, through a share link) see only comments marked for them: a member's
    # comment is internal unless its author says otherwise; a guest's is always visible.
    visible_to_guests = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author or self.guest_name} on {self.render_id}"


class Verdict(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class ShotStatus(models.TextChoices):
    """Where a shot stands in review, from its takes and their decisions (review.states)."""

    DRAFT = "draft", "Draft"
    GENERATING = "generating", "Generating"
    IN_REVIEW = "in_review", "To review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"


class CellStatus(models.TextChoices):
    """Where a cell of the deliverables grid (a shot in one format) stands."""

    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    IN_REVIEW = "in_review", "To review"
    RENDERING = "rendering", "Rendering"
    FAILED = "failed", "Failed"
    MISSING = "missing", "Missing"


CLIENT = "client"  # who decided through a guest link: "the client", whatever name they gave


class StandingDecisions(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Decision(Decided, models.Model):
    """A member's decision on a take, or the client's through a guest link (no reviewer, the
    name they gave and the link). The newest of each reviewer counts; the client counts as one
    reviewer whatever names they give."""

    # Set by review.decisions when a decision asked for was this one, already standing.
    repeated: bool

    render = models.ForeignKey(
        "generation.Render", on_delete=models.CASCADE, related_name="decisions"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    guest_name = text.LineField(max_length=80, blank=True)
    share_link = models.ForeignKey(
        "ShareLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    verdict = models.CharField(max_length=20, choices=Verdict)
    note = text.BlockField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A decision whose author left the workspace (or may no longer decide) stops counting: it
    # stays in the take's history, marked, and every approval reads past it.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_why = text.LineField(max_length=200, blank=True)

    # The default manager (and so `take.decisions`) holds the decisions that count; `history`
    # holds every one, for the take's history.
    objects = StandingDecisions()
    history = models.Manager()  # noqa: DJ012 (ruff takes a plain Manager() for a field)

    class Meta:
        ordering = ["-created_at", "-pk"]
        base_manager_name = "history"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reviewer__isnull=False) | ~models.Q(guest_name=""),
                name="decision_has_a_reviewer_or_a_guest_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.who}: {self.get_verdict_display()} on take {self.render_id}"

    # A decision given or taken back may change which takes are approved: the campaign's
    # spend figures (per approved take and second) are computed again.
    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        CampaignSpend.changed(shots__renders=self.render_id)

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        CampaignSpend.changed(shots__renders=self.render_id)
        return deleted


class ShareLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(models.Model):
    """A guest review link for a campaign or one shot. Only the token's hash is stored."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="share_links")
    shot = models.ForeignKey(
        Shot, null=True, blank=True, on_delete=models.CASCADE, related_name="share_links"
    )
    # A link for one market (issue 38): its guest sees that market's versions of the spot only
    # (CASCADE: a market removed never widens its link to the whole campaign).
    market = models.ForeignKey(
        "Market", null=True, blank=True, on_delete=models.CASCADE, related_name="share_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    label = text.LineField(max_length=120, blank=True)
    expires_at = models.DateTimeField()
    password_hash = models.CharField(max_length=200, blank=True)
    allow_comments = models.BooleanField(default=True)
    # A campaign link may also let the client download the delivery package.
    allow_download = models.BooleanField(default=False)
    # The client may approve or request changes through the link; their decision counts as
    # "the client" for the campaign's required approvers.
    allow_decisions = models.BooleanField(default=False)
    group_by = models.CharField(
        max_length=10,
        choices=[("format", "By format"), ("shot", "By shot")],
        default="format",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label or f"Guest link to {self.shot or self.campaign}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def create(
        cls,
        *,
        campaign,
        shot=None,
        market=None,
        days: int,
        password: str = "",
        allow_comments: bool = True,
        allow_download: bool = False,
        allow_decisions: bool = False,
        group_by: str = "format",
        label: str = "",
        user=None,
    ) -> tuple[ShareLink, str]:
        """A new link and its token; the token is shown once and never stored."""
        token = secrets.token_urlsafe(24)
        link = cls.objects.create(
            campaign=campaign,
            shot=shot if market is None else None,
            market=market,
            token_hash=cls.hash(token),
            label=label,
            expires_at=timezone.now() + timedelta(days=days),
            password_hash=hashers.make_password(password) if password else "",
            allow_comments=allow_comments,
            allow_download=allow_download and shot is None,
            allow_decisions=allow_decisions,
            group_by=group_by if group_by in ("format", "shot") else "format",
            created_by=user,
        )
        return link, token

    @classmethod
    def find(cls, token: str) -> ShareLink | None:
        return (
            cls.objects.usable()
            .select_related("campaign", "shot", "market")
            .filter(token_hash=cls.hash(token))
            .first()
        )

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and hashers.check_password(password, self.password_hash)

    def is_unlocked(self, session) -> bool:
        """A link without a password is open; one with a password, once this visitor gave it."""
        return not self.password_hash or session.get(f"share-{self.pk}") is True

    def unlock(self, session, password: str) -> bool:
        """Open the link for this visitor's session if the password is right."""
        if not self.check_password(password):
            return False
        session[f"share-{self.pk}"] = True
        return True

    def takes(self):
        """What a guest of this link may see: the finished takes of its campaign or shot (a
        market's link shows that market's versions, no takes)."""
        if self.market_id:
            return Take.objects.none()
        takes = Take.objects.live().finished().of_campaign(self.campaign_id)
        return takes.filter(shot_id=self.shot_id) if self.shot_id else takes

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def permissions(self) -> list[str]:
        """What the link lets its guest do, in plain words."""
        # A campaign's link shows its spots (the finished ads) first.
        said = ["watch the finished takes" if self.shot_id else "watch the spots and the takes"]
        if self.allow_comments:
            said.append("comment on them")
        if self.allow_decisions:
            said.append("approve them or ask for changes")
        if self.allow_download and not self.shot_id:
            said.append("download the delivery package")
        return said

    def revoke(self) -> None:
        ShareLink.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
