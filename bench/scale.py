"""A workspace a hundred times bigger, on PostgreSQL: `manage.py seed_workspace` makes 100
campaigns × 100 shots × 10 takes (100 000 takes, with their events, comments and decisions);
then the main pages are asked through Django's test client, and every query they send that reads
the take, event, comment or decision tables is run again under EXPLAIN: none may scan its table
sequentially. Also the sweep's cost as the takes that are due grow among 5 000 in flight, and the
first byte of a campaign's spend CSV and delivery package.

Skipped, saying why, when PostgreSQL does not answer on 127.0.0.1:5432."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import stack

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 150
WATCHED = ("generation_render", "generation_renderevent", "studio_comment", "studio_decision")

CHILD = r"""
import json, os, statistics, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from generation.models import Render, RenderStatus
from studio.models import Campaign, Shot, Workspace

WATCHED = WATCHED_TABLES
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")  # the planner's statistics, as autovacuum would have them
workspace = Workspace.objects.get(slug=sys.argv[1])
owner = get_user_model().objects.get(username=sys.argv[2])
client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")
client.force_login(owner)
campaign = workspace.campaigns.order_by("pk")[workspace.campaigns.count() // 2]
shot = campaign.shots.order_by("position")[campaign.shots.count() // 2]
take = Render.objects.filter(shot__campaign=campaign, status="completed").order_by("pk")[5]
flying = list(Render.objects.filter(shot=shot).values_list("pk", flat=True))

def scans(plan, found):
    if isinstance(plan, dict):
        if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in WATCHED:
            found.add(plan["Relation Name"])
        for value in plan.values():
            scans(value, found)
    elif isinstance(plan, list):
        for value in plan:
            scans(value, found)
    return found

def measure(url, n=20, headers=None, stream=False):
    client.get(url, headers=headers or {})
    times, queries, explained = [], [], set()
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, headers=headers or {})
            if stream:
                next(iter(response.streaming_content))
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = [q["sql"] for q in captured.captured_queries]
    with connection.cursor() as cursor:
        for sql in queries:
            if sql.lstrip().upper().startswith("SELECT") and any(t in sql for t in WATCHED):
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                scans(cursor.fetchone()[0], explained)
    times.sort()
    return {"median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1), "queries": len(queries),
            "seq_scans": sorted(explained)}

def once(url):
    start = time.perf_counter()
    assert client.get(url).status_code == 200
    return round((time.perf_counter() - start) * 1000, 1)

# The workspace's spend reads each campaign's stored figures; the first view after seeding
# computes them all, and a campaign whose money moves is computed again at the next view.
from studio.models import CampaignSpend
spend_url = f"/w/{workspace.slug}/spend/"
recompute = {"all": once(spend_url)}
CampaignSpend.changed(pk=campaign.pk)
recompute["one"] = once(spend_url)
pages = {
    "dashboard": measure("/"),
    "review queue": measure("/review/"),
    "campaign activity": measure(f"/c/{campaign.pk}/activity/"),
    "workspace spend": measure(spend_url),
    "campaign spend": measure(f"/c/{campaign.pk}/spend/"),
    "campaign board (100 shots)": measure(f"/c/{campaign.pk}/"),
    "take page": measure(f"/takes/{take.pk}/"),
    "takes poll": measure(f"/c/{campaign.pk}/shots/{shot.pk}/takes/poll/?ids="
                          + ",".join(map(str, flying)), headers={"HX-Request": "true"}),
}
print(json.dumps({"pages": pages, "recompute": recompute}))
"""


def run(campaigns: int = 100, shots: int = 100, takes: int = 10) -> dict:
    if stack.postgres() is None:
        return {"skipped": "PostgreSQL does not answer on 127.0.0.1:5432"}
    with tempfile.TemporaryDirectory(prefix="reelroom-scale-") as tmp:
        databases = stack.Databases(Path(tmp))
        env = stack.base_env(Path(tmp))
        try:
            databases.prepare(env)
            env["DATABASE_URL"] = databases.url(databases.template)
            started = time.monotonic()
            out = stack.manage(
                env, "seed_workspace", "--campaigns", str(campaigns), "--shots", str(shots),
                "--takes", str(takes), "--owner", "owner", timeout=1800,
            )  # fmt: skip
            seeded = time.monotonic() - started
            slug = out.split("seeded workspace ", 1)[1].split()[0]
            child = CHILD.replace("WATCHED_TABLES", repr(WATCHED))
            result = subprocess.run(
                [sys.executable, "-c", child, slug, "owner"], cwd=ROOT, env=env,
                capture_output=True, text=True, timeout=900,
            )  # fmt: skip
            if result.returncode:
                raise RuntimeError(f"the scale pages failed:\n{result.stderr[-3000:]}")
            data = json.loads(result.stdout.strip().splitlines()[-1])
            counts = databases.query(
                databases.template,
                "SELECT (SELECT count(*) FROM generation_render), "
                "(SELECT count(*) FROM generation_renderevent), "
                "(SELECT count(*) FROM studio_comment), (SELECT count(*) FROM studio_decision)",
            )[0]
        finally:
            databases.drop_all()
    data["seeded"] = {
        "campaigns": campaigns,
        "seconds": round(seeded, 1),
        "takes": counts[0],
        "events": counts[1],
        "comments": counts[2],
        "decisions": counts[3],
    }
    return data


def rows(data: dict) -> list[dict]:
    if "skipped" in data:
        return [{"name": "workspace at scale", "result": data["skipped"], "target": "—",
                 "ok": None, "how": "skipped"}]  # fmt: skip
    seeded = data["seeded"]
    how = (
        f"PostgreSQL, `manage.py seed_workspace` (100 campaigns × 100 shots × 10 takes: "
        f"{seeded['takes']} takes, {seeded['events']} events, {seeded['comments']} comments, "
        f"{seeded['decisions']} decisions, seeded in {seeded['seconds']} s); 20 requests per "
        "page after a warm-up; every query on the take, event, comment and decision tables run "
        "again under EXPLAIN."
    )
    out = []
    for page, m in data["pages"].items():
        scans = ", ".join(m["seq_scans"]) or "none"
        out.append({
            "name": f"at scale: {page}",
            "result": f"median {m['median_ms']} ms, p95 {m['p95_ms']} ms, {m['queries']} "
            f"queries; sequential scans: {scans}",
            "target": f"p95 < {GOAL_MS} ms, no sequential scan of the big tables",
            "ok": m["p95_ms"] < GOAL_MS and not m["seq_scans"],
            "how": how,
            "why": "a page whose query scans a big table, or renders too many rows, at 100 000 "
            "takes; an index (with its migration) or a page of rows closes it.",
        })  # fmt: skip
    if "recompute" in data:
        r = data["recompute"]
        out.append({
            "name": "at scale: workspace spend, figures computed again",
            "result": f"{r['one']} ms when one campaign's money moved since the last view; "
            f"{r['all']} ms for the first view after seeding (all {seeded['campaigns']} campaigns)",
            "target": "(a figure: the page above reads stored figures)",
            "ok": None,
            "how": how,
        })  # fmt: skip
    return out
