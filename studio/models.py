from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


class Workspace(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            base = slugify(self.name) or "workspace"
            slug, n = base, 1
            while Workspace.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                n += 1
                slug = f"{base}-{n}"
            self.slug = slug
        super().save(*args, **kwargs)


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]
        ordering = ["workspace", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.workspace}"

    def _is_last_owner(self) -> bool:
        owners = Membership.objects.select_for_update().filter(
            workspace_id=self.workspace_id, role=Role.OWNER
        )
        return self.role == Role.OWNER and owners.count() <= 1

    def change_role(self, role: str) -> None:
        with transaction.atomic():
            self.refresh_from_db(fields=["role"])
            if role != Role.OWNER and self._is_last_owner():
                raise LastOwnerError(
                    "A workspace needs at least one owner: make someone else an owner first."
                )
            self.role = role
            self.save(update_fields=["role"])

    def remove(self) -> None:
        with transaction.atomic():
            self.refresh_from_db(fields=["role"])
            if self._is_last_owner():
                raise LastOwnerError(
                    "The last owner cannot be removed: make someone else an owner first."
                )
            self.delete()


class LastOwnerError(Exception):
    """Raised when a change would leave a workspace without an owner."""


INVITATION_DAYS = 7


class Invitation(models.Model):
    """An owner's offer to join a workspace, sent by e-mail. Membership starts only when the
    person accepts it, once, before it expires.

    The token in the e-mail is an HMAC of the row's id and a random nonce under SECRET_KEY:
    nothing in the database (or in the mail task's payload, which carries only the id) is
    enough to accept an invitation."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EDITOR)
    nonce = models.CharField(max_length=64)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.workspace}"

    @classmethod
    def open(cls, workspace: Workspace, email: str, role: str, invited_by) -> Invitation:
        """A new invitation; an earlier open one to the same address is replaced."""
        import secrets

        now = timezone.now()
        with transaction.atomic():
            cls.pending().filter(workspace=workspace, email__iexact=email).update(cancelled_at=now)
            return cls.objects.create(
                workspace=workspace,
                email=email,
                role=role,
                nonce=secrets.token_urlsafe(24),
                invited_by=invited_by,
                expires_at=now + timedelta(days=INVITATION_DAYS),
            )

    @classmethod
    def pending(cls):
        return cls.objects.filter(
            accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
        )

    @property
    def token(self) -> str:
        from django.utils.crypto import salted_hmac

        mac = salted_hmac("reelroom.invitation", f"{self.pk}:{self.nonce}", algorithm="sha256")
        return f"{self.pk}-{mac.hexdigest()}"

    @classmethod
    def find(cls, token: str) -> Invitation | None:
        """The open invitation this token belongs to, or None (unknown, used, cancelled and
        expired invitations look the same)."""
        from django.utils.crypto import constant_time_compare

        pk, _, _mac = (token or "").partition("-")
        invitation = (
            cls.pending()
            .select_related("workspace", "invited_by")
            .filter(pk=int(pk) if pk.isascii() and pk.isdigit() and len(pk) < 19 else None)
            .first()
        )
        if invitation is None or not constant_time_compare(invitation.token, token):
            return None
        return invitation

    def accept(self, user) -> Membership:
        """Make the membership, once: a second use of the token finds it already used."""
        with transaction.atomic():
            used = (
                Invitation.pending()
                .filter(pk=self.pk)
                .update(accepted_at=timezone.now(), accepted_by=user)
            )
            if not used:
                raise InvitationUsed("This invitation was already used, cancelled or has expired.")
            membership, created = Membership.objects.get_or_create(
                workspace_id=self.workspace_id, user=user, defaults={"role": self.role}
            )
        return membership

    def cancel(self) -> None:
        Invitation.objects.filter(pk=self.pk, accepted_at__isnull=True).update(
            cancelled_at=timezone.now()
        )


class InvitationUsed(Exception):
    """Raised when an invitation is accepted a second time."""


class CampaignStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    IN_PRODUCTION = "in_production", "In production"
    IN_REVIEW = "in_review", "In review"
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
        """Everything the dashboard shows per campaign, in one query whatever the count."""
        from generation.models import IN_FLIGHT, Render, RenderStatus

        renders = Render.objects.filter(shot__campaign=OuterRef("pk")).order_by()

        def count_of(qs):
            return Coalesce(
                Subquery(
                    qs.values("shot__campaign").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            )

        spend = Subquery(
            renders.filter(billed=True)
            .values("shot__campaign")
            .annotate(total=Sum(Coalesce("cost_actual", "cost_estimate")))
            .values("total")[:1],
            output_field=DecimalField(max_digits=12, decimal_places=4),
        )
        return self.annotate(
            shot_count=Count("shots", distinct=True),
            takes_in_flight=count_of(renders.filter(status__in=IN_FLIGHT)),
            takes_awaiting_review=count_of(
                renders.filter(status=RenderStatus.COMPLETED, decisions__isnull=True)
            ),
            spend=Coalesce(spend, Value(Decimal("0")), output_field=DecimalField()),
        )


class Campaign(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=160)
    brief = models.TextField(blank=True)
    # Brand kit: prompt material applied when a shot's prompt is compiled.
    brand_style = models.TextField("visual style", blank=True)
    brand_palette = models.CharField("palette", max_length=300, blank=True)
    brand_sound = models.CharField("sound", max_length=300, blank=True)
    brand_must_include = models.TextField("must include", blank=True)
    brand_banned_words = models.TextField(
        "banned words", blank=True, help_text="Comma-separated words a prompt must not use."
    )
    budget = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Hard budget in US dollars. Leave empty for no limit.",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.PLANNING
    )
    target_formats = models.JSONField(default=list, blank=True)
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

    def get_absolute_url(self) -> str:
        return reverse("campaign_board", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.status == CampaignStatus.ARCHIVED

    def archive(self) -> None:
        self.status = CampaignStatus.ARCHIVED
        self.save(update_fields=["status", "updated_at"])

    def banned_words(self) -> list[str]:
        return [w.strip() for w in self.brand_banned_words.split(",") if w.strip()]

    def next_shot_position(self) -> int:
        last = self.shots.aggregate(m=models.Max("position"))["m"]
        return 1 if last is None else last + 1


class Shot(models.Model):
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
        self.save(update_fields=[*REFERENCE_FIELDS, "updated_at"])
        _delete_quietly({k for k in old if k and k != key})

    def fit_reference(self, mode: str, size: tuple[int, int]) -> None:
        """Make a copy of the original at `size` (centre crop or pad) and use it; keep the
        original."""
        from studio.images import fit_image

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
            _delete_quietly({previous})

    def use_original_reference(self) -> None:
        previous = self.reference_image
        self.reference_image = self.reference_original
        self.reference_image_size = self.reference_original_size
        self.reference_fit = ""
        self.save(update_fields=[*REFERENCE_FIELDS, "updated_at"])
        if previous and previous != self.reference_original:
            _delete_quietly({previous})

    def clear_reference(self) -> None:
        old = {self.reference_original, self.reference_image}
        for name in REFERENCE_FIELDS:
            setattr(self, name, "")
        self.save(update_fields=[*REFERENCE_FIELDS, "updated_at"])
        _delete_quietly({k for k in old if k})

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


def _delete_quietly(keys: set[str]) -> None:
    """Delete reference images the shot no longer uses, unless a take was sent with one: the
    take keeps what it was made from. Runs after the row points elsewhere, so a failed delete
    leaves an orphan file, never a row pointing at nothing."""
    from generation.models import Render
    from generation.storage import delete_quietly

    sent = set(
        Render.objects.filter(reference_image_key__in=keys).values_list(
            "reference_image_key", flat=True
        )
    )
    delete_quietly(keys - sent)


def renumber_shots(campaign_id: int) -> None:
    for index, pk in enumerate(
        Shot.objects.filter(campaign_id=campaign_id)
        .order_by("position", "pk")
        .values_list("pk", flat=True),
        start=1,
    ):
        Shot.objects.filter(pk=pk).update(position=index)


class Comment(models.Model):
    render = models.ForeignKey(
        "generation.Render", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guest_name = models.CharField(max_length=80, blank=True)
    body = models.TextField()
    timecode_ms = models.PositiveIntegerField(null=True, blank=True)
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

    @property
    def who(self) -> str:
        if self.author_id:
            return self.author.get_full_name() or self.author.get_username()
        return f"{self.guest_name} (guest)"


class Verdict(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class Decision(models.Model):
    render = models.ForeignKey(
        "generation.Render", on_delete=models.CASCADE, related_name="decisions"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="decisions"
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.get_verdict_display()} on take {self.render_id}"


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


class ShareLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(models.Model):
    """A guest review link for a campaign or one shot. Only the token's hash is stored."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="share_links")
    shot = models.ForeignKey(
        Shot, null=True, blank=True, on_delete=models.CASCADE, related_name="share_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=120, blank=True)
    expires_at = models.DateTimeField()
    password_hash = models.CharField(max_length=200, blank=True)
    allow_comments = models.BooleanField(default=True)
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
        import hashlib

        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def create(
        cls,
        *,
        campaign,
        shot=None,
        days: int,
        password: str = "",
        allow_comments: bool = True,
        label: str = "",
        user=None,
    ) -> tuple[ShareLink, str]:
        """A new link and its token; the token is shown once and never stored."""
        import secrets

        from django.contrib.auth.hashers import make_password

        token = secrets.token_urlsafe(24)
        link = cls.objects.create(
            campaign=campaign,
            shot=shot,
            token_hash=cls.hash(token),
            label=label,
            expires_at=timezone.now() + timedelta(days=days),
            password_hash=make_password(password) if password else "",
            allow_comments=allow_comments,
            created_by=user,
        )
        return link, token

    @classmethod
    def find(cls, token: str) -> ShareLink | None:
        return (
            cls.objects.usable()
            .select_related("campaign", "shot")
            .filter(token_hash=cls.hash(token))
            .first()
        )

    def check_password(self, password: str) -> bool:
        from django.contrib.auth.hashers import check_password

        return bool(self.password_hash) and check_password(password, self.password_hash)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def revoke(self) -> None:
        ShareLink.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
