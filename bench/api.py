"""The API for automation (issue 40).

- The takes list at 100,000 takes: `manage.py seed_workspace` makes a workspace of 100
  campaigns × 100 shots × 10 takes on SQLite (the default database); then `GET /api/v1/takes`
  with a token, first page, one campaign's, one status's and a page deep down the cursor: p95 of
  30 requests each, and each one's queries against a workspace of one take.
- Requesting 500 takes: 500 shots, one take each, through `POST …/takes` (with an
  Idempotency-Key) and through the shot page's Save-and-generate form; the time per take of
  each (the queue's submit is written, not run)."""

from __future__ import annotations

from bench import stack

LIST = r"""
import json, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from generation.models import Render
from studio.models import Campaign, Membership, Shot, Workspace
from studio.team import tokens

CAMPAIGNS, SHOTS, TAKES = map(int, sys.argv[1:4])
start = time.perf_counter()
call_command("seed_workspace", campaigns=CAMPAIGNS, shots=SHOTS, takes=TAKES, owner="owner",
             name="Scale", verbosity=0)
seeded = time.perf_counter() - start
connection.cursor().execute("ANALYZE")
big = Workspace.objects.get(name="Scale")
owner = Membership.objects.get(workspace=big, role="owner").user
small = Workspace.objects.create(name="Small")
Membership.objects.create(workspace=small, user=owner, role="owner")
one = Campaign.objects.create(workspace=small, name="One")
shot = Shot.objects.create(campaign=one, title="One", position=1)
only = Render.objects.create(shot=shot, take=1, model_key="animatic", provider="animatic",
                      size="1280x720", seconds=4, prompt_text="A cup.", status="completed")

def key_for(workspace):
    return tokens.make(workspace, owner, name="bench", scopes=["read"], days=1,
                       kind="personal", role="owner").key

keys = {"big": key_for(big), "small": key_for(small)}
client = Client(HTTP_HOST="127.0.0.1")
campaign = Campaign.objects.filter(workspace=big).order_by("pk")[CAMPAIGNS // 2]
deep = Render.objects.filter(shot__campaign__workspace=big).order_by("-pk")[
    (CAMPAIGNS * SHOTS * TAKES) // 2].pk
cases = {  # name: (the query at scale, the same query of the workspace of one take)
    "first page": ("", ""),
    "one campaign": (f"campaign_id={campaign.pk}", f"campaign_id={one.pk}"),
    "one status": ("status=completed", "status=completed"),
    "deep (cursor)": (f"cursor={deep}", f"cursor={only.pk + 1}"),
}

def get(which, query):
    with CaptureQueriesContext(connection) as captured:
        t = time.perf_counter()
        response = client.get(f"/api/v1/takes?{query}",
                              HTTP_AUTHORIZATION=f"Bearer {keys[which]}")
        took = time.perf_counter() - t
    assert response.status_code == 200, response.content[:300]
    return took, len(captured), len(response.json()["items"])

for which in keys:
    get(which, "")  # the token's first use is written once

result = {"takes": Render.objects.filter(shot__campaign__workspace=big).count(), "seed_s": seeded,
          "cases": {}}
for name, (query, small_query) in cases.items():
    get("big", query)
    runs = [get("big", query) for _ in range(30)]
    times = sorted(r[0] for r in runs)
    result["cases"][name] = {"p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
                             "queries": runs[0][1], "rows": runs[0][2],
                             "queries_small": get("small", small_query)[1]}
print(json.dumps(result))
"""

REQUEST = r"""
import json, sys, time, uuid
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
from generation.models import Render
from studio.models import Campaign, Membership, Shot, Workspace
from studio.team import tokens
from tests.factories import editor_data

N = int(sys.argv[1])
user = get_user_model().objects.create_user("ed")
workspace = Workspace.objects.create(name="Bench")
Membership.objects.create(workspace=workspace, user=user, role="editor")
campaign = Campaign.objects.create(workspace=workspace, name="Bench")
shots = [Shot.objects.create(campaign=campaign, title=f"Shot {n}", position=n, model_key="animatic",
                             size="1280x720", seconds=4, prompt={"scene": f"A cup, view {n}."})
         for n in range(1, 2 * N + 1)]
key = tokens.make(workspace, user, name="bench", scopes=["generate", "read"], days=1,
                  kind="personal", role="editor").key
api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {key}")
page = Client(HTTP_HOST="127.0.0.1")
page.force_login(user)
assert api.get("/api/v1/campaigns").status_code == 200  # warm: the URLs, the token's last use
assert page.get(f"/c/{campaign.pk}/").status_code == 200
start = time.perf_counter()
for shot in shots[:N]:
    response = api.post(f"/api/v1/campaigns/{campaign.pk}/shots/{shot.pk}/takes",
                        data={"variations": 1}, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201, response.content[:300]
by_api = time.perf_counter() - start
start = time.perf_counter()
for shot in shots[N:]:
    response = page.post(f"/c/{campaign.pk}/shots/{shot.pk}/generate/",
                         editor_data(title=shot.title, batch_key=str(uuid.uuid4())))
    assert response.status_code == 302, response.status_code
by_page = time.perf_counter() - start
print(json.dumps({"takes": N, "api_ms": by_api / N * 1000, "page_ms": by_page / N * 1000,
                  "made": Render.objects.count()}))
"""

GOAL_P95_MS = 100


def takes_list(campaigns: int = 100, shots: int = 100, takes: int = 10) -> dict:
    m = stack.child_json(LIST, "API takes list", campaigns, shots, takes)
    cases = m["cases"]
    worst = max(c["p95_ms"] for c in cases.values())
    constant = all(c["queries"] == c["queries_small"] for c in cases.values())
    return {
        "name": f"API: GET /api/v1/takes at {m['takes']:,} takes",
        "result": "p95 "
        + ", ".join(f"{name} {c['p95_ms']:.0f} ms" for name, c in cases.items())
        + "; queries "
        + ", ".join(
            f"{c['queries']} (vs {c['queries_small']} at one take)" for c in cases.values()
        ),
        "target": f"p95 < {GOAL_P95_MS} ms, the same queries as at one take",
        "ok": worst < GOAL_P95_MS and constant,
        "how": LIST_HOW,
    }


def requesting(takes: int = 500) -> dict:
    m = stack.child_json(REQUEST, "API take requests", takes)
    return {
        "name": f"API: requesting {takes} takes, through the API and through the page",
        "result": f"{m['api_ms']:.1f} ms a take through POST …/takes, {m['page_ms']:.1f} ms "
        f"through the shot page's form; {m['made']} takes made",
        "target": "the API no slower than the page, every take made once",
        "ok": m["made"] == 2 * takes and m["api_ms"] <= m["page_ms"],
        "how": REQUEST_HOW,
    }


LIST_HOW = (
    "A fresh SQLite studio seeded by `manage.py seed_workspace` (then ANALYZE), a read token of "
    "its owner, Django's test client; 30 requests per case after one to warm; queries counted "
    "by CaptureQueriesContext and compared with a workspace holding one take."
)
REQUEST_HOW = (
    "A fresh SQLite studio with 1,000 shots: 500 takes requested one by one with a token and "
    "an Idempotency-Key each, 500 through the shot page's form (the editor's fields, a batch "
    "key each) as a signed-in editor; the queue's submit tasks are written, not run."
)
