"""Reading the Comfy API v2's answers (generation/providers/comfy.py): jobs as JobStatus, refusals
and failed nodes as ProviderErrors in words, and a take's values for its workflow's slots."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx

from generation import text
from generation.models import BoundWorkflow
from generation.own_gpus import workflows
from generation.providers.base import (
    JOB_LOST,
    JobSpec,
    JobStatus,
    OutcomeUnknown,
    ProviderError,
    status_error,
)

STATES = {
    "queued": "queued",
    "running": "in_progress",
    "canceling": "in_progress",
    "succeeded": "completed",
    "failed": "failed",
    "canceled": "cancelled",
    "expired": "expired",
}
SEED_RANGE = 2**48


def seed_of(idempotency_key: str) -> int:
    """The take's seed: fixed by its key, so the job it makes can be recognised by it."""
    return uuid.UUID(idempotency_key).int % SEED_RANGE


def error_body(response: httpx.Response) -> tuple[str, str, dict[str, Any]]:
    try:
        error = text.loads(response.content).get("error") or {}
    except (ValueError, AttributeError):
        return "", "", {}
    if not isinstance(error, dict):
        return "", "", {}
    details = error.get("details")
    return (
        str(error.get("code") or ""),
        str(error.get("message") or ""),
        (details if isinstance(details, dict) else {}),
    )


def _node_words(details: dict[str, Any]) -> str:
    """`node_errors` ({"12": [{"field": "model", "reason": "missing_input"}]}) in words."""
    errors = details.get("node_errors")
    if not isinstance(errors, dict):
        return ""
    parts = []
    for node, problems in list(errors.items())[:5]:
        for problem in problems if isinstance(problems, list) else [problems]:
            if isinstance(problem, dict):
                parts.append(f"node {node}: {problem.get('field', '')} {problem.get('reason', '')}")
    return "; ".join(p.strip() for p in parts)


def refused(name: str, response: httpx.Response, *, creating: bool) -> ProviderError:
    code, message, details = error_body(response)
    known = status_error(
        response,
        creating=creating,
        who=f"The GPU backend “{name}”",
        key_setting=f"STUDIO_COMFY_TOKEN_{name.upper()}",
        credit_code="insufficient_credits",
    )
    if known is not None:
        if code == "queue_full":
            known.message = f"“{name}” has a full queue; Reelroom will send it again later."
            known.code = "queue_full"
        return known
    if creating and code == "idempotency_key_reuse":
        return OutcomeUnknown(
            f"“{name}” already has a request under this take's key; looking the job up.",
            code="key_claimed",
        )
    if code == "missing_asset":
        return ProviderError(
            f"“{name}” no longer has this take's frame (it restarted); it is uploaded again.",
            code="missing_asset",
            permanent=False,
            sent=False,
        )
    if code in ("invalid_workflow", "workflow_format_ui"):
        nodes = _node_words(details)
        return ProviderError(
            f"ComfyUI refused the workflow: {message or code}"
            + (f" ({nodes})" if nodes else "")
            + ". An operator should check the workflow's nodes and models on that GPU.",
            code=code,
            permanent=True,
        )
    if response.status_code == 404:
        return ProviderError(
            f"Lost on your GPU — not billed: “{name}” no longer knows this job (it "
            "restarted, and ComfyUI keeps its jobs in memory). Generate the take again.",
            code=JOB_LOST,
            permanent=True,
        )
    return ProviderError(
        f"“{name}” refused the request ({response.status_code} {code}): {message}".strip(),
        code=code or f"http_{response.status_code}",
        permanent=True,
        sent=not creating,
    )


def status_of(name: str, job: dict[str, Any]) -> JobStatus:
    state = STATES.get(str(job.get("status")), "in_progress")
    progress = object_of(job.get("progress"))
    value = progress.get("value")
    value = value if isinstance(value, int | float) else 0
    error = None
    if state == "failed":
        error = job_error(name, object_of(job.get("error")))
    video = next(
        (o for o in job.get("outputs") or [] if isinstance(o, dict) and o.get("type") == "video"),
        None,
    )
    if state == "completed" and video is None:
        state, error = (
            "failed",
            ProviderError(
                "The workflow finished without a video output: an operator should check that "
                "it ends in a node that saves a video.",
                code="no_video_output",
                permanent=True,
            ),
        )
    position = job.get("queue_position")
    return JobStatus(
        job_id=f"{name}:{job.get('id')}",
        state=state,
        progress=max(0, min(100, int(value * 100))),
        error=error,
        expires_at=when(job.get("expires_at")),
        output_id=str(video.get("id")) if video else "",
        queue_position=position if isinstance(position, int) else None,
        gpu_seconds=_gpu_seconds(job),
    )


def job_error(name: str, error: dict[str, Any]) -> ProviderError:
    where = ""
    if error.get("node_id"):
        where = f" at node {error['node_id']}"
        if error.get("class_type"):
            where += f" ({error['class_type']})"
    message = str(error.get("message") or "no reason given")[:500]
    return ProviderError(
        f"ComfyUI on “{name}” stopped{where}: {message}",
        code=str(error.get("code") or "failed")[:64],
        permanent=True,
    )


def values(spec: JobSpec, workflow: BoundWorkflow, uploads: dict[str, str]) -> workflows.Values:
    negative = spec.structure.get("negative") if isinstance(spec.structure, dict) else ""
    return workflows.Values(
        prompt=spec.prompt,
        negative_prompt=str(negative or ""),
        seed=seed_of(spec.idempotency_key),
        width=spec.width,
        height=spec.height,
        seconds=spec.seconds,
        fps=workflow.fps,
        frames=workflows.frames_for(spec.seconds, workflow.fps, workflow.frame_rule),
        first_frame=uploads.get("first_frame", ""),
        last_frame=uploads.get("last_frame", ""),
    )


def object_of(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _gpu_seconds(job: dict[str, Any]) -> float | None:
    executed = object_of(job.get("metrics")).get("execution_ms")
    if isinstance(executed, int | float):
        return float(executed) / 1000
    started, finished = when(job.get("started_at")), when(job.get("completed_at"))
    if started and finished and finished >= started:
        return (finished - started).total_seconds()
    return None
