"""The first byte of a campaign's delivery package and of its spend CSV: a campaign of 100 shots
× 3 formats (300 approved takes, signed in the queue beforehand as approval would have them),
asked through the real views. Both stream: the first byte comes before the rest is read, and
memory stays flat while the rest follows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import stack

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 1.0
TARGET_MB = 64

CHILD = r"""
import json, os, sys, time
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

shots = int(sys.argv[1])
user = get_user_model().objects.create_user("bench")
workspace = Workspace.objects.create(name="Bench")
Membership.objects.create(workspace=workspace, user=user, role="owner")
campaign = Campaign.objects.create(workspace=workspace, name="Bench")
sizes = {"16:9": "1280x720", "9:16": "720x1280", "1:1": "1080x1080"}
for name, aspect in (("YouTube", "16:9"), ("Reels", "9:16"), ("Feed", "1:1")):
    add_format(campaign, name, aspect)
for i in range(shots):
    shot = Shot.objects.create(campaign=campaign, title=f"Shot {i}", position=i + 1)
    for t, size in enumerate(sizes.values(), start=1):
        key = f"bench/shot-{i}-take-{t}.mp4"
        path = default_storage.path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_take_file(path, 256 * 1024)
        width, height = map(int, size.split("x"))
        take = Render.objects.create(shot=shot, take=t, model_key="animatic", provider="animatic",
            size=size, seconds=4, prompt_text="bench", status=RenderStatus.COMPLETED,
            video_key=key, bytes=256 * 1024, sha256="0" * 64, width=width, height=height,
            billed=False, cost_estimate=0)
        sign_take(take)
        Decision.objects.create(render=take, reviewer=user, verdict="approved")

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)

def first_byte(url):
    before = reset_peak()
    start = time.perf_counter()
    response = client.get(url)
    chunks = iter(response.streaming_content)
    first = next(chunks)
    first_s = time.perf_counter() - start
    total = len(first) + sum(len(chunk) for chunk in chunks)
    return {"status": response.status_code, "first_s": first_s,
            "all_s": time.perf_counter() - start, "bytes": total,
            "added_kb": peak_kb() - before}

package = first_byte(reverse("studio:package_download", args=[campaign.pk]))
csv = first_byte(reverse("studio:campaign_spend", args=[campaign.pk]) + "?format=csv")
print(json.dumps({"package": package, "csv": csv, "takes": Render.objects.count()}))
"""


def run(shots: int = 100) -> dict:
    with tempfile.TemporaryDirectory(prefix="reelroom-bench-") as tmp:
        env = {**os.environ, "STUDIO_VAR_DIR": str(Path(tmp) / "var"), "DJANGO_ENV": "local"}
        for name in ("DATABASE_URL", "STUDIO_S3_BUCKET", "REDIS_URL"):
            env.pop(name, None)
        result = subprocess.run(
            [sys.executable, "-c", stack.PEAK + stack.STORED_TAKE + CHILD, str(shots)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"the first-byte bench failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def rows(data: dict) -> list[dict]:
    out = []
    for key, what in (("package", "delivery package"), ("csv", "spend CSV")):
        m = data[key]
        added_mb = m["added_kb"] / 1024
        out.append({
            "name": f"first byte: the {what} of 100 shots × 3 formats",
            "result": f"first byte after {m['first_s'] * 1000:.0f} ms, all {m['bytes'] // 1024} "
            f"KB after {m['all_s']:.2f} s, peak RSS +{added_mb:.1f} MB",
            "target": f"first byte < {GOAL_SECONDS:.0f} s, flat memory (< {TARGET_MB} MB added)",
            "ok": m["status"] == 200 and m["first_s"] < GOAL_SECONDS and added_mb < TARGET_MB,
            "how": f"{data['takes']} approved takes (256 KB each, signed beforehand as approval "
            "does), the real views through Django's test client on SQLite and local storage.",
            "why": "a stream that gathers its rows before its first byte.",
        })  # fmt: skip
    return out
