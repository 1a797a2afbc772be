"""The deliverables grid (shots × formats), the campaign's formats, and "generate missing
formats": the plan with sizes, prices and the budget check first, then the takes."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from generation import channels
from studio.models import TARGET_FORMATS
from studio.production import deliverables
from studio.team.access import allowed_actions, get_campaign_for_user
from studio.views import AuthedHtmxRequest, parse_id, render_page

PAGE = "studio/deliverables.html"
PLAN_CHANGED = (
    "The plan changed since you looked at it (a take finished or failed, someone queued takes, "
    "or the budget moved). Nothing was queued: here is the plan as it is now."
)


def _context(request: AuthedHtmxRequest, campaign, **extra) -> dict:
    page = parse_id(request.GET.get("page")) or 1
    the_grid = deliverables.grid(campaign, request.user, page=page)
    perms = allowed_actions(campaign.my_role)
    return {
        "campaign": campaign,
        "grid": the_grid,
        "page": the_grid.page,
        "counts": the_grid.counts(),
        "aspects": TARGET_FORMATS,
        "channel_choices": channels.CHOICES,
        "perms_": perms,
        "can_decide": "decide" in perms,
        "decidable": any(cell.poster for cell in the_grid.cells),
        **extra,
    }


@login_required
@require_GET
def grid_page(request: AuthedHtmxRequest, campaign_id: int):
    """The grid; htmx asks for the grid alone while takes are in flight (it stops polling when
    nothing is)."""
    campaign = get_campaign_for_user(request, campaign_id, "view")
    return render_page(request, PAGE, _context(request, campaign), partial="grid")


@login_required
@require_http_methods(["GET", "POST"])
def missing(request: AuthedHtmxRequest, campaign_id: int):
    """GET: what "generate missing formats" would queue, priced. POST: queue it."""
    campaign = get_campaign_for_user(request, campaign_id, "generate")
    if request.method == "GET":
        plan = deliverables.plan_missing(campaign)
        context = _context(request, campaign, plan=plan, batch_key=uuid.uuid4())
        return render_page(request, PAGE, context, partial="plan")
    try:
        batch_key = uuid.UUID(request.POST.get("batch_key", ""))
    except ValueError:
        messages.error(request, "This form is out of date. Look at the plan again.")
        return redirect("studio:deliverables", campaign.pk)
    result = deliverables.generate_missing(
        campaign, request.user, batch_key, request.POST.get("signature", "")
    )
    if result.changed is not None:
        context = _context(
            request,
            campaign,
            plan=result.changed,
            batch_key=uuid.uuid4(),
            plan_changed=PLAN_CHANGED,
        )
        return render_page(request, PAGE, context, partial="plan", status=409)
    if result.queued:
        count = len(result.queued)
        messages.success(
            request, f"{count} take{'s' if count != 1 else ''} queued.", extra_tags="while-working"
        )
    for planned, reason in result.skipped:
        messages.warning(request, f"Not queued: {planned.shot.title} at {planned.size}: {reason}")
    if not result.queued and not result.skipped:
        messages.info(request, "Nothing is missing: every cell has a take or one on its way.")
    return redirect("studio:deliverables", campaign.pk)


@login_required
@require_POST
def format_add(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "edit_campaign")
    name, aspect = request.POST.get("name", ""), request.POST.get("aspect", "")
    channel = request.POST.get("channel", "custom")
    try:
        fmt = deliverables.add_format(campaign, name, aspect, channel)
    except ValueError as error:
        context = _context(
            request, campaign, format_error=str(error), format_name=name, format_aspect=aspect,
            format_channel=channel,
        )  # fmt: skip
        return render_page(request, PAGE, context, partial="formats", status=422)
    messages.success(request, f"Format “{fmt.name}” added.")
    if request.htmx:
        return render_page(request, PAGE, _context(request, campaign), partial="formats")
    return redirect("studio:deliverables", campaign.pk)


@login_required
@require_POST
def format_remove(request: AuthedHtmxRequest, campaign_id: int, format_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "edit_campaign")
    fmt = campaign.formats.filter(pk=format_id).first()
    if fmt is None:
        raise Http404
    fmt.delete()
    messages.success(request, f"Format “{fmt.name}” removed; its takes are kept.")
    return redirect("studio:deliverables", campaign.pk)


@login_required
@require_POST
def format_label(request: AuthedHtmxRequest, campaign_id: int, format_id: int):
    """The visible "AI-generated" label on or off for the files delivered in a format (the
    labelled copies are made in the queue; the delivery page waits for them)."""
    campaign = get_campaign_for_user(request, campaign_id, "edit_campaign")
    fmt = campaign.formats.filter(pk=format_id).first()
    if fmt is None:
        raise Http404
    fmt.ai_label = request.POST.get("label") == "on"
    fmt.save(update_fields=["ai_label"])
    said = "burned into" if fmt.ai_label else "no longer burned into"
    messages.success(request, f"The “AI-generated” label is {said} the files of “{fmt.name}”.")
    return redirect("studio:deliverables", campaign.pk)
