"""From brief to shot plan: "Plan shots" drafts the campaign's shots from its brief, sized to a
running time on one model; the person edits the draft (any field, remove, reorder, add a row,
draft one row again), then "Create shots" makes them all, or "Create and generate all" also
queues a take of each under the hard budget. Nothing is saved until then: the draft lives in
the form, so a refused step loses nothing."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from generation import budget, catalog
from studio.shots import llm_planning, planning
from studio.shots.plan_forms import PlanRows, PlanSettingsForm, row_initial
from studio.team.access import allowed_actions, get_campaign_for_user
from studio.views import AuthedHtmxRequest

PAGE = "studio/plan.html"


def _size(campaign, model_key: str) -> str:
    model = catalog.require(model_key)
    return campaign.size_for(model_key) or model.sizes[0]


def _drafts(rows) -> list[planning.ShotDraft]:
    """The rows kept, in the order the person gave them."""
    kept = [form for form in rows.ordered_forms if not form.cleaned_data.get("DELETE")]
    return [
        planning.ShotDraft("", f.cleaned_data["title"], f.cleaned_data["seconds"], f.prompt())
        for f in kept
    ]


def _checked(rows, model, size: str, brand) -> bool:
    """Every kept row can be generated as it is; each row's problems are said on it."""
    fine = True
    for form in rows.ordered_forms:
        if form.cleaned_data.get("DELETE"):
            continue
        data = form.cleaned_data
        draft = planning.ShotDraft("", data["title"], data["seconds"], form.prompt())
        for problem in planning.problems(draft, model, size, brand):
            form.add_error(None, problem)
            fine = False
    return fine


def _totals(campaign, drafts, model_key: str, size: str) -> dict:
    costs = [budget.estimate(model_key, size, d.seconds) for d in drafts]
    known = [c for c in costs if c is not None]
    committed = budget.committed(campaign.pk) if campaign.budget is not None else Decimal("0")
    return {
        "seconds": sum(d.seconds for d in drafts),
        "cost": sum(known, Decimal("0")) if len(known) == len(costs) else None,
        "budget": campaign.budget,
        "remaining": campaign.budget - committed if campaign.budget is not None else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_page(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "edit_shot")
    perms = allowed_actions(campaign.my_role)
    llm = llm_planning.configured()
    settings = PlanSettingsForm(request.POST or None, initial={"brief": campaign.brief}, llm=llm)
    context = {"campaign": campaign, "settings": settings, "perms_": perms, "rows": None}
    if request.method == "GET":
        return render(request, PAGE, context)
    if not settings.is_valid():
        return render(request, PAGE, context, status=422)
    brief, target = settings.cleaned_data["brief"], settings.cleaned_data["target"]
    model_key = settings.cleaned_data["model_key"]
    model, size, brand = (
        catalog.require(model_key),
        _size(campaign, model_key),
        campaign.brand_kit(),
    )
    op = request.POST.get("op", "draft")
    if op == "keep" and "row-TOTAL_FORMS" not in request.POST:
        op = "draft"  # Enter in the settings before there is a plan: draft it
    context.update(model=model, size=size, batch_key=request.POST.get("batch_key") or uuid.uuid4())
    if op == "draft":
        if llm and settings.cleaned_data.get("planner", "llm") != "builtin":
            try:
                plan = llm_planning.plan_shots(brief, target, model_key, size, brand, campaign.name)
            except llm_planning.PlanningError as error:
                context["plan_error"] = str(error)
                return render(request, PAGE, context, status=422)
        else:
            plan = planning.plan_shots(brief, target, model_key, size, brand, campaign.name)
        rows = PlanRows(initial=[row_initial(d) for d in plan.shots], prefix="row")
        context.update(rows=rows, totals=_totals(campaign, plan.shots, model_key, size))
        return render(request, PAGE, context)
    rows = PlanRows(request.POST, prefix="row")
    context["rows"] = rows
    if not rows.is_valid():
        return render(request, PAGE, context, status=422)
    drafts = _drafts(rows)
    if op in ("add", "keep") or op.startswith("replan-"):
        plan = planning.plan_shots(brief, target, model_key, size, brand, campaign.name)
        if op == "add":
            extra = planning.draft_one(plan, min(len(plan.shots) - 1, 2), brand)
            drafts.insert(max(0, len(drafts) - 1), extra)  # before the call to action
        elif op.startswith("replan-"):
            index = int(op.removeprefix("replan-")) if op.removeprefix("replan-").isdigit() else -1
            if 0 <= index < len(drafts):
                redo = planning.draft_one(plan, min(index, len(plan.shots) - 1), brand)
                redo.seconds = drafts[index].seconds
                drafts[index] = redo
        drafts = drafts[: planning.MAX_SHOTS]
        rows = PlanRows(initial=[row_initial(d) for d in drafts], prefix="row")
        context.update(rows=rows, totals=_totals(campaign, drafts, model_key, size))
        return render(request, PAGE, context)
    if op not in ("create", "generate") or (op == "generate" and "generate" not in perms):
        return render(request, PAGE, context, status=400)
    context["totals"] = _totals(campaign, drafts, model_key, size)
    if not drafts:
        context["plan_error"] = "The plan has no shots left: draft it again or add a row."
        return render(request, PAGE, context, status=422)
    if not _checked(rows, model, size, brand):
        context["plan_error"] = "Some rows cannot be generated as they are: see each row."
        return render(request, PAGE, context, status=422)
    sent = str(context["batch_key"])
    key = uuid.UUID(sent) if _is_uuid(sent) else uuid.uuid4()
    # The same form sent twice (a double click, a reload) makes the shots once.
    if not cache.add(f"plan-created:{campaign.pk}:{key}", True, timeout=24 * 3600):
        messages.info(request, "These shots were already created from this plan.")
        return redirect(campaign)
    shots = planning.create_shots(campaign, request.user, drafts, model_key, size)
    messages.success(request, f"{len(shots)} shot{'s' if len(shots) != 1 else ''} created.")
    if op == "generate":
        key = (
            uuid.UUID(str(context["batch_key"])) if _is_uuid(context["batch_key"]) else uuid.uuid4()
        )
        queued, refused = planning.generate_all(shots, request.user, key)
        if queued:
            count = len(queued)
            messages.success(
                request,
                f"{count} take{'s' if count != 1 else ''} queued.",
                extra_tags="while-working",
            )
        for title, why in refused:
            messages.warning(request, f"Not queued: {title}: {why}")
    return redirect(campaign)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
