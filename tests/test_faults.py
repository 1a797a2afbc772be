"""The fault suite, on PostgreSQL with a worker cluster and the fake OpenAI-compatible provider:
the provider answers 500 then 429 (with Retry-After) for 30 s and recovers; the provider accepts
creates and the connection drops before the answer; storage refuses writes for 30 s; the
database connections are cut (backends terminated) while takes move. Each time: every take
completes, the provider made exactly one job per take, the stored bytes are the provider's, and
the campaign's activity feed says what went wrong and what was done.

Marked `services`: PostgreSQL and Redis on 127.0.0.1, else skipped saying why."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import threading
import time

import pytest

from tests.services import ROOT, create_script, running_stack, wait

TAKES = 10
FINAL = {"completed", "failed", "expired", "cancelled"}

ACTIVITY = """
import json
from studio.review.activity import activity
from studio.models import Campaign
print(json.dumps([a.text for a in activity(Campaign.objects.get(), limit=500)
                  if a.kind == "trouble"]))
"""


@pytest.fixture
def stack(tmp_path, sample_mp4):
    with running_stack(tmp_path, sample_mp4, "orm", clusters=1) as running:
        running.fake.faults.render_seconds = lambda prompt: 3
        running.fake.faults.content_seconds = 0
        yield running


def _create(stack) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         create_script(TAKES, prefix="Fault")],
        cwd=ROOT, env=stack.env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def _settle(stack, timeout: float) -> float:
    started = time.monotonic()

    def final():
        counts = stack.statuses()
        return sum(counts.values()) == TAKES and set(counts) <= FINAL

    wait("every take to be final", final, timeout, every=1)
    return time.monotonic() - started


def _clean(stack, name: str, seconds: float) -> list[str]:
    """Every take completed, one job each, the provider's bytes stored; the trouble lines of
    the activity feed."""
    counts = stack.statuses()
    prompts = [c["prompt"] for c in stack.fake.seen.creates]
    rows = stack.sql("SELECT video_key, sha256, provider_job_id FROM generation_render")
    expected = hashlib.sha256(stack.fake.video_bytes).hexdigest()
    media = stack.var / "media"
    stored_ok = all(
        (media / key).is_file() and hashlib.sha256((media / key).read_bytes()).hexdigest()
        == expected == sha
        for key, sha, _ in rows
    )  # fmt: skip
    trouble = json.loads(stack.manage("shell", "--no-imports", "-c", ACTIVITY).splitlines()[-1])
    print(f"FAULT {name}: " + json.dumps({
        "takes": TAKES, "statuses": counts, "creates": len(prompts),
        "duplicates": len(prompts) - len(set(prompts)), "settled_s": round(seconds, 1),
        "activity lines": len(trouble), "example": trouble[:1],
    }))  # fmt: skip
    assert counts == {"completed": TAKES}
    assert len(prompts) == len(set(prompts)) == TAKES  # exactly one job per take
    assert len({job for _, _, job in rows}) == TAKES
    assert stored_ok
    return trouble


@pytest.mark.services
def test_the_provider_fails_for_30_seconds_then_recovers(stack):
    faults = stack.fake.faults
    faults.outage_status, faults.retry_after = 500, 5
    faults.outage_until = time.time() + 30
    threading.Timer(15, lambda: setattr(faults, "outage_status", 429)).start()  # then 429s
    stack.start_clusters()
    _create(stack)
    seconds = _settle(stack, 180)
    trouble = _clean(stack, "provider 500/429 for 30 s", seconds)
    assert stack.fake.seen.outage_answers > TAKES
    assert any("the provider refused it" in t or "answer was lost" in t for t in trouble)


@pytest.mark.services
def test_creates_accepted_but_answers_dropped_make_one_job_each(stack):
    stack.fake.faults.drop_after_create = TAKES // 2
    stack.start_clusters()
    _create(stack)
    seconds = _settle(stack, 180)
    trouble = _clean(stack, "create accepted, connection dropped", seconds)
    assert sum("answer was lost" in t for t in trouble) >= TAKES // 2


@pytest.mark.services
def test_storage_refuses_writes_for_30_seconds(stack):
    media = stack.var / "media"
    media.mkdir(parents=True, exist_ok=True)
    stack.start_clusters()
    _create(stack)
    wait("takes rendering", lambda: stack.statuses().get("in_progress", 0) >= TAKES // 2, 60)
    # The media folder is replaced by a file: every write fails until it is back.
    away = media.with_name("media-away")
    media.rename(away)
    media.write_text("storage is refusing writes")
    time.sleep(30)
    media.unlink()
    away.rename(media)
    seconds = _settle(stack, 240)
    trouble = _clean(stack, "storage refuses writes for 30 s", seconds)
    assert any("storing failed" in t for t in trouble)
    shutil.rmtree(media.with_name("media-away"), ignore_errors=True)


@pytest.mark.services
def test_database_connections_cut_while_takes_move(stack):
    stack.start_clusters()
    _create(stack)
    cuts = 0
    deadline = time.monotonic() + 12
    while time.monotonic() < deadline:  # terminate every other backend, over and over
        cuts += len(stack.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{stack.database}' AND pid <> pg_backend_pid()"
        ))  # fmt: skip
        time.sleep(1)
    seconds = _settle(stack, 180)
    _clean(stack, f"database cut {cuts} times", seconds)
    assert cuts > 0
