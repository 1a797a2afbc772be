"""API tokens: made (shown once), found by their hash, revoked. A service token's account is
a user of its own, a member of the workspace with the least role its scopes need."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from generation import text
from studio.models import ApiToken, Area, Membership, Role, Scope, TokenKind, Workspace
from studio.team import audit
from studio.team.access import RANK, SCOPE_ROLES

PREFIX = "rr_"
MAX_DAYS = 366
# A token's last use is written at most this often (a busy script does not write on every call).
LAST_USE_EVERY = timedelta(minutes=1)


class TokenError(ValueError):
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class Made:
    token: ApiToken
    key: str  # shown once, never kept


def usable_scopes(role: str) -> list[str]:
    """The scopes a member of this role may put on a personal token."""
    return [s for s in Scope.values if RANK[Role(role)] >= RANK[SCOPE_ROLES[s]]]


def service_role(scopes: list[str]) -> Role:
    return max((SCOPE_ROLES[s] for s in scopes), key=lambda r: RANK[r], default=Role.VIEWER)


def make(
    workspace: Workspace, by, *, name: str, scopes: list[str], days: int, kind: str, role: str
) -> Made:
    """A new token. `role` is the maker's role in the workspace: a personal token may carry
    only scopes that role can use; a service token is an owner's to make."""
    name = text.line(name)[:80]
    scopes = [s for s in Scope.values if s in set(scopes)]
    if not name:
        raise TokenError("Name the token (what uses it).", "name")
    if not scopes:
        raise TokenError("Choose at least one scope.", "scopes")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"A token lasts 1 to {MAX_DAYS} days.", "days")
    if kind == TokenKind.SERVICE and role != Role.OWNER:
        raise TokenError("Only an owner may make a service account's token.", "kind")
    beyond = set(scopes) - set(usable_scopes(role))
    if kind == TokenKind.PERSONAL and beyond:
        raise TokenError(f"Your role cannot use the scope {sorted(beyond)[0]}.", "scopes")
    public = secrets.token_hex(4)
    key = f"{PREFIX}{public}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        user = by if kind == TokenKind.PERSONAL else _service_account(workspace, name, scopes)
        token = ApiToken.objects.create(
            workspace=workspace,
            user=user,
            kind=kind,
            name=name,
            scopes=scopes,
            prefix=f"{PREFIX}{public}",
            key_hash=ApiToken.hash(key),
            created_by=by,
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit.record(
            Area.ACCESS,
            "api_token.created",
            workspace_id=workspace.pk,
            target=f"{token.get_kind_display().lower()} token “{name}” ({token.prefix}…)",
            changes={"scopes": scopes, "days": days},
        )
    return Made(token, key)


def _service_account(workspace: Workspace, name: str, scopes: list[str]):
    username = f"service-{workspace.pk}-{secrets.token_hex(4)}"
    user = get_user_model().objects.create_user(username=username, first_name=name[:150])
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Membership.objects.create(workspace=workspace, user=user, role=service_role(scopes))
    return user


def find(key: str) -> ApiToken | None:
    """The usable token of this key (with its workspace), else None; its last use noted."""
    if not key.startswith(PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("workspace", "user")
        .filter(key_hash=ApiToken.hash(key))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USE_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke(token: ApiToken) -> None:
    with transaction.atomic():
        if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        ):
            return
        if token.kind == TokenKind.SERVICE:  # the account is the token's alone
            Membership.objects.filter(user_id=token.user_id).delete()
            get_user_model().objects.filter(pk=token.user_id).update(is_active=False)
        audit.record(
            Area.ACCESS,
            "api_token.revoked",
            workspace_id=token.workspace_id,
            target=f"token “{token.name}” ({token.prefix}…)",
        )
