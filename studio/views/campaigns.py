from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from studio.models import Campaign, CampaignStatus, ShotStatus
from studio.production import deliverables
from studio.production.forms import CampaignForm
from studio.review.states import campaign_states
from studio.shots.forms import ShotForm
from studio.team.access import (
    allowed_actions,
    current_membership,
    get_campaign_for_user,
    get_current_membership_for,
)
from studio.views import AuthedHtmxRequest, parse_id, render_page

DASHBOARD_PAGE = 15  # campaigns a page of the dashboard shows, the newest first


@login_required
@require_http_methods(["GET"])
def dashboard(request: AuthedHtmxRequest):
    membership = current_membership(request)
    if membership is None:
        return render(request, "studio/no_workspace.html")
    show_archived = request.GET.get("archived") == "1"
    campaigns = Campaign.objects.filter(workspace_id=membership.workspace_id).for_dashboard()
    campaigns = (
        campaigns.filter(status=CampaignStatus.ARCHIVED) if show_archived else campaigns.active()
    )
    page = Paginator(campaigns, DASHBOARD_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "studio/dashboard.html",
        {
            "campaigns": page.object_list,
            "page": page,
            "show_archived": show_archived,
            "perms_": allowed_actions(membership.role),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthedHtmxRequest):
    membership = get_current_membership_for(request, "edit_campaign")
    can_budget = "manage_budget" in allowed_actions(membership.role)
    form = CampaignForm(
        request.POST or None, workspace_id=membership.workspace_id, can_manage_budget=can_budget
    )
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.workspace_id = membership.workspace_id
        campaign.created_by = request.user
        campaign.save()
        form.save_m2m()
        deliverables.set_aspects(
            campaign, form.cleaned_data["target_formats"], form.cleaned_data["channels"]
        )
        messages.success(request, f"Campaign “{campaign.name}” created.")
        return redirect(campaign)
    return render(request, "studio/campaign_form.html", {"form": form, "campaign": None})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "edit_campaign")
    can_budget = "manage_budget" in allowed_actions(campaign.my_role)
    form = CampaignForm(
        request.POST or None,
        instance=campaign,
        workspace_id=campaign.workspace_id,
        can_manage_budget=can_budget,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        deliverables.set_aspects(
            campaign, form.cleaned_data["target_formats"], form.cleaned_data["channels"]
        )
        messages.success(request, "Campaign saved.")
        return redirect(campaign)
    return render(request, "studio/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
@require_POST
def campaign_archive(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "archive_campaign")
    if campaign.is_archived:
        campaign.status = CampaignStatus.PLANNING
        campaign.save(update_fields=["status", "updated_at"])
        messages.success(request, f"“{campaign.name}” is back on the dashboard.")
        return redirect(campaign)
    campaign.archive()
    messages.success(request, f"“{campaign.name}” archived. Find it under Archived.")
    return redirect("studio:dashboard")


@login_required
@require_http_methods(["GET"])
def campaign_board(request: AuthedHtmxRequest, campaign_id: int):
    """The board, a page of shots at a time: the next page comes as the list's end scrolls into
    view (`?after=<position>`; a plain link without JavaScript)."""
    campaign = get_campaign_for_user(request, campaign_id, "view")
    if "refresh" in request.GET:  # the page's poll of its shots in flight
        ids = [parse_id(v) for v in request.GET["refresh"].split(",")[:BOARD_PAGE]]
        return render(request, "studio/board.html#board-refresh", refresh_context(campaign, ids))
    after = parse_id(request.GET.get("after")) or 0
    context = board_context(campaign, after=after)
    if after and request.htmx:
        return render(request, "studio/board.html#shot-page", context)
    return render_page(request, "studio/board.html", context, partial="shots")


BOARD_PAGE = 100  # shots a page of the board shows


def board_context(
    campaign: Campaign, add_form: ShotForm | None = None, after: int = 0, through: int = 0
) -> dict:
    """The shots after position `after`, BOARD_PAGE of them (or as many as reach position
    `through`: a shot just moved stays in view), with their states; queries constant."""
    limit = max(BOARD_PAGE, through - after)
    shots = list(campaign.shots.filter(position__gt=after).order_by("position")[: limit + 1])
    more, shots = len(shots) > limit, shots[:limit]
    states = campaign_states(campaign, shots)
    return {
        "campaign": campaign,
        "shots": shots,
        "shot_count": campaign.shots.count() if more or after else len(shots),
        "after": after,
        "more_after": shots[-1].position if more else None,
        "states": states,
        "in_flight": _in_flight(shots, states),
        "add_form": add_form or ShotForm(),
        "perms_": allowed_actions(campaign.my_role),
    }


def refresh_context(campaign: Campaign, ids: list[int | None]) -> dict:
    """The rows of the shots a board polls for (those it showed in flight), as they are now;
    queries constant."""
    shots = list(campaign.shots.filter(pk__in=[i for i in ids if i]).order_by("position"))
    states = campaign_states(campaign, shots)
    return {
        "campaign": campaign,
        "shots": shots,
        "states": states,
        "in_flight": _in_flight(shots, states),
        "perms_": allowed_actions(campaign.my_role),
    }


def _in_flight(shots, states) -> list[int]:
    return [s.pk for s in shots if states[s.pk].status == ShotStatus.GENERATING]
