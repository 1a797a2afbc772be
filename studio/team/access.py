"""The one place that decides what a role may do, and fetches things for a user.

An outsider (no membership in the thing's workspace) gets 404, never a hint that the thing
exists. A member whose role may read but not do the action gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest

from generation.models import Render
from studio.models import Asset, Campaign, Comment, Membership, Role, ShareLink, Shot, Workspace

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


def require_staff(request: HttpRequest) -> None:
    """The studio's operators (staff accounts) only; for anyone else the page does not exist."""
    if not (request.user.is_active and request.user.is_staff):
        raise Http404


def memberships_for(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("workspace"))


def current_membership(request: HttpRequest) -> Membership | None:
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


def get_workspace_for_user(request: HttpRequest, slug: str, action: str = "view") -> Workspace:
    workspace = (
        Workspace.objects.filter(slug=slug, memberships__user=request.user)
        .annotate(my_role=F("memberships__role"))
        .first()
    )
    require(workspace.my_role if workspace else None, action)
    return workspace


def get_campaign_for_user(request: HttpRequest, campaign_id: int, action: str = "view") -> Campaign:
    campaign = (
        Campaign.objects.filter(pk=campaign_id, workspace__memberships__user=request.user)
        .select_related("workspace")
        .annotate(my_role=F("workspace__memberships__role"))
        .first()
    )
    require(campaign.my_role if campaign else None, action)
    return campaign


def get_shot_for_user(
    request: HttpRequest, campaign_id: int, shot_id: int, action: str = "view"
) -> Shot:
    shot = (
        Shot.objects.filter(
            pk=shot_id,
            campaign_id=campaign_id,
            campaign__workspace__memberships__user=request.user,
        )
        .select_related("campaign__workspace")
        .annotate(my_role=F("campaign__workspace__memberships__role"))
        .first()
    )
    require(shot.my_role if shot else None, action)
    return shot


def get_take_for_user(request: HttpRequest, render_id: int, action: str = "view") -> Render:
    take = (
        Render.objects.filter(
            pk=render_id,
            shot__campaign__workspace__memberships__user=request.user,
            shot__deleted_at__isnull=True,
        )
        .select_related("shot__campaign__workspace")
        .annotate(my_role=F("shot__campaign__workspace__memberships__role"))
        .first()
    )
    require(take.my_role if take else None, action)
    return take


def get_comment_for_user(request: HttpRequest, comment_id: int, action: str) -> Comment:
    comment = (
        Comment.objects.filter(
            pk=comment_id,
            render__shot__campaign__workspace__memberships__user=request.user,
            render__shot__deleted_at__isnull=True,
        )
        .select_related("render")
        .annotate(my_role=F("render__shot__campaign__workspace__memberships__role"))
        .first()
    )
    require(comment.my_role if comment else None, action)
    return comment


def get_asset_for_user(request: HttpRequest, asset_id: int, action: str = "view") -> Asset:
    asset = (
        Asset.objects.filter(pk=asset_id, workspace__memberships__user=request.user)
        .annotate(my_role=F("workspace__memberships__role"))
        .first()
    )
    require(asset.my_role if asset else None, action)
    return asset


def get_current_membership_for(request: HttpRequest, action: str) -> Membership:
    """The user's membership in the workspace they work in, if its role may do `action`."""
    membership = current_membership(request)
    require(membership.role if membership else None, action)
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


def get_take_for_guest(request, token: str, render_id: int) -> tuple[ShareLink, Render]:
    link = get_link_for_guest(token)
    if not link.is_unlocked(request.session):
        raise Http404
    take = link.takes().select_related("shot__campaign").filter(pk=render_id).first()
    if take is None:
        raise Http404
    return link, take
