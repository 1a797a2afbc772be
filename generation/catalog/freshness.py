"""Is the catalog current? Its Runware rows against the typed params of the installed
`runware-sdk` (a development dependency; Runware generates the types from its model schemas):
models the SDK has and the catalog lacks, rows naming what the SDK no longer has, durations and
resolution tiers on either side only, deactivated routes. `manage.py catalog_check` prints it.
"""

from __future__ import annotations

import importlib
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generation.catalog.rows import MODELS
from generation.catalog.specs import RUNWARE, VideoModel

# What a finding is: `stale` rows name something the SDK no longer has (the check fails on
# them); `missing` is what the SDK has and the catalog does not offer; `deactivated` notes a
# route kept for provenance.
STALE, MISSING, DEACTIVATED = "stale", "missing", "deactivated"


class SDKUnavailable(Exception):
    """runware-sdk is not installed (it comes with the development dependencies)."""


@dataclass(frozen=True)
class Finding:
    kind: str
    model: str  # the catalog key, or the AIR the SDK has
    what: str

    def __str__(self) -> str:
        return f"{self.kind:<11} {self.model}: {self.what}"


def sdk_params() -> dict[str, type]:
    """Each model's typed params class in the installed SDK, by AIR."""
    try:
        task_map = importlib.import_module("runware.types.task_map")
    except ImportError as error:
        raise SDKUnavailable(
            "runware-sdk is not installed: it comes with the development dependencies "
            "(pip install -e '.[dev]')."
        ) from error
    found = {}
    for value in vars(task_map).values():
        if isinstance(value, type) and value.__name__.endswith("Params"):
            model = typing.get_type_hints(value).get("model")
            if typing.get_origin(model) is typing.Literal:
                found[typing.get_args(model)[0]] = value
    return found


def _literal(params: type, key: str) -> set[Any] | None:
    """The values the SDK allows for `key`, or None when it types a plain int/str (any)."""
    hint = typing.get_type_hints(params, include_extras=True).get(key)
    if hint is None:
        return set()
    if typing.get_origin(hint) is typing.NotRequired:
        hint = typing.get_args(hint)[0]
    return set(typing.get_args(hint)) if typing.get_origin(hint) is typing.Literal else None


def _is_video(params: type) -> bool:
    return typing.get_type_hints(params).get("taskType") == typing.Literal["videoInference"]


def check(
    models: dict[str, VideoModel] | None = None, params: dict[str, type] | None = None
) -> list[Finding]:
    models = MODELS if models is None else models
    params = sdk_params() if params is None else params
    findings: list[Finding] = []
    known = set()
    for model in models.values():
        route = model.route(RUNWARE)
        if route is None:
            continue
        known.add(route.model_id)
        typed = params.get(route.model_id)
        if route.deactivated_on:
            state = "still in the SDK" if typed else "gone from the SDK"
            findings.append(
                Finding(
                    DEACTIVATED,
                    model.key,
                    f"{route.model_id} since {route.deactivated_on} ({state})",
                )
            )
            continue
        if typed is None:
            findings.append(Finding(STALE, model.key, f"{route.model_id} is not in the SDK"))
            continue
        findings += _compare(model, typed)
    for air in sorted(set(params) - known):
        if _is_video(params[air]):
            findings.append(Finding(MISSING, air, "a video model the catalog does not offer"))
    return findings


def _compare(model: VideoModel, typed: type) -> list[Finding]:
    findings = []
    durations = _literal(typed, "duration")
    if durations is not None:
        ours = {s for size in model.sizes for s in model.durations_for(size)}
        if ours - durations:
            findings.append(
                Finding(
                    STALE,
                    model.key,
                    f"durations {_list(ours - durations)} s are not in "
                    f"the SDK ({_list(durations)})",
                )
            )
        if durations - ours:
            findings.append(Finding(MISSING, model.key, f"durations {_list(durations - ours)} s"))
    tiers = _literal(typed, "resolution")
    asked = set(model.sizes) if model.uses_resolution else set(model.tiers.values())
    if tiers is not None and asked - tiers:
        findings.append(
            Finding(
                STALE,
                model.key,
                f"resolutions {_list(asked - tiers)} are not in the SDK ({_list(tiers) or 'none'})",
            )
        )
    if tiers and tiers - asked and (model.uses_resolution or model.tiers):
        findings.append(Finding(MISSING, model.key, f"resolutions {_list(tiers - asked)}"))
    return findings


def _list(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in sorted(values, key=str))
