"""The offline planner (issue 22, point 4): for ten varied briefs, every plan fits the target
on the chosen model, passes the prompt lint with no error and names the brief's product."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generation import catalog
from generation.prompts.structure import BrandKit
from studio.shots import planning

BRIEFS = json.loads((Path(__file__).parent / "data" / "briefs.json").read_text())


@pytest.mark.parametrize("case", BRIEFS, ids=[b["product"] for b in BRIEFS])
@pytest.mark.parametrize(
    ("model_key", "size", "target"),
    [
        ("animatic", "1280x720", 20),
        ("animatic", "720x1280", 30),
        ("sora-2", "1280x720", 24),
        ("veo-3.1-fast", "1280x720", 16),
    ],
)
def test_every_brief_plans_shots_that_fit_pass_the_lint_and_name_the_product(
    case, model_key, size, target
):
    brand = BrandKit(palette="amber and cream", banned_words=("cheap",))
    plan = planning.plan_shots(case["brief"], target, model_key, size, brand, "Campaign")
    model = catalog.require(model_key)
    allowed = model.durations_for(size)
    assert plan.facts.product == case["product"]
    assert all(s.seconds in allowed for s in plan.shots)
    assert abs(plan.seconds - target) <= max(allowed)  # within one shot's length
    assert [s.role for s in plan.shots][0] in ("hook", "cta")
    assert plan.shots[-1].role == "cta"
    for draft in plan.shots:
        assert planning.problems(draft, model, size, brand) == [], draft.title
        text = json.dumps(draft.prompt)
        assert case["product"] in text
        assert "cheap" not in text.lower()
        assert draft.prompt["camera"]["movement"]  # one camera move
        assert len(draft.prompt["beats"]) == 1  # one subject action
        assert draft.prompt["audio"]["music"] or draft.prompt["audio"]["sfx"]
        assert draft.prompt["style"]["palette"] == "amber and cream"


def test_the_brief_s_audience_setting_and_mood_are_read():
    facts = planning.read_brief(BRIEFS[1]["brief"], "x")
    assert facts.audience == "weekend hikers"
    assert facts.setting == "a mountain ridge at sunset"
    assert facts.mood == "rugged"


def test_a_brief_that_names_no_product_falls_back_to_the_campaign():
    assert planning.read_brief("make something lovely", "Spring launch").product == "Spring launch"


@pytest.mark.parametrize("target", [4, 8, 12, 20, 30, 45, 60])
def test_lengths_add_up_to_the_target_within_one_shot(target):
    for allowed in ([4, 8, 12], [5, 10], [4, 6, 8], [6, 10], list(range(2, 16))):
        shots = planning.lengths(allowed, target)
        assert all(s in allowed for s in shots)
        assert abs(sum(shots) - target) <= max(allowed), (allowed, target, shots)
