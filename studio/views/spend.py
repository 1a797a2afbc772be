"""Spend pages: a workspace's and a campaign's, with a CSV of every take for accounting."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from studio.models import Take
from studio.production import spend, spend_csv
from studio.team import audit
from studio.team.access import allowed_actions, get_campaign_for_user, get_workspace_for_user
from studio.views import AuthedHtmxRequest


def _page(request: AuthedHtmxRequest, takes, context: dict, name: str, compute):
    if request.GET.get("format") == "csv":
        where = context.get("workspace") or context["campaign"].workspace
        audit.exported(where.pk, f"spend of “{name}” (CSV)")
        response = StreamingHttpResponse(spend_csv.csv_rows(takes), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{slugify(name)}-spend.csv"'
        return response
    figures = compute()
    return render(
        request, "studio/spend.html", {**context, "spend": figures, "bars": figures.chart()}
    )


@login_required
@require_GET
def workspace_spend(request: AuthedHtmxRequest, slug: str):
    workspace = get_workspace_for_user(request, slug, "view_spend")
    takes = Take.objects.filter(shot__campaign__workspace=workspace)
    context = {"workspace": workspace, "perms_": allowed_actions(workspace.my_role)}
    return _page(request, takes, context, workspace.name, lambda: spend.workspace_spend(workspace))


@login_required
@require_GET
def campaign_spend(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "view_spend")
    takes = Take.objects.filter(shot__campaign=campaign)
    context = {"campaign": campaign, "perms_": allowed_actions(campaign.my_role)}
    return _page(request, takes, context, campaign.name, lambda: spend.spend(campaign))
