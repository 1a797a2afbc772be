from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from studio.models import Area, Invitation, InvitationUsed, LastOwnerError
from studio.review import approvers, notifications
from studio.team import audit
from studio.team.access import allowed_actions, get_workspace_for_user, memberships_for
from studio.team.forms import InviteForm, RoleForm, SignupForm
from studio.views import AuthedHtmxRequest, HtmxRequest, parse_id


def _members_page(request: AuthedHtmxRequest, workspace, add_form=None, status=200):
    members = workspace.memberships.select_related("user").order_by("user__username")
    perms = allowed_actions(workspace.my_role)
    return render(
        request,
        "studio/members.html",
        {
            "workspace": workspace,
            "members": members,
            "invitations": Invitation.pending().filter(workspace=workspace)
            if "manage_members" in perms
            else [],
            "add_form": add_form or InviteForm(workspace=workspace),
            "perms_": perms,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def member_list(request: AuthedHtmxRequest, slug: str):
    workspace = get_workspace_for_user(request, slug, "view")
    return _members_page(request, workspace)


@login_required
@require_POST
def member_add(request: AuthedHtmxRequest, slug: str):
    """Invite a person by e-mail: they become a member when they accept."""
    workspace = get_workspace_for_user(request, slug, "manage_members")
    form = InviteForm(request.POST, workspace=workspace)
    if not form.is_valid():
        return _members_page(request, workspace, add_form=form, status=422)
    invitation = Invitation.open(
        workspace, form.cleaned_data["email"], form.cleaned_data["role"], request.user
    )
    notifications.enqueue("send_invitation", invitation.pk)
    messages.success(
        request,
        f"Invitation sent to {invitation.email}. They join as {invitation.role} when they "
        f"accept it (within {(invitation.expires_at - invitation.created_at).days} days).",
    )
    return redirect("studio:member_list", slug=workspace.slug)


@login_required
@require_POST
def invitation_cancel(request: AuthedHtmxRequest, slug: str, invitation_id: int):
    workspace = get_workspace_for_user(request, slug, "manage_members")
    invitation = get_object_or_404(
        Invitation.pending().filter(workspace=workspace), pk=invitation_id
    )
    invitation.cancel()
    audit.record(
        Area.ACCESS, "invitation.cancelled", workspace_id=workspace.pk, target=invitation.email
    )
    messages.success(request, f"The invitation to {invitation.email} was cancelled.")
    return redirect("studio:member_list", slug=workspace.slug)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HtmxRequest, token: str):
    """The link in the invitation e-mail: join with the account you are logged in with, or
    make one. Unknown, used, cancelled and expired invitations are all 404."""
    invitation = Invitation.find(token)
    if invitation is None:
        raise Http404
    # In SSO-only mode nobody makes a password account: they sign in with the provider first.
    sso_only = settings.STUDIO_SSO_ONLY and not request.user.is_authenticated
    signup = None if request.user.is_authenticated or sso_only else SignupForm(request.POST or None)
    if request.method == "POST" and not sso_only and (signup is None or signup.is_valid()):
        joining = signup.save(commit=False) if signup is not None else None
        if joining is not None:
            joining.email = invitation.email
            joining.save()
        try:
            invitation.accept(joining or request.user)
        except InvitationUsed as error:
            raise Http404 from error
        if joining is not None:
            login(request, joining, backend="django.contrib.auth.backends.ModelBackend")
        request.session["workspace_id"] = invitation.workspace_id
        messages.success(request, f"Welcome to {invitation.workspace.name}.")
        return redirect("studio:dashboard")
    return render(
        request,
        "studio/invitation.html",
        {"invitation": invitation, "signup": signup, "sso_only": sso_only},
        status=422
        if signup is not None and signup.errors
        else 403
        if sso_only and request.POST
        else 200,
    )


def _signoff(campaign_ids: list[int]) -> str:
    if not campaign_ids:
        return ""
    many = f"{len(campaign_ids)} campaigns" if len(campaign_ids) > 1 else "1 campaign"
    return f" Their approvals no longer count ({many} updated)."


@login_required
@require_POST
def member_role(request: AuthedHtmxRequest, slug: str, membership_id: int):
    workspace = get_workspace_for_user(request, slug, "manage_members")
    membership = get_object_or_404(workspace.memberships.select_related("user"), pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles offered.")
        return redirect("studio:member_list", slug=workspace.slug)
    try:
        changed = approvers.change_role(membership, form.cleaned_data["role"])
    except LastOwnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"{membership.user.username} is now {membership.role}." + _signoff(changed)
        )
    return redirect("studio:member_list", slug=workspace.slug)


@login_required
@require_POST
def member_remove(request: AuthedHtmxRequest, slug: str, membership_id: int):
    workspace = get_workspace_for_user(request, slug, "manage_members")
    membership = get_object_or_404(workspace.memberships.select_related("user"), pk=membership_id)
    try:
        changed = approvers.remove_member(membership)
    except LastOwnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{membership.user.username} was removed from {workspace}." + _signoff(changed),
        )
    return redirect("studio:member_list", slug=workspace.slug)


@login_required
@require_POST
def workspace_switch(request: AuthedHtmxRequest):
    workspace_id = parse_id(request.POST.get("workspace"))
    if not any(m.workspace_id == workspace_id for m in memberships_for(request.user)):
        raise Http404
    request.session["workspace_id"] = workspace_id
    return redirect("studio:dashboard")
