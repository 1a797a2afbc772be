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
from studio.models import Campaign
from studio.shots import llm_planning, planning
from studio.shots.plan_forms import PlanRows, row_initial


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
    use_llm: bool

    @classmethod
    def of(cls, campaign: Campaign, data: dict, use_llm: bool) -> Setup:
        key = data["model_key"]
        model = catalog.require(key)
        size = campaign.size_for(key) or model.sizes[0]
        brand = campaign.brand_kit()
        return cls(campaign, data["brief"], data["target"], key, model, size, brand, use_llm)

    def offline(self) -> planning.Plan:
        return planning.plan_shots(
            self.brief, self.target, self.model_key, self.size, self.brand, str(self.campaign)
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


def _shown(setup: Setup, drafts: list[planning.ShotDraft]) -> Outcome:
    rows = PlanRows(initial=[row_initial(d) for d in drafts], prefix="row")
    return Outcome(rows, setup.totals(drafts))


def _kept(rows: BaseFormSet) -> list[tuple]:
    """(form, draft) of the rows kept, in the order the person gave them (START follows it)."""
    kept = [form for form in rows.ordered_forms if not form.cleaned_data.get("DELETE")]
    drafts = planning.linked([form.draft() for form in kept])
    return list(zip(kept, drafts, strict=True))


def draft(setup: Setup) -> Outcome:
    """A new draft: the language model's when one is configured and chosen, else offline."""
    if not setup.use_llm:
        return _shown(setup, setup.offline().shots)
    try:
        plan = llm_planning.plan_shots(
            setup.brief, setup.target, setup.model_key, setup.size, setup.brand, str(setup.campaign)
        )
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
            setup.brief, drafts, int(index), setup.model_key, setup.size, setup.brand
        )
    except llm_planning.PlanningError as error:
        return Outcome(rows, setup.totals(drafts), str(error), 422)
    return _shown(setup, planning.linked(drafts))


def make(setup: Setup, rows: BaseFormSet, user, key: uuid.UUID, generate: bool) -> Outcome:
    """The shots made from the kept rows in one action (and a take of each queued, under the
    hard budget), or the rows again, each refused row saying why. The same form sent twice (a
    double click, a reload) makes the shots once."""
    kept = _kept(rows)
    drafts = [d for _, d in kept]
    outcome = Outcome(rows, setup.totals(drafts), status=422)
    if not drafts:
        outcome.error = "The plan has no shots left: draft it again or add a row."
        return outcome
    fine = True
    for form, row in kept:
        for problem in planning.problems(row, setup.model, setup.size, setup.brand):
            form.add_error(None, problem)
            fine = False
    if not fine:
        outcome.error = "Some rows cannot be generated as they are: see each row."
        return outcome
    if not cache.add(f"plan-created:{setup.campaign.pk}:{key}", True, timeout=24 * 3600):
        return Outcome(already_made=True)
    shots = planning.create_shots(setup.campaign, user, drafts, setup.model_key, setup.size)
    made = Outcome(shots=shots)
    if generate:
        made.queued, made.refused = planning.generate_all(shots, user, key)
    return made
