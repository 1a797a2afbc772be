"""Bound workflows as catalog models (`comfy-<key>`): the sizes, lengths and frame rule each
declares, priced as GPU-seconds at the team's rate, offered while a backend is configured.

A workflow's graph and bindings never change after upload, so a model is kept in this process
for a few seconds (pages name a take's model once per row); a workflow switched off or re-priced
is seen everywhere within PER_PROCESS seconds, and the send checks the table itself."""

from __future__ import annotations

import time
from decimal import Decimal

from django.conf import settings

from generation.catalog.specs import COMFY, Audio, Route, VideoModel
from generation.own_gpus.records import BoundWorkflow

PREFIX = "comfy-"
PER_PROCESS = 10.0
_kept: dict[str, tuple[float, VideoModel | None]] = {}


def price_per_second(workflow: BoundWorkflow) -> Decimal:
    return (workflow.rate_per_gpu_second * workflow.gpu_seconds_per_second).quantize(
        Decimal("0.00001")
    )


def as_model(workflow: BoundWorkflow) -> VideoModel:
    price = price_per_second(workflow)
    frames = tuple(
        name
        for slot, name in (("first_frame", "first"), ("last_frame", "last"))
        if slot in workflow.bindings
    )
    gpu = workflow.gpu_seconds_per_second
    return VideoModel(
        key=workflow.model_key,
        label=workflow.label,
        routes=(Route(COMFY, workflow.key, 1, 10000, note="A workflow bound by the team"),),
        sizes=tuple(workflow.sizes),
        durations=tuple(workflow.durations),
        audio=Audio("none"),
        frames=frames,
        remix=False,
        prices={size: (price, price) for size in workflow.sizes},
        needs_first_frame="first_frame" in workflow.bindings,  # image to video
        source=f"Uploaded to this studio; {workflow.fps} fps, frames {workflow.frame_rule}",
        last_checked=workflow.created_at.date(),
        summary=(
            f"Runs on your own GPUs (ComfyUI). About {gpu:g} GPU-seconds per second of video"
            + (
                f" at ${workflow.rate_per_gpu_second:g} per GPU-second."
                if workflow.rate_per_gpu_second
                else "; the team prices its GPU time at nothing."
            )
        ),
    )


def one(key: str) -> VideoModel | None:
    now = time.monotonic()
    kept = _kept.get(key)
    if kept and now - kept[0] < PER_PROCESS:
        return kept[1]
    workflow = BoundWorkflow.objects.filter(key=key.removeprefix(PREFIX), active=True).first()
    model = as_model(workflow) if workflow else None
    _kept[key] = (now, model)
    return model


def every() -> list[VideoModel]:
    """The active workflows, while a backend is configured to run them (else none: the
    catalog reads no table in a studio without GPUs of its own)."""
    if not getattr(settings, "COMFY_BACKENDS", None):
        return []
    models = [as_model(w) for w in BoundWorkflow.objects.filter(active=True)]
    now = time.monotonic()
    _kept.update({m.key: (now, m) for m in models})
    return models


def forget() -> None:
    _kept.clear()
