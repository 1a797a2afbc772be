"""Scale-out: two worker clusters ("nodes") on one PostgreSQL database with Redis as broker and
cache, against the fake OpenAI-compatible provider. Every take is also submitted twice on
purpose. Each take must still make exactly one paid job.

Skipped, saying why, when PostgreSQL or Redis is not running on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.fakes.openai_fake import API_KEY, FakeOpenAI
from tests.services import forget_run, postgres_or_skip, redis_or_skip, service_env

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 14
TAKES = 6


@pytest.fixture
def nodes(tmp_path, sample_mp4):
    admin = postgres_or_skip()
    redis_client = redis_or_skip(REDIS_DB)
    # Everything this run puts in shared services is named after the run, so two runs on one
    # machine never see each other's databases, queues, clusters or cache entries.
    name = f"reelroom_scaleout_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    fake = FakeOpenAI(sample_mp4).start()
    fake.faults.polls_to_finish = 1
    env = service_env(
        name,
        tmp_path / "shared-var",
        REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        STUDIO_QUEUE_BROKER="redis",
        STUDIO_CACHE_PREFIX=name,
        OPENAI_API_KEY=API_KEY,
        OPENAI_BASE_URL=fake.url,
        STUDIO_HTTP_TIMEOUT="5",
        STUDIO_WORKERS="2",
    )
    clusters = []

    def manage(*args, check=True):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if check:
            assert result.returncode == 0, result.stderr[-2000:]
        return result

    try:
        manage("migrate", "--noinput")
        for i in range(2):
            log = (tmp_path / f"node-{i}.log").open("w")
            clusters.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "qcluster"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        yield manage, fake
    finally:
        for cluster in clusters:
            cluster.terminate()
        for cluster in clusters:
            try:
                cluster.wait(timeout=30)
            except subprocess.TimeoutExpired:
                cluster.kill()
        fake.stop()
        forget_run(admin, redis_client, name)


REQUEST = """
import json
from django.contrib.auth import get_user_model
from generation import queue
from studio.shots import editing
from studio.models import Campaign, Membership, Shot, Workspace
user = get_user_model().objects.create_user("owner", "owner@example.com")
workspace = Workspace.objects.create(name="Scale")
Membership.objects.create(workspace=workspace, user=user, role="owner")
campaign = Campaign.objects.create(workspace=workspace, name="Scale-out")
shot = Shot.objects.create(campaign=campaign, title="Pour", model_key="sora-2",
                           size="1280x720", seconds=4, position=1,
                           prompt={"scene": "A cup of cold brew on a sunlit table."})
takes = editing.request_takes(shot, user, variations=4) + editing.request_takes(shot, user,
                                                                         variations=2)
for take in takes:  # every submit delivered twice, to both clusters' shared queue
    queue.enqueue("submit", take.pk)
print(json.dumps([t.pk for t in takes]))
"""

STATUS = """
import json
from django_q.status import Stat
from generation.models import Render
print(json.dumps({"takes": list(Render.objects.order_by("pk").values_list("status", flat=True)),
                  "clusters": len(Stat.get_all())}))
"""


@pytest.mark.scaleout
def test_two_clusters_on_postgres_and_redis_make_one_job_per_take(nodes):
    manage, fake = nodes
    ids = json.loads(manage("shell", "--no-imports", "-c", REQUEST).stdout.strip().splitlines()[-1])
    assert len(ids) == TAKES
    deadline = time.monotonic() + 150
    state = {}
    while time.monotonic() < deadline:
        state = json.loads(
            manage("shell", "--no-imports", "-c", STATUS).stdout.strip().splitlines()[-1]
        )
        if state["takes"] and all(s == "completed" for s in state["takes"]):
            break
        time.sleep(2)
    assert state["takes"] == ["completed"] * TAKES, state
    assert state["clusters"] == 2
    assert len(fake.seen.creates) == TAKES  # one paid job per take, never two
    assert len({c["prompt"] for c in fake.seen.creates}) == 1
    assert fake.seen.violations == []
