"""Who works where: workspaces, memberships and their roles, and invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import slugify

from generation import text


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


class Workspace(models.Model):
    # The viewer's role, set on the row by the studio's access rules when they fetch it.
    my_role: str
    name = text.LineField(max_length=120)
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
    role = models.CharField(max_length=16, choices=Role, default=Role.VIEWER)
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
    role = models.CharField(max_length=16, choices=Role, default=Role.EDITOR)
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
        mac = salted_hmac("reelroom.invitation", f"{self.pk}:{self.nonce}", algorithm="sha256")
        return f"{self.pk}-{mac.hexdigest()}"

    @classmethod
    def find(cls, token: str) -> Invitation | None:
        """The open invitation this token belongs to, or None (unknown, used, cancelled and
        expired invitations look the same)."""
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


class MailChoice(models.Model):
    """What reaches a person's e-mail; everything until they choose otherwise (the chat
    channels of the workspace are another matter: its owners choose those)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_choice"
    )
    mentions = models.BooleanField("when someone mentions me or a guest comments", default=True)
    decisions = models.BooleanField("decisions on takes I made", default=True)
    digest = models.BooleanField("the daily digest of what waits for me", default=True)

    def __str__(self) -> str:
        return f"mail of {self.user}"

    @classmethod
    def wants(cls, user, what: str) -> bool:
        choice = cls.objects.filter(user=user).first()
        return True if choice is None else bool(getattr(choice, what))
