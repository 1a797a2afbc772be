"""Streaming the delivery package: 1 GB of approved takes through the real download view, read
to the end as a browser would. The ZIP is never built in memory or on disk, so peak RSS stays
flat whatever the package's size; throughput is measured beside a plain read of the same files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import stack

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 64

CHILD = r"""
import json, os, resource, sys, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "studio.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from generation.models import Render, RenderStatus
from studio.production.deliverables import add_format
from studio.models import Campaign, Decision, Membership, Shot, Workspace

total_mb, files = int(sys.argv[1]), int(sys.argv[2])
size = total_mb * 1024 * 1024 // files
user = get_user_model().objects.create_user("bench")
workspace = Workspace.objects.create(name="Bench")
Membership.objects.create(workspace=workspace, user=user, role="owner")
campaign = Campaign.objects.create(workspace=workspace, name="Bench")
add_format(campaign, "YouTube", "16:9")
keys = []
for i in range(files):
    shot = Shot.objects.create(campaign=campaign, title=f"Shot {i}", position=i + 1)
    key = f"bench/take-{i}.mp4"
    path = default_storage.path(key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_take_file(path, size)  # sparse: the disk is not the thing measured
    take = Render.objects.create(shot=shot, take=1, model_key="animatic", provider="animatic",
        size="1280x720", seconds=4, prompt_text="bench", status=RenderStatus.COMPLETED,
        video_key=key, bytes=size, sha256="0" * 64, width=1280, height=720)
    sign_take(take)  # in the queue, when it was stored: before the package is asked for
    Decision.objects.create(render=take, reviewer=user, verdict="approved")
    keys.append(path)

def plain_read():
    done = 0
    for path in keys:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                done += len(block)
    return done

plain_read()  # warm: both sides read from the page cache
start = time.perf_counter()
plain = plain_read()
plain_s = time.perf_counter() - start

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
before = reset_peak()
start = time.perf_counter()
response = client.get(reverse("studio:package_download", args=[campaign.pk]))
streamed = 0
for chunk in response.streaming_content:
    streamed += len(chunk)
seconds = time.perf_counter() - start
after = peak_kb()
print(json.dumps({"status": response.status_code, "bytes": streamed,
                  "length": int(response["Content-Length"]), "seconds": seconds,
                  "plain_bytes": plain, "plain_seconds": plain_s,
                  "before_kb": before, "after_kb": after}))
"""


def run(size_mb: int = 1024, files: int = 8) -> dict:
    with tempfile.TemporaryDirectory(prefix="reelroom-bench-") as tmp:
        env = {**os.environ, "STUDIO_VAR_DIR": str(Path(tmp) / "var"), "DJANGO_ENV": "local"}
        for name in ("DATABASE_URL", "STUDIO_S3_BUCKET", "REDIS_URL"):
            env.pop(name, None)
        result = subprocess.run(
            [sys.executable, "-c", stack.PEAK + stack.STORED_TAKE + CHILD, str(size_mb),
             str(files)],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        data = json.loads(result.stdout.strip().splitlines()[-1])
    added_mb = (data["after_kb"] - data["before_kb"]) / 1024
    rate = data["bytes"] / 1024 / 1024 / max(data["seconds"], 1e-6)
    plain_rate = data["plain_bytes"] / 1024 / 1024 / max(data["plain_seconds"], 1e-6)
    ok = (
        data["status"] == 200
        and data["bytes"] == data["length"] >= size_mb * 1024 * 1024
        and added_mb < TARGET_MB
    )
    return {
        "name": f"stream a {size_mb} MB delivery package",
        "result": f"peak RSS +{added_mb:.1f} MB, {rate:.0f} MB/s "
        f"({rate / plain_rate:.0%} of a plain read at {plain_rate:.0f} MB/s)",
        "target": f"flat memory (< {TARGET_MB} MB added)",
        "ok": ok,
        "added_mb": added_mb,
        "bytes": data["bytes"],
        "how": f"{files} approved takes through the package view (Django test client, local "
        "storage, sparse files), every byte of the ZIP read; peak RSS: the peak resident size "
        "(VmHWM) from just before the stream to its end; the plain read is the same files read "
        "in 1 MB blocks (from the page cache). The ZIP format needs a CRC-32 of every byte: "
        "that is most of the difference.",
    }
