"""Peak memory of storing a large result: a 512 MB take is streamed from the provider to a
temporary file while hashed, probed with ffmpeg, thumbnailed and uploaded. The store runs in a
fresh process, so ru_maxrss before and after measures what storing added to the peak."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 64


def padded_mp4(sample: bytes, size: int, out: Path) -> None:
    """A valid MP4 of `size` bytes: a real clip followed by one large `free` box."""
    pad = size - len(sample)
    with out.open("wb") as handle:
        handle.write(sample)
        handle.write(struct.pack(">I4s", pad, b"free"))
        block = b"\0" * (1024 * 1024)
        remaining = pad - 8
        while remaining > 0:
            handle.write(block[: min(len(block), remaining)])
            remaining -= len(block)


CHILD = r"""
import json, os, resource, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "studio.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from pathlib import Path
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from generation import jobs
from generation.models import AnimaticJob, Render, RenderStatus
from studio.models import Campaign, Shot, Workspace

user = get_user_model().objects.create_user("bench")
workspace = Workspace.objects.create(name="Bench")
shot = Shot.objects.create(campaign=Campaign.objects.create(workspace=workspace, name="Bench"),
                           title="Big take", size="1280x720", seconds=4)
render = Render.objects.create(shot=shot, take=1, model_key="animatic", provider="animatic",
                               provider_model="animatic", size="1280x720", seconds=4,
                               prompt_text="bench", status=RenderStatus.STORING,
                               provider_job_id="bench-job")
with open(sys.argv[1], "rb") as handle:
    key = default_storage.save("animatic-jobs/bench-job.mp4", handle)
AnimaticJob.objects.create(job_id="bench-job", status="completed", progress=100, output_key=key)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
jobs.store(render.pk)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
render.refresh_from_db()
print(json.dumps({"status": render.status, "bytes": render.bytes, "before_kb": before,
                  "after_kb": after}))
"""


def run(size_mb: int = 512) -> dict:
    with tempfile.TemporaryDirectory(prefix="reelroom-bench-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "STUDIO_VAR_DIR": str(tmp / "var"), "DJANGO_ENV": "local"}
        env.pop("DATABASE_URL", None)
        env.pop("STUDIO_S3_BUCKET", None)
        sample = subprocess.run(
            [sys.executable, "-c", SAMPLE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=True,
        ).stdout
        source = tmp / "big.mp4"
        padded_mp4(sample, size_mb * 1024 * 1024, source)
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(source)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        data = json.loads(result.stdout.strip().splitlines()[-1])
    added_mb = (data["after_kb"] - data["before_kb"]) / 1024
    ok = (
        data["status"] == "completed"
        and data["bytes"] == size_mb * 1024 * 1024
        and (added_mb < TARGET_MB)
    )
    return {
        "name": f"store a {size_mb} MB result",
        "result": f"peak RSS +{added_mb:.1f} MB ({data['status']})",
        "target": f"< {TARGET_MB} MB",
        "ok": ok,
        "added_mb": added_mb,
        "status": data["status"],
        "how": "jobs.store() in a fresh process on local storage; the result is a real MP4 "
        "padded with a `free` box; peak RSS (ru_maxrss) before and after.",
    }


SAMPLE = r"""
import os, sys, tempfile
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "studio.settings"
django.setup()
from pathlib import Path
from generation.storyboard import render
out = Path(tempfile.mkdtemp()) / "sample.mp4"
render({"title": "Bench", "prompt": "A cup.", "width": 1280, "height": 720, "seconds": 4,
        "audio": True, "structure": {"scene": "A cup."}}, out, lambda p: None)
sys.stdout.buffer.write(out.read_bytes())
"""
