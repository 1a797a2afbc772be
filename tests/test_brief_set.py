"""The brief set (issue 36): the offline planner on every brief of tests/data/briefs/, for
every model in the catalog that makes the brief's format from words. Each plan meets every
plan rule (no lint error, lengths the model makes, the running time within ±max(1 s, 10 %),
the product named in a prompt and at the end, no banned word in any spelling, no two shots
alike) and its brief's own properties (its moments in order, its lines as written, its light
and sound, its claims as supers); where no lengths of a model can meet the running time, the
plan says so. tests/briefs.py holds the check, bench/planning.py the pass rate."""

from __future__ import annotations

import pytest

from tests import briefs

CASES = [(case, model, size) for case in briefs.cases() for model, size in briefs.models_for(case)]


def test_the_set_holds_briefs_of_every_kind():
    cases = briefs.cases()
    assert len(cases) >= 12
    data = [c.data for c in cases]
    assert any(d.get("one_shot") for d in data)
    assert any(d.get("voiceover") for d in data) and any(d.get("no_voiceover") for d in data)
    assert any(d.get("beats") for d in data) and any(not d.get("beats") for d in data)
    # Briefs whose own words use a banned word (in some spelling).
    assert sum(bool(briefs.banned.found(d["brief"], d["banned"])) for d in data) >= 2
    assert len(CASES) > 300  # every model that makes each brief's format


@pytest.mark.parametrize(
    ("case", "model", "size"), CASES, ids=[f"{c.name}-{m.key}" for c, m, _ in CASES]
)
def test_the_plan_meets_every_rule_and_its_brief(case, model, size):
    plan, failures = briefs.check(case, model, size)
    assert failures == [], [(d.title, d.seconds, d.on_screen_text) for d in plan.shots]
    assert plan.facts.product == case.data["product"]
