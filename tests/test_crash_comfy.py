"""The crash suite on the team's own GPUs: 15 takes over three fake ComfyUI backends (one job
each, as ComfyUI runs one prompt at a time), two worker clusters on PostgreSQL, every cluster
process killed with SIGKILL while sends are in flight and restarted. Every take ends completed
with the backend's bytes, each made exactly one job (a send whose answer died with its worker is
looked up by its prompt and seed, never sent again), and no backend ever had two jobs at once.

Marked `services` (PostgreSQL and Redis on 127.0.0.1); the figures are printed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
import sys
import time
import uuid

import pytest

from tests.fakes.comfy_fake import TOKEN, FakeComfy
from tests.services import (
    REDIS_DB,
    ROOT,
    CrashStack,
    forget_run,
    postgres_or_skip,
    redis_or_skip,
    service_env,
    wait,
)

TAKES = 15
BACKENDS = ("gpu1", "gpu2", "gpu3")
CLUSTERS = 2

CREATE = """
from django.contrib.auth import get_user_model
from generation.models import BoundWorkflow
from studio.shots import editing
from studio.models import Campaign, Membership, Shot, Workspace
BoundWorkflow.objects.create(
    key="wan", label="Wan 2.2 (crash)", sizes=["832x480"], durations=[3], fps=16,
    frame_rule="4n+1", graph=GRAPH, bindings=BINDINGS,
)
user = get_user_model().objects.get_or_create(username="owner")[0]
workspace = Workspace.objects.create(name="GPUs")
Membership.objects.create(workspace=workspace, user=user, role="owner")
campaign = Campaign.objects.create(workspace=workspace, name="Crash on our GPUs")
for i in range(1, TAKES + 1):
    shot = Shot.objects.create(campaign=campaign, title=f"Shot {i}", model_key="comfy-wan",
                               size="832x480", seconds=3, position=i,
                               prompt={"scene": f"GPU take {i}: a cup of cold brew."})
    editing.request_takes(shot, user)
print("created")
"""
GRAPH = {
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["38", 0]}},
    "38": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl.safetensors"}},
    "55": {"class_type": "Wan22ImageToVideoLatent", "inputs": {"width": 1280, "length": 81}},
    "57": {"class_type": "KSamplerAdvanced", "inputs": {"noise_seed": 0}},
}
BINDINGS = {"prompt": ["6", "text"], "seed": ["57", "noise_seed"], "frames": ["55", "length"]}


@contextlib.contextmanager
def comfy_stack(tmp_path, video: bytes):
    admin = postgres_or_skip()
    redis_client = redis_or_skip(REDIS_DB)
    name = f"reelroom_gpus_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    fakes = {n: FakeComfy(video).start() for n in BACKENDS}
    for fake in fakes.values():
        fake.faults.polls_to_finish = 2
        fake.faults.slow_submit = 1.0  # a send's answer takes a second: kills land inside it
    env = service_env(
        name,
        tmp_path / "var",
        REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        STUDIO_CACHE_PREFIX=name,
        STUDIO_COMFY_BACKENDS=" ".join(f"{n}={f.root}" for n, f in fakes.items()),
        **{f"STUDIO_COMFY_TOKEN_{n.upper()}": TOKEN for n in BACKENDS},
        STUDIO_HTTP_TIMEOUT="5",
        STUDIO_WORKERS="4",
        STUDIO_SWEEP_THREADS="8",
        STUDIO_RECONCILE_GRACE="10",
    )
    stack = CrashStack(env, tmp_path / "var", fakes["gpu1"], name, "orm", CLUSTERS)
    stack.comfy = fakes
    try:
        stack.manage("migrate", "--noinput")
        yield stack
    finally:
        stack.kill_all()
        for fake in fakes.values():
            fake.stop()
        forget_run(admin, redis_client, name)


@pytest.mark.services
def test_kill_9_with_takes_on_our_gpus_loses_nothing_and_makes_one_job_each(tmp_path, sample_mp4):
    with comfy_stack(tmp_path, sample_mp4) as stack:
        fakes = stack.comfy
        script = (
            CREATE.replace("TAKES", str(TAKES))
            .replace("GRAPH", json.dumps(GRAPH))
            .replace("BINDINGS", json.dumps(BINDINGS))
        )
        started = time.monotonic()
        stack.start_clusters()
        created = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
            cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
        assert "created" in created.stdout, created.stderr[-2000:]

        def sends() -> int:
            return sum(len(f.seen.submits) for f in fakes.values())

        wait("sends", lambda: sends() >= 4, 120, every=0.05)
        stack.kill_all()
        kills = [("sends in flight", sends())]
        stack.start_clusters()
        wait("sends", lambda: sends() >= 9, 180, every=0.05)
        stack.kill_all()
        kills.append(("sends in flight", sends()))
        stack.start_clusters()

        final = {"completed", "failed", "expired", "cancelled"}

        def settled():
            counts = stack.statuses()
            return sum(counts.values()) == TAKES and set(counts) <= final

        wait("every take to be final", settled, 300, every=0.5)
        stack.kill_all()
        counts = stack.statuses()
        jobs = [j for f in fakes.values() for j in f.jobs.values()]
        prompts = [j.workflow["6"]["inputs"]["text"] for j in jobs]
        rows = stack.sql("SELECT video_key, sha256, backend FROM generation_render")
        expected = hashlib.sha256(sample_mp4).hexdigest()
        media = stack.var / "media"
        lost = [r for r in rows if not (media / r[0]).is_file()]
        figures = {
            "takes": TAKES,
            "backends": len(BACKENDS),
            "kills": kills,
            "sends": sends(),
            "sends whose answer was lost (looked up)": stack.sql(
                "SELECT count(*) FROM generation_renderevent WHERE to_status = 'reconciling'"
            )[0][0],
            "jobs": len(jobs),
            "duplicate jobs": len(prompts) - len(set(prompts)),
            "statuses": counts,
            "lost (no bytes)": len(lost),
            "most jobs at once per backend": {n: f.seen.most_active for n, f in fakes.items()},
            "takes per backend": {n: sum(1 for r in rows if r[2] == n) for n in BACKENDS},
            "whole run (s)": round(time.monotonic() - started, 1),
        }
        print("CRASH SUITE (own GPUs) " + json.dumps(figures, default=str))
        assert counts == {"completed": TAKES}, figures
        assert len(jobs) == TAKES and len(set(prompts)) == TAKES, figures  # one job each
        assert lost == [] and all(r[1] == expected for r in rows), figures
        assert all(f.seen.most_active == 1 for f in fakes.values()), figures
        assert [v for f in fakes.values() for v in f.seen.violations] == []
