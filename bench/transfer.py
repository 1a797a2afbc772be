"""A large result from the provider into S3: a 512 MB take stored by jobs.store() (streamed
from the fake provider to a temporary file while hashed, probed, poster and spritesheet made,
uploaded to moto's S3 server) against a plain streamed copy of the same bytes (httpx to a
temporary file, boto3 to the same S3), each in a fresh process, so ru_maxrss before and after
measures what the transfer added to the peak."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench import stack

TARGET_MB = 64
TARGET_RATIO = 0.5


def padded_mp4(sample: bytes, size: int) -> bytearray:
    """A valid MP4 of `size` bytes: a real clip followed by one large `free` box."""
    data = bytearray(size)
    data[: len(sample)] = sample
    data[len(sample) : len(sample) + 8] = struct.pack(">I4s", size - len(sample), b"free")
    return data


STUDIO = r"""
import json, os, resource, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from generation import jobs
from generation.models import Render, RenderStatus
from studio.models import Campaign, Shot, Workspace

shot = Shot.objects.create(campaign=Campaign.objects.create(
    workspace=Workspace.objects.create(name="Bench"), name="Bench"),
    title="Big take", size="1280x720", seconds=4)
render = Render.objects.create(shot=shot, take=1, model_key="sora-2", provider="openai",
                               provider_model="sora-2", size="1280x720", seconds=4,
                               prompt_text="bench", status=RenderStatus.STORING,
                               provider_job_id=sys.argv[1])
before = reset_peak()
start = time.monotonic()
jobs.store(render.pk)
seconds = time.monotonic() - start
after = peak_kb()
render.refresh_from_db()
print(json.dumps({"status": render.status, "bytes": render.bytes, "seconds": seconds,
                  "before_kb": before, "after_kb": after}))
"""

PLAIN = r"""
import json, resource, sys, tempfile, time
import boto3, httpx
url, key, endpoint, bucket = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="bench", aws_secret_access_key="bench")
before = reset_peak()
start = time.monotonic()
with tempfile.TemporaryFile() as spool:
    with httpx.stream("GET", url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as r:
        for chunk in r.iter_bytes(1 << 20):
            spool.write(chunk)
    spool.seek(0)
    s3.upload_fileobj(spool, bucket, "plain/big.mp4")
seconds = time.monotonic() - start
after = peak_kb()
size = s3.head_object(Bucket=bucket, Key="plain/big.mp4")["ContentLength"]
print(json.dumps({"bytes": size, "seconds": seconds, "before_kb": before, "after_kb": after}))
"""


def run(size_mb: int = 512) -> dict:
    size = size_mb * 1024 * 1024
    fake = stack.FakeOpenAI(padded_mp4(stack.sample_video(), size)).start()
    fake.faults.render_seconds = lambda prompt: 0
    try:
        with (
            tempfile.TemporaryDirectory(prefix="reelroom-transfer-") as tmp,
            stack.S3Server() as s3,
        ):
            fields = {"model": "sora-2", "prompt": "big", "size": "1280x720", "seconds": "4"}
            job = httpx.post(
                f"{fake.url}/videos", files={k: (None, v) for k, v in fields.items()},
                headers={"Authorization": f"Bearer {stack.API_KEY}"},
            ).json()["id"]  # fmt: skip
            env = stack.base_env(
                Path(tmp), DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
                OPENAI_API_KEY=stack.API_KEY, OPENAI_BASE_URL=fake.url,
                STUDIO_S3_BUCKET=s3.bucket(), STUDIO_S3_ENDPOINT_URL=s3.endpoint,
                STUDIO_S3_REGION="us-east-1", STUDIO_S3_ACCESS_KEY_ID="bench",
                STUDIO_S3_SECRET_ACCESS_KEY="bench", STUDIO_S3_ADDRESSING_STYLE="path",
            )  # fmt: skip
            studio = _child([sys.executable, "-c", stack.PEAK + STUDIO, job], env)
            plain = _child(
                [sys.executable, "-c", stack.PEAK + PLAIN, f"{fake.url}/videos/{job}/content",
                 stack.API_KEY, s3.endpoint, s3.bucket()], env,
            )  # fmt: skip
    finally:
        fake.stop()
    studio_mbs = size_mb / studio["seconds"]
    plain_mbs = size_mb / plain["seconds"]
    added = (studio["after_kb"] - studio["before_kb"]) / 1024
    plain_added = (plain["after_kb"] - plain["before_kb"]) / 1024
    ratio = studio_mbs / plain_mbs
    ok = (
        studio["status"] == "completed"
        and studio["bytes"] == size == plain["bytes"]
        and added <= TARGET_MB
        and ratio >= TARGET_RATIO
    )
    return {
        "name": f"store a {size_mb} MB result in S3",
        "result": f"{studio_mbs:.0f} MB/s, {ratio:.0%} of a plain copy ({plain_mbs:.0f} MB/s); "
        f"peak RSS +{added:.1f} MB (plain copy +{plain_added:.1f} MB)",
        "target": f"≥ {TARGET_RATIO:.0%} of a plain copy, peak RSS ≤ +{TARGET_MB} MB",
        "ok": ok,
        "added_mb": added,
        "ratio": ratio,
        "status": studio["status"],
        "how": "jobs.store() in a fresh process: the fake provider's 512 MB result (a real MP4 "
        "padded with a `free` box) streamed to a temporary file while hashed, probed, poster "
        "and spritesheet, uploaded to moto's S3 server on 127.0.0.1; the plain copy streams the "
        "same URL to a temporary file with httpx and uploads it with boto3, in its own process. "
        "Peak RSS: the peak resident size (VmHWM) from just before the transfer to its end.",
    }


def _child(args: list[str], env: dict) -> dict:
    started = time.monotonic()
    out = subprocess.run(
        args, cwd=stack.ROOT, env=env, capture_output=True, text=True, check=True, timeout=600
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["wall"] = time.monotonic() - started
    return data
