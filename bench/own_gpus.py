"""The team's own GPUs (issue 41): the studio's overhead per ComfyUI take beside the Runware
route's. 20 takes of each, each a real 4 s 720p video, driven by the real sweep (claim a GPU
slot, upload nothing, submit, poll, store: probe, poster, signing) against the fake servers of
the test suite running in a process of their own, each finishing a job on its second poll. What
is counted is the studio's side only: the HTTP calls it makes per take (counted in httpx), and
its CPU time per take (this process and the tools it runs: ffmpeg, ffprobe), so the fakes' work
is not in it."""

from __future__ import annotations

from bench import stack

FAKES = r"""
import json, sys, time
from tests.fakes.comfy_fake import FakeComfy
from tests.fakes.runware_fake import FakeRunware
video = open(sys.argv[1], "rb").read()
comfy, runware = FakeComfy(video).start(), FakeRunware(video).start()
print(json.dumps({"comfy": comfy.root, "runware": runware.url}), flush=True)
sys.stdin.read()  # until the benchmark closes it
"""

CHILD = r"""
import json, os, resource, subprocess, sys, tempfile, time
from datetime import timedelta
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from generation import jobs
from generation.jobs import posters
from generation.models import BoundWorkflow, Render
from studio.models import Campaign, Membership, Shot, Workspace
from studio.shots import editing
from tests.fakes.comfy_fake import TOKEN
from tests.fakes.runware_fake import API_KEY
from tests.test_comfy import T2V

N = int(sys.argv[1])
sample = tempfile.mktemp(suffix=".mp4")
open(sample, "wb").write(bytes.fromhex(sys.stdin.read().strip()))
fakes = subprocess.Popen([sys.executable, "-c", sys.argv[2], sample], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
urls = json.loads(fakes.stdout.readline())
settings.COMFY_BACKENDS = {"gpu1": {"url": urls["comfy"], "token": TOKEN, "jobs": 1}}
settings.RUNWARE_API_KEY, settings.RUNWARE_BASE_URL = API_KEY, urls["runware"]
calls = [0]
send = httpx.Client.send
def counted(self, request, **kwargs):
    calls[0] += 1
    return send(self, request, **kwargs)
httpx.Client.send = counted
BoundWorkflow.objects.create(key="ltx", label="LTX", graph=T2V, sizes=["1280x704"],
    durations=[5], fps=24, frame_rule="8n+1",
    bindings={"prompt": ["3", "text"], "seed": ["8", "seed"], "frames": ["5", "length"]})
user = get_user_model().objects.create_user("ed")
workspace = Workspace.objects.create(name="Bench")
Membership.objects.create(workspace=workspace, user=user, role="owner")
campaign = Campaign.objects.create(workspace=workspace, name="Bench")

def route(model_key, size, seconds, n, title):
    shots = [Shot.objects.create(campaign=campaign, title=f"{title} {i}", position=i,
                                 model_key=model_key, size=size, seconds=seconds,
                                 prompt={"scene": f"{title}: a cup, view {i}."}) for i in range(n)]
    for shot in shots:
        editing.request_takes(shot, user)
    takes = Render.objects.filter(shot__in=shots)
    calls[0] = 0
    cpu = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for _ in range(60):
        jobs.sweep_once(now=timezone.now() + timedelta(seconds=25))  # polls due; a wait is not
        if not takes.exclude(status="completed").exists():
            break
    for pk in takes.values_list("pk", flat=True):  # the posters task, as the queue runs it
        posters.make(pk)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    tools = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    done = takes.filter(status="completed").count()
    assert done == n, list(takes.values_list("status", "error_message"))
    assert not takes.filter(spritesheet_key="").exists()
    return {"calls": calls[0] / n, "cpu_ms": (time.process_time() - cpu) * 1000 / n,
            "tools_ms": tools * 1000 / n, "wall_ms": wall * 1000 / n}

ROUTES = {"comfy": ("comfy-ltx", "1280x704", 5), "runware": ("veo-3.1-fast", "1920x1080", 8)}
for name, args in ROUTES.items():  # first takes pay for imports and caches: not counted
    route(*args, 2, f"warm {name}")
result = {"takes": N, **{name: route(*args, N, name) for name, args in ROUTES.items()}}
fakes.stdin.close()
fakes.wait(timeout=30)
print(json.dumps(result))
"""


def overhead(takes: int = 20) -> dict:
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    video = stack.sample_video()
    with tempfile.TemporaryDirectory(prefix="reelroom-bench-gpus-") as tmp:
        env = stack.base_env(Path(tmp), DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3")
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(takes), FAKES], cwd=stack.ROOT, env=env,
            input=video.hex(), capture_output=True, text=True, timeout=900,
        )  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"the own-GPU benchmark failed:\n{done.stderr[-3000:]}")
    import json

    m = json.loads(done.stdout.strip().splitlines()[-1])
    comfy, runware = m["comfy"], m["runware"]
    return {
        "name": f"own GPUs: the studio's work per ComfyUI take ({m['takes']} takes)",
        "result": (
            f"ComfyUI {comfy['calls']:.1f} calls, {comfy['cpu_ms']:.0f} ms CPU "
            f"(+{comfy['tools_ms']:.0f} ms in ffmpeg); Runware {runware['calls']:.1f} calls, "
            f"{runware['cpu_ms']:.0f} ms CPU (+{runware['tools_ms']:.0f} ms in ffmpeg)"
        ),
        "target": "no more calls per take than the Runware route (CPU: a figure to compare)",
        "ok": comfy["calls"] <= runware["calls"],
        "how": "20 takes per route through the real sweep against the test fakes (in a process "
        "of their own), jobs finishing on their second poll; calls counted in httpx; CPU of the "
        "studio's process and of the tools it runs (bench/own_gpus.py)",
        "why": "a ComfyUI take reads its job once more before its download (the outputs are "
        "on the job, not on a URL of their own); the slot's claim and release are its other work",
    }
