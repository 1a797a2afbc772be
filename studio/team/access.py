"""The one place that decides what a role may do, and fetches things for a user.

An outsider (no membership in the thing's workspace) gets 404, never a hint that the thing
exists. A member whose role may read but not do the action gets 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest

from studio.models import (
    Asset,
    Campaign,
    Comment,
    Membership,
    Role,
    ShareLink,
    Shot,
    Spot,
    SpotStatus,
    Take,
    Workspace,
    live_take,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    class AuthedRequest(HttpRequest):
        """A request behind login_required: its user is a User, never anonymous."""

        user: User
        _current_membership: Membership | None
        _memberships: list[Membership]
else:
    AuthedRequest = HttpRequest

RANK = {Role.VIEWER: 1, Role.REVIEWER: 2, Role.EDITOR: 3, Role.OWNER: 4}

# action -> the least role that may do it
ACTIONS: dict[str, Role] = {
    "view": Role.VIEWER,
    "comment": Role.REVIEWER,
    "decide": Role.REVIEWER,
    "edit_campaign": Role.EDITOR,
    "edit_shot": Role.EDITOR,
    "generate": Role.EDITOR,
    "choose_hero": Role.EDITOR,
    "view_spend": Role.EDITOR,
    "manage_assets": Role.EDITOR,
    "archive_campaign": Role.OWNER,
    "manage_budget": Role.OWNER,
    "manage_members": Role.OWNER,
    "share": Role.OWNER,
    "read_audit": Role.OWNER,
    "manage_channels": Role.OWNER,
    "manage_api": Role.OWNER,  # service tokens and webhook endpoints (a personal token: anyone)
}

# What each API token scope lets a token do, on top of its member's role (studio.api).
SCOPE_ACTIONS: dict[str, frozenset[str]] = {
    "read": frozenset({"view", "view_spend", "read_audit"}),
    "review": frozenset({"comment", "decide"}),
    "generate": frozenset(
        {"edit_campaign", "edit_shot", "generate", "choose_hero", "manage_assets"}
    ),
    "deliver": frozenset({"share"}),
    "admin": frozenset(
        {"archive_campaign", "manage_budget", "manage_members", "manage_channels", "manage_api"}
    ),
}
# The least role a scope is of use to (a service account gets the highest its scopes need).
SCOPE_ROLES: dict[str, Role] = {
    "read": Role.VIEWER,
    "review": Role.REVIEWER,
    "generate": Role.EDITOR,
    "deliver": Role.EDITOR,
    "admin": Role.OWNER,
}


def can(role: str | None, action: str) -> bool:
    if role is None:
        return False
    return RANK[Role(role)] >= RANK[ACTIONS[action]]


def allowed_actions(role: str | None) -> set[str]:
    """For templates: `{% if "generate" in perms_ %}` shows only what the user may do."""
    return {action for action in ACTIONS if can(role, action)}


def require(role: str | None, action: str) -> None:
    if role is None:
        raise Http404
    if not can(role, action):
        raise PermissionDenied(f"Your role may not {action.replace('_', ' ')}.")


def require_staff(request: AuthedRequest) -> None:
    """The studio's operators (staff accounts) only; for anyone else the page does not exist."""
    if not (request.user.is_active and request.user.is_staff):
        raise Http404


def memberships_for(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("workspace"))


def current_membership(request: AuthedRequest) -> Membership | None:
    """The workspace the user is working in: the one chosen with the switcher, else the first."""
    if hasattr(request, "_current_membership"):
        return request._current_membership
    memberships = memberships_for(request.user)
    chosen = request.session.get("workspace_id") if hasattr(request, "session") else None
    current = next((m for m in memberships if m.workspace_id == chosen), None)
    if current is None and memberships:
        current = memberships[0]
    request._current_membership = current
    request._memberships = memberships
    return current


def _theirs(request: AuthedRequest, queryset: QuerySet[Any], to_workspace: str) -> QuerySet[Any]:
    """The rows of the workspaces the viewer belongs to; through an API token, of the token's
    workspace only (a token of one workspace finds nothing of another: 404)."""
    prefix = f"{to_workspace}__" if to_workspace else ""
    rows = queryset.filter(**{f"{prefix}memberships__user": request.user})
    token = getattr(request, "api_token", None)
    if token is not None:
        rows = rows.filter(**{f"{prefix}pk": token.workspace_id})
    return rows


def _with_role(queryset: QuerySet[Any], path: str) -> QuerySet[Any]:
    """The rows with the viewer's role in their workspace as `my_role` (the membership that
    the filter on the viewer joined)."""
    return queryset.annotate(my_role=F(path))


def _allowed(found: Any, action: str) -> Any:
    """The row fetched with the viewer's role (`my_role`), if that role may do `action`: 404
    when nothing was found (an outsider), 403 for a role that may not."""
    require(found.my_role if found is not None else None, action)
    return found


def get_workspace_for_user(request: AuthedRequest, slug: str, action: str = "view") -> Workspace:
    workspace = _theirs(request, Workspace.objects.filter(slug=slug), "")
    return _allowed(_with_role(workspace, "memberships__role").first(), action)


def get_campaign_for_user(
    request: AuthedRequest, campaign_id: int, action: str = "view"
) -> Campaign:
    campaign = _theirs(
        request, Campaign.objects.filter(pk=campaign_id), "workspace"
    ).select_related("workspace")
    return _allowed(_with_role(campaign, "workspace__memberships__role").first(), action)


def get_shot_for_user(
    request: AuthedRequest, campaign_id: int, shot_id: int, action: str = "view"
) -> Shot:
    shot = _theirs(
        request, Shot.objects.filter(pk=shot_id, campaign_id=campaign_id), "campaign__workspace"
    ).select_related("campaign__workspace")
    return _allowed(_with_role(shot, "campaign__workspace__memberships__role").first(), action)


def get_take_for_user(
    request: AuthedRequest, render_id: int, action: str = "view", **annotations: Any
) -> Take:
    """The take, if the viewer may do `action` on it; `annotations` are read with it (the
    take page's neighbours, in the same query)."""
    take = (
        _theirs(request, Take.objects.live().filter(pk=render_id), "shot__campaign__workspace")
        .select_related("shot__campaign__workspace")
        .annotate(**annotations)
    )
    return _allowed(
        _with_role(take, "shot__campaign__workspace__memberships__role").first(), action
    )


def get_takes_for_user(request: AuthedRequest, render_ids, action: str) -> list[Take]:
    """Several takes at once (a selection): every one must be the viewer's to act on, else 404
    (one of them is unknown or an outsider's) or 403 (their role may not), and nothing is done."""
    ids = {pk for pk in render_ids if pk is not None}
    takes = list(
        _with_role(
            _theirs(
                request, Take.objects.live().filter(pk__in=ids), "shot__campaign__workspace"
            ).select_related("shot__campaign", "created_by"),
            "shot__campaign__workspace__memberships__role",
        )
    )
    if not ids or len(takes) != len(ids):
        raise Http404
    for take in takes:
        _allowed(take, action)
    return takes


def get_comment_for_user(request: AuthedRequest, comment_id: int, action: str) -> Comment:
    comment = _theirs(
        request,
        Comment.objects.filter(live_take("render"), pk=comment_id),
        "render__shot__campaign__workspace",
    ).select_related("render")
    return _allowed(
        _with_role(comment, "render__shot__campaign__workspace__memberships__role").first(), action
    )


def get_asset_for_user(request: AuthedRequest, asset_id: int, action: str = "view") -> Asset:
    asset = _theirs(request, Asset.objects.filter(pk=asset_id), "workspace")
    return _allowed(_with_role(asset, "workspace__memberships__role").first(), action)


def get_current_membership_for(request: AuthedRequest, action: str) -> Membership:
    """The user's membership in the workspace they work in, if its role may do `action`."""
    membership = current_membership(request)
    require(membership.role if membership else None, action)
    assert membership is not None  # require() refused a missing one
    return membership


# --------------------------------------------------------------------------- guests


class LinkUnavailable(Exception):
    """An unknown (404), expired or revoked (410) guest link."""

    def __init__(self, status: int):
        self.status = status


def get_link_for_guest(token: str) -> ShareLink:
    """The usable link. Unknown tokens are not counted (see studio/throttle.py)."""
    link = ShareLink.find(token)
    if link is None:
        raise LinkUnavailable(
            410 if ShareLink.objects.filter(token_hash=ShareLink.hash(token)).exists() else 404
        )
    return link


def get_spot_for_guest(request, token: str, spot_id: int) -> tuple[ShareLink, Spot]:
    """A finished spot of a campaign link's campaign (a shot's link shows no spots)."""
    link = get_link_for_guest(token)
    if not link.is_unlocked(request.session) or link.shot_id:
        raise Http404
    spot = (
        Spot.objects.filter(pk=spot_id, campaign_id=link.campaign_id, status=SpotStatus.COMPLETED)
        .select_related("format", "campaign")
        .first()
    )
    if spot is None or (link.market_id and spot.market_id != link.market_id):
        raise Http404  # a market's link opens that market's versions only
    return link, spot


def get_take_for_guest(request, token: str, render_id: int) -> tuple[ShareLink, Take]:
    link = get_link_for_guest(token)
    if not link.is_unlocked(request.session):
        raise Http404
    take = link.takes().select_related("shot__campaign").filter(pk=render_id).first()
    if take is None:
        raise Http404
    return link, take
