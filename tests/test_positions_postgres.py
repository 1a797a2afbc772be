"""Shot positions under real concurrency (issue 18, point 10): people add, move and delete
shots of one campaign at the same time on PostgreSQL, through the board's views. Every change
of positions happens under the campaign's lock, so the board never shows two shots at one
number. Skipped, saying why, where PostgreSQL is not running."""

from __future__ import annotations

import pytest

from tests.services import run_on_fresh_database

RACE = """
import json, random, threading
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from studio.models import Campaign, Membership, Shot, Workspace

user = get_user_model().objects.create_user("ed", "ed@example.com", "a-long-test-password")
workspace = Workspace.objects.create(name="Race")
Membership.objects.create(workspace=workspace, user=user, role="editor")
campaign = Campaign.objects.create(workspace=workspace, name="Race")
for i in range(1, 9):
    Shot.objects.create(campaign=campaign, title=f"Shot {i}", position=i)
start = threading.Barrier(12)
errors, codes = [], []

def person(n):
    client = Client()
    rng = random.Random(n)
    try:
        client.post(reverse("login"), {"username": "ed", "password": "a-long-test-password"})
        start.wait()
        for step in range(6):
            if n % 3 == 0:
                response = client.post(
                    reverse("studio:shot_create", args=[campaign.pk]), {"title": f"New {n}-{step}"}
                )
            else:
                shots = list(Shot.objects.filter(campaign=campaign).values_list("pk", flat=True))
                pk = rng.choice(shots)
                if n % 4 == 1 and step == 3:
                    response = client.post(reverse("studio:shot_delete", args=[campaign.pk, pk]))
                else:
                    response = client.post(
                        reverse("studio:shot_move", args=[campaign.pk, pk]),
                        {"direction": rng.choice(["up", "down"])},
                    )
            codes.append(response.status_code)
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=person, args=(n,)) for n in range(12)]
for t in threads: t.start()
for t in threads: t.join()
positions = list(Shot.objects.filter(campaign=campaign).values_list("position", flat=True))
print(json.dumps({"errors": errors, "codes": sorted(set(codes)), "positions": sorted(positions)}))
"""


@pytest.mark.services
def test_parallel_adds_moves_and_deletes_never_share_a_position(tmp_path):
    outcome = run_on_fresh_database(
        tmp_path, "reelroom_positions", RACE, DJANGO_ALLOWED_HOSTS="testserver"
    )
    print(f"12 people at once: {outcome}")
    assert outcome["errors"] == []
    positions = outcome["positions"]
    assert positions == list(range(1, len(positions) + 1))  # no gap, no number twice
    assert len(positions) == 8 + 4 * 6 - 2  # 4 people added 6 each, 2 deleted one
