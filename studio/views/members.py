from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from studio.access import _get_workspace_for_user, allowed_actions, memberships_for
from studio.forms import AddMemberForm, RoleForm
from studio.models import LastOwnerError, Membership


def _members_page(request, workspace, add_form=None, status=200):
    members = workspace.memberships.select_related("user").order_by("user__username")
    return render(
        request,
        "studio/members.html",
        {
            "workspace": workspace,
            "members": members,
            "add_form": add_form or AddMemberForm(workspace=workspace),
            "perms_": allowed_actions(workspace.my_role),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def member_list(request, slug: str):
    workspace = _get_workspace_for_user(request, slug, "view")
    return _members_page(request, workspace)


@login_required
@require_POST
def member_add(request, slug: str):
    workspace = _get_workspace_for_user(request, slug, "manage_members")
    form = AddMemberForm(request.POST, workspace=workspace)
    if not form.is_valid():
        return _members_page(request, workspace, add_form=form, status=422)
    Membership.objects.create(workspace=workspace, user=form.user, role=form.cleaned_data["role"])
    messages.success(request, f"{form.user.username} joined as {form.cleaned_data['role']}.")
    return redirect("member_list", slug=workspace.slug)


@login_required
@require_POST
def member_role(request, slug: str, membership_id: int):
    workspace = _get_workspace_for_user(request, slug, "manage_members")
    membership = get_object_or_404(workspace.memberships.select_related("user"), pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles offered.")
        return redirect("member_list", slug=workspace.slug)
    try:
        membership.change_role(form.cleaned_data["role"])
    except LastOwnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{membership.user.username} is now {membership.role}.")
    return redirect("member_list", slug=workspace.slug)


@login_required
@require_POST
def member_remove(request, slug: str, membership_id: int):
    workspace = _get_workspace_for_user(request, slug, "manage_members")
    membership = get_object_or_404(workspace.memberships.select_related("user"), pk=membership_id)
    try:
        membership.remove()
    except LastOwnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{membership.user.username} was removed from {workspace}.")
    return redirect("member_list", slug=workspace.slug)


@login_required
@require_POST
def workspace_switch(request):
    try:
        workspace_id = int(request.POST.get("workspace", ""))
    except ValueError:
        raise Http404 from None
    if not any(m.workspace_id == workspace_id for m in memberships_for(request.user)):
        raise Http404
    request.session["workspace_id"] = workspace_id
    return redirect("dashboard")
