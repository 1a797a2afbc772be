"""Workspaces, campaigns (the brief, the budget), their spend, and plans drafted from a brief."""

from django.db import transaction
from ninja import Header, Query, Router, Status

from studio.api import keys
from studio.api.core import ERRORS, ApiProblem, Cursor, Id, allow, form_problem, items, page_of
from studio.api.keys import IDEMPOTENCY_KEY
from studio.api.schemas import (
    CampaignIn,
    CampaignList,
    CampaignNew,
    CampaignOut,
    PlanDraft,
    PlanIn,
    PlanMade,
    PlanRow,
    PlanSettings,
    ShotOut,
    SpendOut,
    SpendRow,
    TakeOut,
    WorkspaceList,
    WorkspaceOut,
)
from studio.models import Campaign, Workspace
from studio.production import deliverables
from studio.production import spend as spending
from studio.production.forms import CampaignForm
from studio.shots import llm_planning
from studio.shots import plan_page as plans
from studio.shots.plan_forms import PlanRows, PlanSettingsForm
from studio.team.access import (
    AuthedRequest,
    allowed_actions,
    get_campaign_for_user,
    get_workspace_for_user,
    require,
)

router = Router(tags=["campaigns"])


@router.get("/workspaces", response={200: WorkspaceList, **ERRORS})
def list_workspaces(request: AuthedRequest):
    """The token's workspace, with the token's member's role. Scope: read."""
    token = allow(request, "read")
    workspace = get_workspace_for_user(request, token.workspace.slug)
    return {"items": [WorkspaceOut.of(workspace)], "next": None}


@router.get("/workspaces/{slug}", response={200: WorkspaceOut, **ERRORS})
def get_workspace(request: AuthedRequest, slug: str):
    """Scope: read."""
    found = get_workspace_for_user(request, slug)
    allow(request, "read")
    return WorkspaceOut.of(found)


@router.get("/campaigns", response={200: CampaignList, **ERRORS})
def list_campaigns(
    request: AuthedRequest, cursor: Cursor = None, limit: int = Query(50, ge=1, le=200)
):
    """The workspace's campaigns, newest first. Scope: read."""
    token = allow(request, "read")
    workspace = get_workspace_for_user(request, token.workspace.slug)
    rows, after = page_of(Campaign.objects.filter(workspace=workspace), cursor, limit)
    return {"items": items(rows, CampaignOut), "next": after}


@router.post("/campaigns", response={201: CampaignOut, **ERRORS})
def create_campaign(request: AuthedRequest, body: CampaignNew):
    """A new campaign in the token's workspace. Scope: generate (a budget: admin too)."""
    token = allow(request, "generate", "edit_campaign")
    workspace: Workspace = get_workspace_for_user(request, token.workspace.slug, "edit_campaign")
    form = _campaign_form(request, workspace, None, body.dict(exclude_unset=True))
    with transaction.atomic():
        campaign = form.save(commit=False)
        campaign.workspace = workspace
        campaign.created_by = request.user
        campaign.save()
        form.save_m2m()
        deliverables.set_aspects(
            campaign, form.cleaned_data["target_formats"], form.cleaned_data["channels"]
        )
    return Status(201, CampaignOut.of(campaign))


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
def get_campaign(request: AuthedRequest, campaign_id: Id):
    """Scope: read."""
    found = get_campaign_for_user(request, campaign_id)
    allow(request, "read")
    return CampaignOut.of(found)


@router.patch("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
def update_campaign(request: AuthedRequest, campaign_id: Id, body: CampaignIn):
    """Change the brief, names, due date or channels (scope: generate) or the hard budget
    (an owner's, scope: admin)."""
    campaign = get_campaign_for_user(request, campaign_id, "edit_campaign")
    allow(request, "generate", "edit_campaign")
    form = _campaign_form(request, campaign.workspace, campaign, body.dict(exclude_unset=True))
    with transaction.atomic():
        form.save()
        deliverables.set_aspects(
            campaign, form.cleaned_data["target_formats"], form.cleaned_data["channels"]
        )
    return CampaignOut.of(campaign)


def _campaign_form(request, workspace, campaign, given: dict) -> CampaignForm:
    """The pages' campaign form, bound to what the campaign holds with `given` over it."""
    role = campaign.my_role if campaign else workspace.my_role
    if "budget" in given:
        allow(request, "admin", "manage_budget")
        require(role, "manage_budget")
    can_budget = "manage_budget" in allowed_actions(role)
    unbound = CampaignForm(
        instance=campaign, workspace_id=workspace.pk, can_manage_budget=can_budget
    )
    data = {name: unbound[name].value() for name in unbound.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update({k: ("" if v is None else v) for k, v in given.items()})
    form = CampaignForm(
        data, instance=campaign, workspace_id=workspace.pk, can_manage_budget=can_budget
    )
    if not form.is_valid():
        raise form_problem(form)
    return form


@router.get("/campaigns/{campaign_id}/spend", response={200: SpendOut, **ERRORS})
def get_spend(request: AuthedRequest, campaign_id: Id):
    """What the campaign's takes cost and have reserved, by model. Scope: read (an editor's)."""
    campaign = get_campaign_for_user(request, campaign_id, "view_spend")
    allow(request, "read", "view_spend")
    figures = spending.spend(campaign)
    return SpendOut(
        budget=campaign.budget,
        settled=figures.settled,
        reserved=figures.reserved + figures.unknown,
        committed=figures.committed,
        takes=figures.takes,
        by_model=[
            SpendRow(label=r.label, settled=r.settled, reserved=r.reserved, takes=r.takes)
            for r in figures.by.get("model", [])
        ],
    )


# --------------------------------------------------------------------------- plans


def _setup(campaign, body: PlanSettings) -> plans.Setup:
    llm = llm_planning.configured()
    data = body.dict(include={"brief", "product", "target", "model_key", "planner"})
    form = PlanSettingsForm(data, llm=llm)
    if not form.is_valid():
        raise form_problem(form)
    use_llm = llm and form.cleaned_data.get("planner") != "builtin"
    setup = plans.Setup.of(campaign, form.cleaned_data, use_llm)
    if setup.formats.size is None:
        raise ApiProblem(422, "This model makes none of the campaign's formats' sizes.")
    return setup


def _rows(outcome: plans.Outcome) -> list[PlanRow]:
    if outcome.rows is None:
        return []
    return [PlanRow.from_form(form) for form in outcome.rows.forms]


@router.post("/campaigns/{campaign_id}/plans/draft", response={200: PlanDraft, **ERRORS})
def draft_plan(request: AuthedRequest, campaign_id: Id, body: PlanSettings):
    """A plan of shots drafted from the brief (nothing is saved). Scope: generate."""
    campaign = get_campaign_for_user(request, campaign_id, "edit_shot")
    allow(request, "generate", "edit_shot")
    outcome = plans.draft(_setup(campaign, body))
    rows = _rows(outcome)
    if not rows:
        raise ApiProblem(422, outcome.error or "No plan could be drafted.")
    total = sum(r.seconds for r in rows)
    return PlanDraft(rows=rows, total_seconds=total, problem=outcome.error)


@router.post("/campaigns/{campaign_id}/plans", response={201: PlanMade, **ERRORS})
def create_plan(
    request: AuthedRequest,
    campaign_id: Id,
    body: PlanIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", pattern=IDEMPOTENCY_KEY),
):
    """The plan's rows made into shots (and, with `generate`, a take of each queued under
    the hard budget). The same Idempotency-Key again makes nothing twice. Scope: generate."""
    campaign = get_campaign_for_user(
        request, campaign_id, "edit_shot" if not body.generate else "generate"
    )
    allow(request, "generate", "edit_shot")
    setup = _setup(campaign, body)
    rows = PlanRows(PlanRow.formset_data(body.rows), prefix="row")
    if not rows.is_valid():
        raise form_problem(rows, "rows")
    key = keys.batch_key(request, idempotency_key)
    made = plans.make(setup, rows, request.user, key, body.generate)
    if made.already_made:
        raise ApiProblem(409, "These shots were already made with this Idempotency-Key.")
    if not made.shots:
        forms = made.rows.forms if made.rows is not None else []
        errors = {f"rows.{i}": list(f.non_field_errors()) for i, f in enumerate(forms) if f.errors}
        raise ApiProblem(422, made.error or "The plan was refused.", errors)
    made_plan = PlanMade(
        shots=[ShotOut.of(s) for s in made.shots],
        takes=[TakeOut.of(t) for t in made.queued],
        refused=[f"{title}: {why}" for title, why in made.refused],
    )
    return Status(201, made_plan)
