"""The built-in animatic: a real H.264 + AAC MP4 of storyboard cards, rendered locally.

One card per timeline segment (or per action beat), with the shot title, the beat, camera and
timing burned in, a bar that runs along the bottom as the clip plays, and a click at every cut
so a reviewer hears the pacing. It behaves like a remote provider: a submit makes a job, a
worker renders it with real progress, polls report queued -> in_progress -> completed. It costs
nothing and never pretends to be a real model.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from generation import catalog, queue
from generation.media import ffmpeg
from generation.media.animatic import Cancelled, render
from generation.models import AnimaticJob
from generation.providers.base import JobSpec, JobStatus, Provider, ProviderError

LEASE = timedelta(minutes=5)
CHUNK = 1024 * 1024


class AnimaticProvider(Provider):
    name = catalog.ANIMATIC
    label = catalog.PROVIDER_LABELS[catalog.ANIMATIC]
    first_poll = 1.0
    backoff = 1.3
    max_poll = 3.0
    concurrency = 8
    free = True

    def submit(self, spec: JobSpec) -> JobStatus:
        job, created = AnimaticJob.objects.get_or_create(
            job_id=spec.idempotency_key,
            defaults={"spec": _spec_json(spec)},
        )
        if created:
            transaction.on_commit(lambda: queue.enqueue("render_animatic", job.pk))
        return job_status(job)

    def remix(self, job_id: str, spec: JobSpec) -> JobStatus:
        # An animatic "remix" is a new storyboard of the focused change.
        return self.submit(spec)

    def test_connection(self) -> tuple[bool, str]:
        result = subprocess.run(
            [ffmpeg(), "-hide_banner", "-version"], capture_output=True, text=True, timeout=30
        )
        if result.returncode != 0:
            return False, "ffmpeg (from imageio-ffmpeg) does not run on this machine."
        version = result.stdout.split("\n", 1)[0].split(" ")[2]
        return True, f"Ready: renders locally with ffmpeg {version}; costs nothing."

    def poll(self, job_id: str) -> JobStatus:
        job = AnimaticJob.objects.filter(job_id=job_id).first()
        if job is None:
            raise ProviderError(
                "The animatic job is gone; generate the take again.",
                code="not_found",
                permanent=True,
            )
        return job_status(job)

    def find(self, spec: JobSpec) -> list[JobStatus]:
        job = AnimaticJob.objects.filter(job_id=spec.idempotency_key).first()
        return [job_status(job)] if job else []

    @contextmanager
    def open_result(self, job_id: str, variant: str = "video") -> Iterator[Iterator[bytes]]:
        if variant != "video":
            raise ProviderError("The animatic has no such file.", code="no_variant", permanent=True)
        job = AnimaticJob.objects.filter(job_id=job_id).first()
        if job is None or not job.output_key:
            raise ProviderError(
                "The animatic's file is gone; generate the take again.",
                code="expired",
                permanent=True,
            )
        with default_storage.open(job.output_key, "rb") as handle:
            yield iter(lambda: handle.read(CHUNK), b"")

    def cancel(self, job_id: str) -> bool:
        return bool(
            AnimaticJob.objects.filter(job_id=job_id, status__in=["queued", "in_progress"]).update(
                status="cancelled", updated_at=timezone.now()
            )
        )

    def cleanup(self, job_id: str) -> None:
        job = AnimaticJob.objects.filter(job_id=job_id).first()
        if job and job.output_key:
            default_storage.delete(job.output_key)
            AnimaticJob.objects.filter(pk=job.pk).update(output_key="")


def job_status(job: AnimaticJob) -> JobStatus:
    error = None
    if job.status == "failed":
        error = ProviderError(
            f"The animatic could not be rendered: {job.error}",
            code="render_failed",
            permanent=True,
        )
    if job.status == "cancelled":
        error = ProviderError("The animatic was cancelled.", code="cancelled", permanent=True)
    state = {"cancelled": "failed"}.get(job.status, job.status)
    return JobStatus(job_id=job.job_id, state=state, progress=job.progress, error=error)


def _spec_json(spec: JobSpec) -> dict[str, Any]:
    return {
        "title": spec.title,
        "prompt": spec.prompt,
        "width": spec.width,
        "height": spec.height,
        "seconds": spec.seconds,
        "audio": spec.audio,
        "structure": spec.structure,
    }


def run_job(job_pk: int) -> None:
    """Render one animatic job (a worker task). Safe to deliver twice: the job is claimed by a
    conditional update and a second delivery finds it taken or done."""
    now = timezone.now()
    claimed = AnimaticJob.objects.filter(
        Q(status="queued") | Q(status="in_progress", lease_until__lt=now), pk=job_pk
    ).update(status="in_progress", lease_until=now + LEASE, updated_at=now)
    if not claimed:
        return
    job = AnimaticJob.objects.get(pk=job_pk)
    last = {"percent": -1}

    def on_progress(percent: int) -> None:
        if percent - last["percent"] < 5 and percent < 100:
            return
        last["percent"] = percent
        still_mine = AnimaticJob.objects.filter(pk=job_pk, status="in_progress").update(
            progress=min(percent, 99),
            lease_until=timezone.now() + LEASE,
            updated_at=timezone.now(),
        )
        if not still_mine:
            raise Cancelled

    try:
        with tempfile.TemporaryDirectory(prefix="animatic-out-") as tmp:
            out = Path(tmp) / "animatic.mp4"
            render(job.spec, out, on_progress)
            name = f"animatic-jobs/{job.job_id}.mp4"
            if default_storage.exists(name):
                default_storage.delete(name)
            with out.open("rb") as handle:
                key = default_storage.save(name, handle)
    except Cancelled:
        return
    except Exception as exc:  # the job reports the failure; the take explains it
        AnimaticJob.objects.filter(pk=job_pk, status="in_progress").update(
            status="failed", error=str(exc)[:500], updated_at=timezone.now()
        )
        return
    done = AnimaticJob.objects.filter(pk=job_pk, status="in_progress").update(
        status="completed", progress=100, output_key=key, updated_at=timezone.now()
    )
    if not done:
        default_storage.delete(key)
