from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from studio.models import Area, Shot
from studio.shots.forms import ShotForm
from studio.team import audit
from studio.team.access import allowed_actions, get_campaign_for_user, get_shot_for_user
from studio.views import AuthedHtmxRequest, render_page
from studio.views.campaigns import board_context


def _board_or_redirect(
    request: AuthedHtmxRequest, campaign, add_form=None, status=200, through: int = 0
):
    if request.htmx:
        context = board_context(campaign, add_form, through=through)
        return render(request, "studio/board.html#shots", context, status=status)
    if add_form is not None and status != 200:
        return render(
            request, "studio/board.html", board_context(campaign, add_form), status=status
        )
    return redirect(campaign)


@login_required
@require_POST
def shot_create(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "edit_shot")
    form = ShotForm(request.POST)
    if not form.is_valid():
        return _board_or_redirect(request, campaign, add_form=form, status=422)
    shot = form.save(commit=False)
    shot.size = campaign.size_for(shot.model_key) or shot.size
    Shot.add(campaign, shot)
    return _board_or_redirect(request, campaign)


@login_required
@require_http_methods(["GET", "POST"])
def shot_edit(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form = ShotForm(request.POST or None, instance=shot)
    if request.method == "POST" and form.is_valid():
        form.save()
        if request.htmx:
            return render(
                request,
                "studio/board.html#shot-row",
                {"shot": shot, "campaign": shot.campaign, "perms_": allowed_actions(shot.my_role)},
            )
        messages.success(request, "Shot saved.")
        return redirect(shot)
    context = {"shot": shot, "campaign": shot.campaign, "form": form}
    status = 422 if request.method == "POST" else 200
    return render_page(
        request, "studio/shot_edit.html", context, partial="shot-edit-form", status=status
    )


@login_required
@require_POST
def shot_delete(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    campaign = shot.campaign
    campaign.my_role = shot.my_role
    removed = shot.remove(request.user)
    audit.record(
        Area.DELETIONS,
        "shot.deleted",
        workspace_id=campaign.workspace_id,
        target=f"shot “{shot.title}” of “{campaign.name}”",
        changes={"takes kept": removed.takes},
    )
    if not request.htmx:
        messages.success(request, removed.message(shot.title))
    return _board_or_redirect(request, campaign)


@login_required
@require_POST
def shot_move(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        return HttpResponseBadRequest("direction must be up or down")
    shot.move(direction)
    campaign = shot.campaign
    campaign.my_role = shot.my_role
    return _board_or_redirect(request, campaign, through=shot.position + 1)
