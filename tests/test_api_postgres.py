"""The API's Idempotency-Key under real concurrency: 20 requests for takes with one key at
once, on PostgreSQL, through the whole request path (middleware, token, access layer). One
take is made; every request answers with it. Skipped, saying why, where PostgreSQL is not
running."""

from __future__ import annotations

import pytest

from tests.services import run_on_fresh_database

RACE = """
import json, threading
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from generation.models import Render
from studio.models import Campaign, Membership, Shot, Workspace
from studio.team import tokens

user = get_user_model().objects.create_user("ed", "ed@example.com")
workspace = Workspace.objects.create(name="Race")
Membership.objects.create(workspace=workspace, user=user, role="editor")
campaign = Campaign.objects.create(workspace=workspace, name="Race")
shot = Shot.objects.create(campaign=campaign, title="Pour", position=1, model_key="animatic",
                           size="1280x720", seconds=4, prompt={"scene": "A cup of cold brew."})
key = tokens.make(workspace, user, name="race", scopes=["generate", "read"], days=1,
                  kind="personal", role="editor").key
start = threading.Barrier(20)
answers, errors = [], []

def request():
    try:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_IDEMPOTENCY_KEY="nightly-42",
                        HTTP_HOST="127.0.0.1")
        start.wait()
        response = client.post(f"/api/v1/campaigns/{campaign.pk}/shots/{shot.pk}/takes",
                               data={"variations": 1}, content_type="application/json")
        if response.status_code != 201:
            raise AssertionError(response.status_code, response.content[:300])
        answers.append([response.status_code, [t["id"] for t in response.json()["items"]]])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=request) for _ in range(20)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"answers": answers, "errors": errors,
                  "takes": list(Render.objects.values_list("pk", flat=True))}))
"""


@pytest.mark.services
def test_twenty_parallel_requests_with_one_idempotency_key_make_one_take(tmp_path):
    outcome = run_on_fresh_database(
        tmp_path, "reelroom_idempotency", RACE, STUDIO_API_RATE="1000/m"
    )
    print(f"20 parallel requests with one key: {outcome}")
    assert outcome["errors"] == []
    assert len(outcome["takes"]) == 1
    (take,) = outcome["takes"]
    assert len(outcome["answers"]) == 20
    assert all(status == 201 and ids == [take] for status, ids in outcome["answers"])
