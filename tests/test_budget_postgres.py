"""The hard budget under real concurrency: 20 "generate missing formats" requests at once on
PostgreSQL, against a budget that fits 10 takes. Exactly 10 are queued, each cell once, and the
reservations never pass the budget. Skipped, saying why, where PostgreSQL is not running."""

from __future__ import annotations

import pytest

from tests.services import run_on_fresh_database

RACE = """
import json, threading, uuid
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.db import connection
from generation import catalog
from generation.models import Render
from studio.production import deliverables
from studio.models import Campaign, Membership, Shot, Workspace

model = catalog.get("kling-3-standard")
per_take = model.price_per_second("1280x720", True) * 5
user = get_user_model().objects.create_user("ed", "ed@example.com")
workspace = Workspace.objects.create(name="Race")
Membership.objects.create(workspace=workspace, user=user, role="editor")
budget = per_take * 10 + Decimal("0.01")
campaign = Campaign.objects.create(workspace=workspace, name="Race", budget=budget)
deliverables.add_format(campaign, "YouTube", "16:9")
for i in range(1, 21):
    Shot.objects.create(campaign=campaign, title=f"Shot {i}", position=i, model_key=model.key,
                        size="1280x720", seconds=5, prompt={"scene": f"A cup, view {i}."})
signature = deliverables.plan_missing(campaign).signature  # the plan every person saw
start = threading.Barrier(20)
queued, errors = [], []

def request():
    try:
        start.wait()
        result = deliverables.generate_missing(campaign, user, uuid.uuid4(), signature)
        queued.append(len(result.queued))
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=request) for _ in range(20)]
for t in threads: t.start()
for t in threads: t.join()
renders = list(Render.objects.values("shot_id", "size", "cost_estimate"))
print(json.dumps({
    "queued": sorted(queued), "errors": errors, "renders": len(renders),
    "cells": len({(r["shot_id"], r["size"]) for r in renders}),
    "reserved": str(sum(r["cost_estimate"] for r in renders)), "budget": str(campaign.budget),
}))
"""


@pytest.mark.services
def test_twenty_parallel_generate_missing_queue_exactly_what_the_budget_allows(tmp_path):
    outcome = run_on_fresh_database(
        tmp_path, "reelroom_budget", RACE, RUNWARE_API_KEY="test-key-not-real"
    )  # the model is offered; nothing is sent
    print(f"20 parallel requests: {outcome}")
    assert outcome["errors"] == []
    assert sum(outcome["queued"]) == 10 and outcome["renders"] == 10
    assert outcome["cells"] == 10  # never a cell twice
    assert float(outcome["reserved"]) <= float(outcome["budget"])
