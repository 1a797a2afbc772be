"""From brief to shot plan: "Plan shots" drafts the campaign's shots from its brief, sized to a
running time on one model; the person edits the draft (any field, remove, reorder, add a row,
draft one row again), then "Create shots" makes them all, or "Create and generate all" also
queues a take of each under the hard budget. Nothing is saved until then: the draft lives in
the form, so a refused step loses nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from generation import budget, catalog
from generation.catalog.specs import VideoModel
from generation.prompts.structure import BrandKit
from studio.models import Campaign
from studio.shots import llm_planning, planning
from studio.shots.plan_forms import PlanRows, PlanSettingsForm, row_initial
from studio.team.access import allowed_actions, get_campaign_for_user
from studio.views import AuthedHtmxRequest
from studio.views.shot_page import page_batch_key

PAGE = "studio/plan.html"


def _size(campaign, model_key: str) -> str:
    model = catalog.require(model_key)
    return campaign.size_for(model_key) or model.sizes[0]


def _kept(rows) -> list[tuple]:
    """(form, draft) of the rows kept, in the order the person gave them."""
    kept = [form for form in rows.ordered_forms if not form.cleaned_data.get("DELETE")]
    drafts = planning.linked([form.draft() for form in kept])  # START follows the new order
    return list(zip(kept, drafts, strict=True))


def _drafts(rows) -> list[planning.ShotDraft]:
    return [draft for _, draft in _kept(rows)]


def _checked(kept: list[tuple], model, size: str, brand) -> bool:
    """Every kept row can be generated as it is; each row's problems are said on it."""
    fine = True
    for form, draft in kept:
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


@dataclass
class Setup:
    """What the plan is drafted for: the settings the person gave, checked."""

    campaign: Campaign
    brief: str
    target: int
    model_key: str
    model: VideoModel
    size: str
    brand: BrandKit

    @classmethod
    def of(cls, campaign, data: dict) -> Setup:
        key = data["model_key"]
        model, size = catalog.require(key), _size(campaign, key)
        return cls(campaign, data["brief"], data["target"], key, model, size, campaign.brand_kit())

    def offline(self) -> planning.Plan:
        return planning.plan_shots(
            self.brief, self.target, self.model_key, self.size, self.brand, str(self.campaign)
        )


@login_required
@require_http_methods(["GET", "POST"])
def plan_page(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "edit_shot")
    llm = llm_planning.configured()
    settings = PlanSettingsForm(request.POST or None, initial={"brief": campaign.brief}, llm=llm)
    perms = allowed_actions(campaign.my_role)
    context: dict = {"campaign": campaign, "settings": settings, "rows": None, "perms_": perms}
    if request.method == "GET":
        return render(request, PAGE, context)
    if not settings.is_valid():
        return render(request, PAGE, context, status=422)
    data = settings.cleaned_data
    setup = Setup.of(campaign, data)
    context.update(model=setup.model, size=setup.size)
    context["batch_key"] = page_batch_key(request)
    op = request.POST.get("op", "draft")
    use_llm = llm and data.get("planner") != "builtin"
    if op == "draft" or (op == "keep" and "row-TOTAL_FORMS" not in request.POST):
        return _drafted(request, context, setup, use_llm)
    rows = PlanRows(request.POST, prefix="row")
    context["rows"] = rows
    if not rows.is_valid():
        return render(request, PAGE, context, status=422)
    if op in ("add", "keep") or op.startswith("replan-"):
        return _edited(request, context, setup, op, use_llm)
    if op not in ("create", "generate") or (
        op == "generate" and "generate" not in context["perms_"]
    ):
        return render(request, PAGE, context, status=400)
    return _made(request, context, setup, rows, generate=op == "generate")


def _shown(request, context: dict, setup: Setup, drafts, status: int = 200):
    context["rows"] = PlanRows(initial=[row_initial(d) for d in drafts], prefix="row")
    context["totals"] = _totals(setup.campaign, drafts, setup.model_key, setup.size)
    return render(request, PAGE, context, status=status)


def _edited(request, context: dict, setup: Setup, op: str, use_llm: bool):
    """The draft after one edit; a row drafted again by the language model where it drafts."""
    drafts = _drafts(context["rows"])
    index = op.removeprefix("replan-")
    if not (use_llm and op.startswith("replan-") and index.isdigit() and int(index) < len(drafts)):
        drafts = planning.edited(drafts, setup.offline(), op, setup.brand)
        return _shown(request, context, setup, drafts)
    try:
        drafts[int(index)] = llm_planning.draft_one(
            setup.brief, drafts, int(index), setup.model_key, setup.size, setup.brand
        )
    except llm_planning.PlanningError as error:  # the rows stay as they were sent
        context["plan_error"] = str(error)
        context["totals"] = _totals(setup.campaign, drafts, setup.model_key, setup.size)
        return render(request, PAGE, context, status=422)
    return _shown(request, context, setup, planning.linked(drafts))


def _drafted(request, context: dict, setup: Setup, use_llm: bool):
    """A new draft: the language model's when one is configured and chosen, else offline."""
    if not use_llm:
        return _shown(request, context, setup, setup.offline().shots)
    try:
        plan = llm_planning.plan_shots(
            setup.brief, setup.target, setup.model_key, setup.size, setup.brand, str(setup.campaign)
        )
    except llm_planning.PlanningError as error:
        context["plan_error"] = str(error)
        return render(request, PAGE, context, status=422)
    return _shown(request, context, setup, plan.shots)


def _made(request, context: dict, setup: Setup, rows, generate: bool):
    """The shots made from the rows (and a take of each queued), or the rows again, said why."""
    campaign = setup.campaign
    kept = _kept(rows)
    drafts = [draft for _, draft in kept]
    context["totals"] = _totals(campaign, drafts, setup.model_key, setup.size)
    if not drafts:
        context["plan_error"] = "The plan has no shots left: draft it again or add a row."
        return render(request, PAGE, context, status=422)
    if not _checked(kept, setup.model, setup.size, setup.brand):
        context["plan_error"] = "Some rows cannot be generated as they are: see each row."
        return render(request, PAGE, context, status=422)
    key = context["batch_key"]
    # The same form sent twice (a double click, a reload) makes the shots once.
    if not cache.add(f"plan-created:{campaign.pk}:{key}", True, timeout=24 * 3600):
        messages.info(request, "These shots were already created from this plan.")
        return redirect(campaign)
    shots = planning.create_shots(campaign, request.user, drafts, setup.model_key, setup.size)
    messages.success(request, f"{len(shots)} shot{'s' if len(shots) != 1 else ''} created.")
    if generate:
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
