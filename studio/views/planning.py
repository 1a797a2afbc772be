"""From brief to shot plan: "Plan shots" drafts the campaign's shots from its brief, sized to a
running time on one model; the person edits the draft (any field, remove, reorder, add a row,
draft one row again), then "Create shots" makes them all, or "Create and generate all" also
queues a take of each under the hard budget. Nothing is saved until then: the draft lives in
the form, so a refused step loses nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from studio.shots import llm_planning
from studio.shots import plan_page as plans
from studio.shots.plan_forms import PlanRows, PlanSettingsForm
from studio.team.access import allowed_actions, get_campaign_for_user
from studio.views import AuthedHtmxRequest
from studio.views.shot_page import page_batch_key

PAGE = "studio/plan.html"


@login_required
@require_http_methods(["GET", "POST"])
def plan_page(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "edit_shot")
    llm = llm_planning.configured()
    initial = {"brief": campaign.brief, "product": plans.product_of(campaign)}
    settings = PlanSettingsForm(request.POST or None, initial=initial, llm=llm)
    perms = allowed_actions(campaign.my_role)
    context: dict = {"campaign": campaign, "settings": settings, "rows": None, "perms_": perms}
    if request.method == "GET":
        return render(request, PAGE, context)
    if not settings.is_valid():
        return render(request, PAGE, context, status=422)
    use_llm = llm and settings.cleaned_data.get("planner") != "builtin"
    setup = plans.Setup.of(campaign, settings.cleaned_data, use_llm)
    context.update(model=setup.model, formats=setup.formats, batch_key=page_batch_key(request))
    if setup.formats.size is None:  # a model of no sizes: nothing to plan at
        return render(request, PAGE, context, status=422)
    op = request.POST.get("op", "draft")
    if op == "draft" or (op == "keep" and "row-TOTAL_FORMS" not in request.POST):
        return _shown(request, context, plans.draft(setup))
    rows = context["rows"] = PlanRows(request.POST, prefix="row")
    if not rows.is_valid():
        return render(request, PAGE, context, status=422)
    if op in ("add", "keep") or op.startswith("replan-"):
        return _shown(request, context, plans.edit(setup, rows, op))
    if op not in ("create", "generate") or (op == "generate" and "generate" not in perms):
        return render(request, PAGE, context, status=400)
    made = plans.make(setup, rows, request.user, context["batch_key"], op == "generate")
    if made.shots or made.already_made:
        return _said(request, campaign, made)
    return _shown(request, context, made)


def _shown(request, context: dict, outcome: plans.Outcome):
    if outcome.rows is not None:
        context["rows"] = outcome.rows
    context.update(totals=outcome.totals, plan_error=outcome.error)
    return render(request, PAGE, context, status=outcome.status)


def _said(request, campaign, made: plans.Outcome):
    """Back to the board, saying what was made and queued (or that it already was)."""
    if made.already_made:
        messages.info(request, "These shots were already created from this plan.")
        return redirect(campaign)
    count = len(made.shots)
    messages.success(request, f"{count} shot{'s' if count != 1 else ''} created.")
    if made.queued:
        queued = len(made.queued)
        said = f"{queued} take{'s' if queued != 1 else ''} queued."
        messages.success(request, said, extra_tags="while-working")
    for title, why in made.refused:
        messages.warning(request, f"Not queued: {title}: {why}")
    return redirect(campaign)
