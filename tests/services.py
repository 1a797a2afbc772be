"""A studio on PostgreSQL (and Redis) with worker clusters in their own process groups,
against the fake OpenAI-compatible provider: what the crash and fault suites drive."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from tests.fakes.openai_fake import API_KEY, FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
PG = {"host": "127.0.0.1", "port": 5432, "user": os.environ.get("PGUSER", "postgres")}


def postgres_or_skip():
    """An autocommit connection to PostgreSQL's admin database, or the test is skipped."""
    try:
        import psycopg

        return psycopg.connect(dbname="postgres", connect_timeout=3, autocommit=True, **PG)
    except Exception as error:
        pytest.skip(f"this test needs PostgreSQL on 127.0.0.1:5432 ({error})")


def redis_or_skip(db: int):
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=db, socket_timeout=3)
        client.ping()
        return client
    except Exception as error:
        pytest.skip(f"this test needs Redis on 127.0.0.1:6379 ({error})")


def forget_run(admin, redis_client, name: str) -> None:
    """Remove what a run named `name` left in the shared services: its Redis keys (queue,
    cache) and its database."""
    stale = list(redis_client.scan_iter(match=f"*{name}*"))
    if stale:
        redis_client.delete(*stale)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def create_script(takes: int, prefix: str = "Take") -> str:
    """A shell script that requests `takes` takes, one per shot, each with its own prompt."""
    return CREATE.replace("TAKES", str(takes)).replace("PREFIX", prefix)


CREATE = """
import json
from django.contrib.auth import get_user_model
from studio.shots import editing
from studio.models import Campaign, Membership, Shot, Workspace
user = get_user_model().objects.get_or_create(username="owner")[0]
workspace = Workspace.objects.create(name="PREFIX")
Membership.objects.create(workspace=workspace, user=user, role="owner")
campaign = Campaign.objects.create(workspace=workspace, name="Crash")
for i in range(1, TAKES + 1):
    scene = f"PREFIX number {i}: a cup of cold brew, view {i}."
    shot = Shot.objects.create(campaign=campaign, title=f"Shot {i}", model_key="sora-2",
                               size="1280x720", seconds=4, position=i, prompt={"scene": scene})
    editing.request_takes(shot, user)
print("created")
"""


def _render_seconds(prompt: str) -> float:
    """5–20 s, spread by the prompt (so completions arrive over time)."""
    return 5 + int(hashlib.sha256(prompt.encode()).hexdigest(), 16) % 16


def service_env(database: str, var, **extra) -> dict[str, str]:
    """The environment of a studio process on the PostgreSQL database `database`: this
    process's own studio settings left out, the run's names (queue) after the database."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "STUDIO_", "OPENAI_", "RUNWARE_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="studio.settings",
        DATABASE_URL=f"postgres://{PG['user']}@127.0.0.1:5432/{database}",
        STUDIO_QUEUE_NAME=database,
        STUDIO_VAR_DIR=str(var),
        **extra,
    )
    return env


REDIS_DB = 13  # the crash and fault suites' (the scale-out test has its own)


@contextlib.contextmanager
def running_stack(tmp_path, video: bytes, broker: str = "orm", clusters: int = 3):
    admin = postgres_or_skip()
    redis_client = redis_or_skip(REDIS_DB)
    name = f"reelroom_services_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    fake = FakeOpenAI(video).start()
    fake.faults.render_seconds = _render_seconds
    fake.faults.content_seconds = 1.5  # downloads are in flight for a while
    var = tmp_path / "var"
    env = service_env(
        name,
        var,
        REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        STUDIO_QUEUE_BROKER=broker,
        STUDIO_CACHE_PREFIX=name,
        OPENAI_API_KEY=API_KEY,
        OPENAI_BASE_URL=fake.url,
        STUDIO_HTTP_TIMEOUT="5",
        STUDIO_WORKERS="4",
        STUDIO_SWEEP_THREADS="8",
        STUDIO_RECONCILE_GRACE="10",
    )
    stack = CrashStack(env, var, fake, name, broker, clusters)
    try:
        stack.manage("migrate", "--noinput")
        yield stack
    finally:
        stack.kill_all()
        fake.stop()
        forget_run(admin, redis_client, name)


class CrashStack:
    def __init__(self, env, var, fake: FakeOpenAI, database: str, broker: str, clusters: int):
        self.env, self.var, self.fake, self.database, self.broker = env, var, fake, database, broker
        self.cluster_count = clusters
        self.clusters: list[subprocess.Popen] = []
        self.logs = []

    def manage(self, *args, timeout=240):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
            text=True, timeout=timeout,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def start_clusters(self):
        for _ in range(self.cluster_count):
            log = (self.var.parent / f"cluster-{len(self.logs)}.log").open("w")
            self.logs.append(log)
            self.clusters.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "qcluster"],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
            )

    def kill_all(self):
        """SIGKILL to every process of every cluster (each runs in its own process group)."""
        for cluster in self.clusters:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait()
        self.clusters = []

    def sql(self, query: str, params=None):
        import psycopg

        with psycopg.connect(dbname=self.database, autocommit=True, **PG) as db:
            return db.execute(query, params).fetchall()

    def statuses(self) -> dict[str, int]:
        return dict(self.sql("SELECT status, count(*) FROM generation_render GROUP BY status"))

    def content_downloads(self) -> int:
        return sum(1 for _, path in self.fake.seen.requests if path.endswith("/content"))

    def log_lines(self, index: int) -> list[tuple[float, str]]:
        """(time.time(), line) of each timestamped line the `index`-th cluster started logged."""
        log = self.logs[index]
        log.flush()
        lines = []
        for line in Path(log.name).read_text(errors="replace").splitlines():
            try:
                stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp()
            except ValueError:
                continue
            lines.append((stamp, line))
        return lines

    def first_sweeps(self, first: int, since: float) -> list[float | None]:
        """Seconds from `since` to the first sweep pass of each cluster started from the
        `first`-th on (None: it has not swept)."""
        found: list[float | None] = []
        for index in range(first, len(self.logs)):
            stamps = [t for t, line in self.log_lines(index) if "first pass starting" in line]
            found.append(round(stamps[0] - since, 2) if stamps else None)
        return found

    def render_to_go(self, since: float) -> float:
        """The longest render still to go at `since`: a job made later counts all of its render."""
        return max(
            (
                max(0.0, min(job.finish_at - since, job.finish_at - job.made_at))
                for job in self.fake.jobs.values()
                if job.finish_at is not None
            ),
            default=0.0,
        )


def wait(what, condition, timeout: float, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(every)


def run_on_fresh_database(tmp_path, prefix: str, script: str, **env_extra) -> dict:
    """Migrate a new PostgreSQL database, run `script` in `manage.py shell` on it (its last
    line printed is JSON), drop the database, and return what it printed."""
    admin = postgres_or_skip()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    env = service_env(name, tmp_path / "var", **env_extra)

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=180,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    try:
        manage("migrate", "--noinput")
        return json.loads(manage("shell", "--no-imports", "-c", script).strip().splitlines()[-1])
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
