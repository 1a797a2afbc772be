"""A running studio for the benchmarks, as it runs in production: a database (PostgreSQL when
it answers on 127.0.0.1, else the default SQLite), Redis as cache when it answers, takes stored
in S3 (moto's server on 127.0.0.1), the fake OpenAI-compatible provider, one worker cluster and,
for webhooks, gunicorn."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import boto3
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.openai_fake import API_KEY, FakeOpenAI  # noqa: E402

PG = {"host": "127.0.0.1", "port": 5432, "user": os.environ.get("PGUSER", "postgres")}
REDIS_URL = "redis://127.0.0.1:6379/14"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"reelroom-bench-webhook-key").decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres():
    """An autocommit connection to PostgreSQL's admin database, or None when it does not
    answer."""
    try:
        import psycopg

        return psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=2, **PG)
    except Exception:
        return None


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def forget_redis(url: str, name: str) -> None:
    """Delete the keys a run named `name` left in Redis (its cache prefix and queue carry it)."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    stale = list(client.scan_iter(match=f"*{name}*"))
    if stale:
        client.delete(*stale)


class S3Server:
    """moto's S3 server on a free port of 127.0.0.1, in its own process (so that its work is not
    counted against the fake provider's, which runs in this one)."""

    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        binary = str(Path(sys.executable).with_name("moto_server"))
        self.process = subprocess.Popen(
            [binary, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(f"{self.endpoint}/moto-api/", self.process, "moto's S3 server")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def client(self):
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id="bench", aws_secret_access_key="bench",
        )  # fmt: skip

    def bucket(self) -> str:
        name = f"bench-{uuid.uuid4().hex[:10]}"
        self.client().create_bucket(Bucket=name)
        return name


class Databases:
    """One migrated template, copied for every run (PostgreSQL: CREATE DATABASE … TEMPLATE)."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.admin = postgres()
        self.kind = "PostgreSQL" if self.admin else "SQLite"
        self.template = f"reelroom_bench_{uuid.uuid4().hex[:8]}"
        self.made: list[str] = []

    def url(self, name: str) -> str:
        if self.admin:
            return f"postgres://{PG['user']}@127.0.0.1:5432/{name}"
        return f"sqlite:///{self.tmp / name}.sqlite3"

    def prepare(self, env: dict) -> None:
        if self.admin:
            self.admin.execute(f'CREATE DATABASE "{self.template}"')
        manage(env | {"DATABASE_URL": self.url(self.template)}, "migrate", "--noinput")

    def copy(self, source: str = "") -> str:
        """A new database made from `source` (the migrated template by default)."""
        source = source or self.template
        name = f"{self.template}_{len(self.made)}"
        if self.admin:
            self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        else:
            shutil.copy(self.tmp / f"{source}.sqlite3", self.tmp / f"{name}.sqlite3")
        self.made.append(name)
        return name

    def query(self, name: str, sql: str) -> list[tuple]:
        if self.admin:
            import psycopg

            with psycopg.connect(dbname=name, autocommit=True, **PG) as db:
                return db.execute(sql).fetchall()
        with contextlib.closing(sqlite3.connect(self.tmp / f"{name}.sqlite3", timeout=30)) as db:
            return db.execute(sql).fetchall()

    def drop_all(self) -> None:
        if self.admin:
            for name in [*self.made, self.template]:
                self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.admin.close()


def epoch(value) -> float:
    """A DateTimeField read by raw SQL (an aware datetime from PostgreSQL, text from SQLite) as
    seconds since the epoch."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def child_json(code: str, what: str, *args: object, prefix: str = "reelroom-bench-") -> dict:
    """Run `code` in a fresh Python process on a throwaway SQLite studio (its own folder) and
    read the JSON it prints last. Raises RuntimeError with its error output when it fails."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        env = base_env(Path(tmp), DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3")
        done = subprocess.run(
            [sys.executable, "-c", code, *map(str, args)], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"the {what} benchmark failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def base_env(tmp: Path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "STUDIO_", "OPENAI_", "RUNWARE_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="studio.settings", DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", STUDIO_VAR_DIR=str(tmp / "var"), **extra,
    )  # fmt: skip
    return env


def manage(env: dict, *args, timeout=600) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    if result.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


class Processes:
    """Server processes in their own process groups, stopped (TERM, then KILL) on exit."""

    def __init__(self, log: Path):
        self.log = log.open("a")
        self.running: list[subprocess.Popen] = []

    def start(self, args: list[str], env: dict) -> subprocess.Popen:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.running.append(process)
        return process

    def stop(self) -> None:
        """SIGKILL to each process group: what was measured is in the database already, and a
        graceful stop (a cluster finishing its sweep) would only add seconds to every run."""
        for process in self.running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
        for process in self.running:
            process.wait()
        self.running = []
        self.log.close()


def gunicorn(processes: Processes, env: dict, workers: int = 2, *options: str) -> str:
    """Start the web server; returns its base URL once /healthz answers."""
    port = free_port()
    binary = str(Path(sys.executable).with_name("gunicorn"))
    processes.start(
        [binary, "studio.wsgi", f"--bind=127.0.0.1:{port}", f"--workers={workers}",
         "--threads=4", *options],
        env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/healthz", processes.running[-1], "gunicorn")
    return base


def wait_for(url: str, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    """Until `url` answers at all (any status), or the process died, or time ran out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.1)


# Put before a child script that measures memory: the peak resident size from a point on.
PEAK = r"""
def peak_kb():
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmHWM:"))

def reset_peak():
    # Linux: VmHWM, reset through clear_refs. ru_maxrss would keep the peak of the parent this
    # process was forked from (here, one holding the fake provider's 512 MB).
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    return peak_kb()
"""

# A take of a given size as a provider would deliver it: a real MP4 (a second of picture) and a
# `free` box filling the rest, sparse on disk (the disk is not what is measured); then its
# signed copy made, as the store phase makes it, before anything is measured.
STORED_TAKE = r"""
import functools, struct, subprocess, tempfile

@functools.cache
def _tiny_mp4():
    from generation import media
    out = tempfile.mkdtemp() + "/tiny.mp4"
    subprocess.run([media.ffmpeg(), "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=128x72:rate=4", "-t", "1", "-pix_fmt", "yuv420p", out],
                   check=True)
    return open(out, "rb").read()

def write_take_file(path, size):
    head = _tiny_mp4()
    with open(path, "wb") as handle:
        handle.write(head + struct.pack(">I4s", size - len(head), b"free"))
        handle.truncate(size)

def sign_take(take):
    from generation.jobs import signing
    signing.sign(take.pk)
"""

SAMPLE = r"""
import sys, tempfile
import django
django.setup()
from pathlib import Path
from generation.media.animatic import render
out = Path(tempfile.mkdtemp()) / "sample.mp4"
render({"title": "Bench", "prompt": "A cup.", "width": 1280, "height": 720, "seconds": 4,
        "audio": True, "structure": {"scene": "A cup."}}, out, lambda p: None)
sys.stdout.buffer.write(out.read_bytes())
"""


def sample_video() -> bytes:
    """A real 4 s 720p take with sound (the animatic of one shot): what the fake provider
    sends."""
    with tempfile.TemporaryDirectory(prefix="reelroom-sample-") as tmp:
        return subprocess.run(
            [sys.executable, "-c", SAMPLE], cwd=ROOT, env=base_env(Path(tmp)),
            capture_output=True, check=True, timeout=120,
        ).stdout  # fmt: skip


__all__ = ["API_KEY", "FakeOpenAI", "WEBHOOK_SECRET"]
