"""The plan page's operations, one function each: draft a plan from the brief, edit the draft
(add a row, keep it, draft one row again), and make the shots (and a take of each). Each
returns an Outcome the view renders; nothing is saved before `make`, and a refused step keeps
every row as it was sent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.forms import BaseFormSet

from generation import budget, catalog
from generation.catalog.specs import VideoModel
from generation.prompts.structure import BrandKit
from studio.models import Asset, Campaign, Finish
from studio.shots import llm_planning, plan_formats, planning
from studio.shots.brief import Names
from studio.shots.plan_forms import PlanRows, row_initial
from studio.shots.plan_rules import Rules


def product_of(campaign: Campaign) -> str:
    """The product the plan names: the campaign's, else its workspace's first product asset."""
    return campaign.product or Asset.product_name(campaign.workspace_id)


@dataclass
class Setup:
    """What the plan is drafted for: the settings the person gave, checked."""

    campaign: Campaign
    brief: str
    target: int
    model_key: str
    model: VideoModel
    formats: plan_formats.FormatFit
    brand: BrandKit
    use_llm: bool
    names: Names

    @classmethod
    def of(cls, campaign: Campaign, data: dict, use_llm: bool) -> Setup:
        key = data["model_key"]
        model = catalog.require(key)
        formats = plan_formats.fit(campaign, model, data["target"])
        names = Names(data["product"], campaign.tagline, campaign.call_to_action)
        brand = campaign.brand_kit()
        return cls(
            campaign, data["brief"], data["target"], key, model, formats, brand, use_llm, names
        )

    @property
    def size(self) -> str:
        return self.formats.size or ""

    @property
    def rules(self) -> Rules:
        """The plan rules for this plan; the end card is the spot's (its call to action)."""
        finish = Finish.objects.filter(campaign=self.campaign).values_list(
            "call_to_action", flat=True
        )
        end_card = " ".join([*finish, self.campaign.call_to_action, self.campaign.tagline])
        return Rules(self.model, self.size, self.target, self.brand, self.names.product, end_card)

    def offline(self) -> planning.Plan:
        return planning.plan_shots(
            self.brief, self.target, self.model_key, self.size, self.brand, self.names
        )

    def totals(self, drafts: list[planning.ShotDraft]) -> dict:
        """Running time, the plan's cost (None while a model has no price) and the budget."""
        costs = [budget.estimate(self.model_key, self.size, d.seconds) for d in drafts]
        known = [c for c in costs if c is not None]
        campaign = self.campaign
        committed = budget.committed(campaign.pk) if campaign.budget is not None else Decimal(0)
        return {
            "seconds": sum(d.seconds for d in drafts),
            "cost": sum(known, Decimal("0")) if len(known) == len(costs) else None,
            "budget": campaign.budget,
            "remaining": campaign.budget - committed if campaign.budget is not None else None,
        }


@dataclass
class Outcome:
    """What the page shows after an operation: the rows (new ones from `drafts`, or the rows
    as sent with their errors), the totals, an error, its status; `shots` once they are made,
    with the takes queued and the shots refused a take (title, why)."""

    rows: BaseFormSet | None = None
    totals: dict | None = None
    error: str = ""
    status: int = 200
    shots: list = field(default_factory=list)
    queued: list = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    already_made: bool = False


def said(broken: list[str]) -> str:
    """The rules a plan breaks, in one paragraph (the first few)."""
    more = f" (and {len(broken) - 4} more)" if len(broken) > 4 else ""
    return "This plan breaks a rule every plan meets: " + " ".join(broken[:4]) + more


def _shown(setup: Setup, drafts: list[planning.ShotDraft]) -> Outcome:
    rows = PlanRows(initial=[row_initial(d) for d in drafts], prefix="row")
    broken = setup.rules.broken(drafts)
    return Outcome(rows, setup.totals(drafts), said(broken) if broken else "")


def _kept(rows: BaseFormSet) -> list[tuple]:
    """(form, draft) of the rows kept, in the order the person gave them (START follows it)."""
    kept = [form for form in rows.ordered_forms if not form.cleaned_data.get("DELETE")]
    drafts = planning.linked([form.draft() for form in kept])
    return list(zip(kept, drafts, strict=True))


def draft(setup: Setup) -> Outcome:
    """A new draft: the language model's when one is configured and chosen, else offline."""
    if not setup.use_llm:  # a draft that breaks a rule is refused (422), its rows shown to fix
        shown = _shown(setup, setup.offline().shots)
        shown.status = 422 if shown.error else 200
        return shown
    try:
        plan = llm_planning.plan_shots(setup.brief, setup.rules, setup.names)
    except llm_planning.PlanningError as error:
        return Outcome(error=str(error), status=422)
    return _shown(setup, plan.shots)


def edit(setup: Setup, rows: BaseFormSet, op: str) -> Outcome:
    """The draft after one edit ("add", "keep", "replan-N"); row N drafted again by the
    language model where it drafts (its rows kept as sent when it cannot)."""
    drafts = [d for _, d in _kept(rows)]
    index = op.removeprefix("replan-")
    by_model = setup.use_llm and op.startswith("replan-") and index.isdigit()
    if not (by_model and int(index) < len(drafts)):
        return _shown(setup, planning.edited(drafts, setup.offline(), op, setup.brand))
    try:
        drafts[int(index)] = llm_planning.draft_one(
            setup.brief, drafts, int(index), setup.rules, setup.names
        )
    except llm_planning.PlanningError as error:
        return Outcome(rows, setup.totals(drafts), str(error), 422)
    return _shown(setup, planning.linked(drafts))


def make(setup: Setup, rows: BaseFormSet, user, key: uuid.UUID, generate: bool) -> Outcome:
    """The shots made from the kept rows in one action (and a take of each queued, under the
    hard budget), or the rows again, each refused row saying why and the plan's broken rules
    said. The same form sent twice (a double click, a reload) makes the shots once."""
    kept = _kept(rows)
    drafts = [d for _, d in kept]
    outcome = Outcome(rows, setup.totals(drafts), status=422)
    if not drafts:
        outcome.error = "The plan has no shots left: draft it again or add a row."
        return outcome
    rules = setup.rules
    for number, (form, row) in enumerate(kept, start=1):
        for problem in rules.shot(number, row):
            form.add_error(None, problem.removeprefix(f"Shot {number}: "))
    broken = rules.broken(drafts)
    if broken:
        outcome.error = said(broken)
        return outcome
    if not cache.add(f"plan-created:{setup.campaign.pk}:{key}", True, timeout=24 * 3600):
        return Outcome(already_made=True)
    campaign = setup.campaign
    if campaign.product != setup.names.product:  # the product the plan names is the campaign's
        campaign.product = setup.names.product
        campaign.save(update_fields=["product", "updated_at"])
    shots = planning.create_shots(campaign, user, drafts, setup.model_key, setup.size)
    made = Outcome(shots=shots)
    if generate:
        made.queued, made.refused = planning.generate_all(shots, user, key)
    return made
