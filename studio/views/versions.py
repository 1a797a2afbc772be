"""A shot's prompt history (versions: list, compare, restore) and templates (apply, save)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from studio.models import PromptTemplate
from studio.shots.editor_forms import SaveTemplateForm
from studio.team.access import allowed_actions, get_shot_for_user
from studio.views import AuthedHtmxRequest


@login_required
@require_GET
def version_list(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "view")
    context = {
        "shot": shot,
        "campaign": shot.campaign,
        "versions": shot.versions.select_related("author"),
        "perms_": allowed_actions(shot.my_role),
    }
    return render(request, "studio/versions.html", context)


@login_required
@require_GET
def version_compare(request: AuthedHtmxRequest, campaign_id: int, shot_id: int, number: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "view")
    version = get_object_or_404(shot.versions, number=number)
    diff, settings_changes = version.diff(shot)
    context = {
        "shot": shot,
        "campaign": shot.campaign,
        "version": version,
        "diff": diff,
        "settings_changes": settings_changes,
        "perms_": allowed_actions(shot.my_role),
    }
    return render(request, "studio/version_compare.html", context)


@login_required
@require_POST
def version_restore(request: AuthedHtmxRequest, campaign_id: int, shot_id: int, number: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    version = get_object_or_404(shot.versions, number=number)
    new = shot.replace_prompt(
        request.user, version.__dict__, note=f"Restored from version {version.number}"
    )
    messages.success(
        request,
        f"Version {version.number} restored" + (f" as version {new.number}." if new else "."),
    )
    return redirect(shot)


@login_required
@require_POST
def template_apply(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    """Start the shot from a seed example or a workspace template (the old prompt is kept in
    the history)."""
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    label = shot.apply_template(request.user, request.POST.get("template", ""))
    if label is None:
        raise Http404
    messages.success(request, f"Started from “{label}”. The previous prompt is in the history.")
    return redirect(shot)


@login_required
@require_POST
def template_save(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form = SaveTemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the template a name.")
        return redirect(shot)
    PromptTemplate.save_from(shot, form.cleaned_data["name"], request.user)
    messages.success(request, f"Saved as the template “{form.cleaned_data['name']}”.")
    return redirect(shot)
