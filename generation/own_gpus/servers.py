"""OpenAI-compatible video servers on the team's GPUs (vLLM-Omni and similar) as catalog models:
`own-<server>-<model>`, with the sizes, lengths, frame rate and extra fields each serves, as the
settings declare them (STUDIO_VIDEO_SERVERS) or as the server's /models listed them at its last
connection test (with the server's own sizes and lengths). Priced as GPU-seconds, like
ComfyUI; no remix (the servers have none)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from generation.catalog.specs import VIDEO_SERVER, Audio, Route, VideoModel
from generation.own_gpus.records import Backend

PREFIX = "own-"
# The extra form fields a server may take beside prompt, model, seconds and size.
FIELDS = ("width", "height", "num_frames", "fps", "seed", "negative_prompt")
DEFAULT_SIZES = ("832x480", "480x832")
DEFAULT_SECONDS = (5,)
PER_PROCESS = 10.0


@dataclass(frozen=True)
class ServedModel:
    server: str
    model_id: str
    label: str
    sizes: tuple[str, ...]
    seconds: tuple[int, ...]
    fps: int
    frame_rule: str
    fields: tuple[str, ...]
    multipart: bool
    rate: Decimal  # per GPU-second
    gpu_per_second: Decimal

    @property
    def key(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.model_id.lower().rsplit("/", 1)[-1]).strip("-")
        return f"{PREFIX}{self.server}-{slug}"[:64]


def _served(server: dict[str, Any], model: dict[str, Any] | str) -> ServedModel:
    row = model if isinstance(model, dict) else {"id": model}

    def pick(name: str, default: Any) -> Any:
        return row.get(name, server.get(name, default))

    fields = tuple(f for f in pick("fields", ("seed", "negative_prompt")) if f in FIELDS)
    return ServedModel(
        server=server["name"],
        model_id=str(row["id"]),
        label=str(row.get("label") or f"{row['id']} on {server['name']}"),
        sizes=tuple(pick("sizes", DEFAULT_SIZES)),
        seconds=tuple(int(s) for s in pick("seconds", DEFAULT_SECONDS)),
        fps=int(pick("fps", 16)),
        frame_rule=str(pick("frame_rule", "any")),
        fields=fields,
        multipart=bool(pick("multipart", True)),
        rate=Decimal(str(pick("rate_per_gpu_second", 0))),
        gpu_per_second=Decimal(str(pick("gpu_seconds_per_second", 30))),
    )


_kept: list[Any] = [0.0, None, []]  # when, for which settings, what: read again after 10 s


def served() -> list[ServedModel]:
    """Every model of every configured server: declared ones, else the discovered ones."""
    servers = getattr(settings, "VIDEO_SERVERS", {}) or {}
    if not servers:
        return []
    if _kept[1] is servers and time.monotonic() - _kept[0] < PER_PROCESS:
        return list(_kept[2])
    quiet = [name for name, s in servers.items() if not s["models"]]
    found = {}
    if quiet:
        found = dict(Backend.objects.filter(name__in=quiet).values_list("name", "discovered"))
    models = [
        _served(server, model)
        for name, server in servers.items()
        for model in (server["models"] or found.get(name) or [])
    ]
    _kept[:] = [time.monotonic(), servers, models]
    return models


def forget() -> None:
    _kept[:] = [0.0, None, []]


def by_key(key: str) -> ServedModel | None:
    return next((m for m in served() if m.key == key), None)


def as_model(model: ServedModel) -> VideoModel:
    price = (model.rate * model.gpu_per_second).quantize(Decimal("0.00001"))
    return VideoModel(
        key=model.key,
        label=model.label,
        routes=(Route(VIDEO_SERVER, model.model_id, 1, 10000, note=f"on {model.server}"),),
        sizes=model.sizes,
        durations=model.seconds,
        audio=Audio("none"),
        frames=("first",),
        remix=False,
        prices={size: (price, price) for size in model.sizes},
        source=f"Served by {model.server} ({model.fps} fps, frames {model.frame_rule})",
        last_checked=timezone.localdate(),
        summary=f"Runs on your own GPU server “{model.server}” (OpenAI-compatible).",
    )


def one(key: str) -> VideoModel | None:
    model = by_key(key)
    return as_model(model) if model else None


def every() -> list[VideoModel]:
    return [as_model(m) for m in served()]
