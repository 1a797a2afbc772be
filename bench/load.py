"""The load run: gunicorn on PostgreSQL (with Redis as cache and a worker cluster), 500 takes in
flight at the fake OpenAI-compatible provider, and 100 simulated reviewers (locust, headless)
for 3 minutes opening the board, the grid, take pages, the review queue, polling and
commenting. Reports requests, 5xx and p50/p95 per page.

    .venv/bin/python -m bench.load            # 100 users, 180 s
    LOAD_SECONDS=60 .venv/bin/python -m bench.load
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import stack

ROOT = Path(__file__).resolve().parent.parent
USERS = 100
PASSWORD = "load-test-password"
REDIS_URL = "redis://127.0.0.1:6379/12"

SEED = r"""
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from generation.models import Render, RenderStatus
from studio.shots import editing
from studio.production.deliverables import add_format
from studio.models import Campaign, Comment, Membership, Shot, Workspace

User = get_user_model()
workspace = Workspace.objects.create(name="Load")
password = make_password("PASSWORD")
owner = User.objects.create(username="owner", password=password)
Membership.objects.create(workspace=workspace, user=owner, role="owner")
for i in range(1, USERS + 1):
    user = User.objects.create(username=f"reviewer{i}", password=password)
    Membership.objects.create(workspace=workspace, user=user, role="reviewer")
campaign = Campaign.objects.create(workspace=workspace, name="Load")
add_format(campaign, "YouTube", "16:9")
add_format(campaign, "Reels", "9:16")
poll = []
for i in range(1, 126):
    shot = Shot.objects.create(campaign=campaign, title=f"Shot {i}", model_key="sora-2",
                               size="1280x720", seconds=4, position=i,
                               prompt={"scene": f"Load take {i}: cold brew over ice."})
    takes = editing.request_takes(shot, owner, variations=4)
    poll.append(f"{shot.pk}:" + ",".join(str(t.pk) for t in takes))
video = default_storage.save("load/sample.mp4", ContentFile(open("VIDEO", "rb").read()))
done = []
for shot in Shot.objects.filter(campaign=campaign)[:20]:
    take = Render.objects.create(shot=shot, take=5, model_key="sora-2", provider="openai",
        size="1280x720", seconds=4, prompt_text="done", status=RenderStatus.COMPLETED,
        video_key=video, thumbnail_key="", duration_ms=4000, width=1280, height=720)
    Comment.objects.bulk_create([Comment(render=take, author=owner, body=f"Note {n}",
                                         timecode_ms=n * 80) for n in range(50)])
    done.append(take.pk)
print(json.dumps({"campaign": campaign.pk, "poll": poll, "takes": done}))
"""


def run(seconds: int = int(os.environ.get("LOAD_SECONDS", "180")), users: int = USERS) -> dict:
    admin = stack.postgres()
    if admin is None:
        raise RuntimeError("the load run needs PostgreSQL on 127.0.0.1:5432")
    name = f"reelroom_load_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    tmp = Path(tempfile.mkdtemp(prefix="reelroom-load-"))
    processes = stack.Processes(tmp / "servers.log")
    fake = None
    try:
        sample = tmp / "sample.mp4"
        sample.write_bytes(stack.sample_video())
        fake = stack.FakeOpenAI(sample.read_bytes()).start()
        fake.faults.render_seconds = lambda prompt: 3600  # in flight for the whole run
        env = stack.base_env(
            tmp, DATABASE_URL=f"postgres://{stack.PG['user']}@127.0.0.1:5432/{name}",
            REDIS_URL=REDIS_URL, STUDIO_CACHE_PREFIX=name,
            STUDIO_QUEUE_NAME=name, OPENAI_API_KEY=stack.API_KEY, OPENAI_BASE_URL=fake.url,
            STUDIO_WORKERS="2",
        )  # fmt: skip
        stack.manage(env, "migrate", "-v0", timeout=300)
        seed = SEED.replace("USERS", str(users)).replace("PASSWORD", PASSWORD)
        world = json.loads(
            stack.manage(env, "shell", "--no-imports", "-c", seed.replace("VIDEO", str(sample)))
            .strip()
            .splitlines()[-1]
        )
        base = stack.gunicorn(processes, env, 4, "--keep-alive=10")
        processes.start([sys.executable, "manage.py", "qcluster"], env)
        # Let the cluster send the 500 takes before the reviewers arrive.
        deadline = time.monotonic() + 180
        while len(fake.seen.creates) < 500 and time.monotonic() < deadline:
            time.sleep(1)
        locust_env = {
            **os.environ, "LOAD_CAMPAIGN": str(world["campaign"]),
            "LOAD_TAKES": ",".join(map(str, world["takes"])), "LOAD_POLL": ";".join(world["poll"]),
            "LOAD_USERS": str(users), "LOAD_PASSWORD": PASSWORD,
        }  # fmt: skip
        locust = str(Path(sys.executable).with_name("locust"))
        subprocess.run(
            [locust, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(users), "-r", "20", "-t", f"{seconds}s", "--host", base,
             "--csv", str(tmp / "load"), "--only-summary"],
            cwd=ROOT, env=locust_env, check=False, timeout=seconds + 120,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        rows = list(csv.DictReader((tmp / "load_stats.csv").open()))
        failures = list(csv.DictReader((tmp / "load_failures.csv").open()))
        in_flight = json.loads(stack.manage(
            env, "shell", "--no-imports", "-c",
            "import json; from generation.models import Render, IN_FLIGHT; "
            "print(json.dumps(Render.objects.filter(status__in=IN_FLIGHT).count()))",
        ).strip().splitlines()[-1])  # fmt: skip
    finally:
        processes.stop()
        if fake:
            fake.stop()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        stack.forget_redis(REDIS_URL, name)
    pages = [
        {"page": r["Name"], "requests": int(r["Request Count"]),
         "failures": int(r["Failure Count"]), "p50_ms": r["50%"], "p95_ms": r["95%"]}
        for r in rows if r["Name"] != "Aggregated"
    ]  # fmt: skip
    server_errors = sum(
        int(f["Occurrences"]) for f in failures if re.search(r"\b5\d\d\b", f["Error"])
    )
    return {"users": users, "seconds": seconds, "in_flight": in_flight, "pages": pages,
            "server_errors": server_errors,
            "failures": sum(int(f["Occurrences"]) for f in failures)}  # fmt: skip


def markdown(result: dict) -> str:
    lines = [
        "## Load",
        "",
        f"{result['users']} simulated reviewers (locust) for {result['seconds']} s against "
        "gunicorn (4 workers × 4 threads, keep-alive 10 s) on PostgreSQL with Redis as cache, "
        f"one worker cluster, {result['in_flight']} takes in flight at the fake provider. "
        f"**{result['server_errors']} responses 5xx**, {result['failures']} failures in all. "
        "The load generator, the web server, the cluster and PostgreSQL share the machine's "
        "cores, so the times are the whole machine's under load (logins hash a password: 100 "
        "arriving in 5 s queue).",
        "",
        "| page | requests | failures | p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {p['page']} | {p['requests']} | {p['failures']} | {p['p50_ms']} | {p['p95_ms']} |"
        for p in result["pages"]
    ]
    lines += ["", "Reproduce: `make load` (`.venv/bin/python -m bench.load`; needs PostgreSQL "
              "and Redis on 127.0.0.1; `LOAD_SECONDS` to shorten it).", ""]  # fmt: skip
    return "\n".join(lines)


LOAD_RESULT = ROOT / "bench" / "load-result.md"


def keep(text: str) -> None:
    """Keep the run's section (make bench puts it in docs/benchmarks.md) and put it there now."""
    LOAD_RESULT.write_text(text)
    doc = ROOT / "docs" / "benchmarks.md"
    current = doc.read_text() if doc.exists() else "# Benchmarks\n"
    before = current.split("## Load", 1)[0].rstrip("\n")
    doc.write_text(f"{before}\n\n{text}")


if __name__ == "__main__":
    outcome = run()
    text = markdown(outcome)
    print(text)
    keep(text)
    sys.exit(1 if outcome["server_errors"] else 0)
