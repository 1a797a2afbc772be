"""Every task the Runware adapter can build, checked against Runware's own SDK types.

`runware-sdk` 1.8.0 (a dev dependency) ships typed per-model params generated from Runware's
schemas (`runware/types/task_map.py`). For every catalog model with a Runware route, every size,
every duration and every way a take can be asked for (text, first frame, last frame, muted,
webhook, remix), the built task must use only keys the model's params define, with values of
the declared types and literals, and carry every key they require.
"""

from __future__ import annotations

import typing
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from generation import catalog
from generation.providers.base import JobSpec
from generation.providers.runware import build_task
from tests.images import image_bytes

task_map = pytest.importorskip("runware.types.task_map")

VARIANTS = ("text", "first_frame", "last_frame", "muted", "webhook", "remix")


def _params_by_air() -> dict[str, type]:
    found = {}
    for value in vars(task_map).values():
        if isinstance(value, type) and value.__name__.endswith("Params"):
            model = typing.get_type_hints(value, include_extras=True).get("model")
            if typing.get_origin(model) is typing.Literal:
                found[typing.get_args(model)[0]] = value
    return found


PARAMS = _params_by_air()


def violations(task: dict) -> list[str]:
    params = PARAMS.get(task["model"])
    if params is None:
        return [f"runware-sdk has no typed params for {task['model']}"]
    hints = typing.get_type_hints(params, include_extras=True)
    problems = [f"unknown key {key!r}" for key in task if key not in hints]
    for key, hint in hints.items():
        optional = typing.get_origin(hint) is typing.NotRequired
        kind = typing.get_args(hint)[0] if optional else hint
        if key not in task:
            if not optional:
                problems.append(f"missing required key {key!r}")
            continue
        if not _fits(task[key], kind):
            problems.append(f"{key}={task[key]!r} is not {kind}")
    return problems


def _fits(value, kind) -> bool:
    origin = typing.get_origin(kind)
    if origin is typing.Literal:
        return value in typing.get_args(kind) and type(value) in {type(a) for a in kind.__args__}
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(k, str) for k in value)
    if origin is list:
        return isinstance(value, list)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, kind)


def _cases():
    for model in catalog.MODELS.values():
        route = model.route(catalog.RUNWARE)
        if route is None or route.deactivated_on:
            continue  # a deactivated route (Runware's Sora AIRs) is never sent
        for size in model.sizes:
            for seconds in model.durations_for(size):
                for variant in VARIANTS:
                    if variant == "first_frame" and "first" not in model.frames:
                        continue
                    if variant == "last_frame" and "last" not in model.frames:
                        continue
                    if variant == "muted" and model.audio.mode != "optional":
                        continue
                    if variant == "remix" and not model.remix:
                        continue
                    yield model, route, size, seconds, variant


CASES = list(_cases())


@pytest.fixture(scope="module")
def frame_key(django_db_setup, django_db_blocker):
    key = default_storage.save("contract/frame.png", ContentFile(image_bytes((640, 360))))
    yield key
    default_storage.delete(key)


def test_the_sdk_knows_every_runware_model_of_the_catalog():
    missing = sorted({route.model_id for _m, route, *_ in CASES} - set(PARAMS))
    assert not missing, f"runware-sdk has no typed params for {missing}"
    assert len(CASES) > 300  # every model × size × duration × way of asking


def test_every_task_the_adapter_builds_fits_the_sdk_types(frame_key):
    failures = []
    for model, route, size, seconds, variant in CASES:
        width, height = catalog.parse_size(size)
        spec = JobSpec(
            idempotency_key=str(uuid.uuid4()),
            model_key=model.key,
            model_id=route.model_id,
            size=size,
            width=width,
            height=height,
            seconds=seconds,
            prompt="A cold brew poured over ice, slow motion.",
            audio=variant != "muted",
            # An image-to-video model is always asked with its first frame (validation
            # refuses a take without one).
            reference_image_key=frame_key
            if variant in ("first_frame", "last_frame") or model.needs_first_frame
            else "",
            last_frame_key=frame_key if variant == "last_frame" else "",
            remix_of_job_id="out-12345678" if variant == "remix" else "",
            webhook_url="https://studio.example.com/hooks/runware/t0k3n"
            if variant == "webhook"
            else "",
        )
        task = build_task(spec)
        for problem in violations(task):
            failures.append(f"{model.key} {size} {seconds}s {variant}: {problem}")
        frames = (task.get("inputs") or {}).get("frameImages", [])
        if variant == "last_frame":
            assert [f["frame"] for f in frames] == ["first", "last"]
        if variant == "remix":
            assert task["inputs"] == {"videoId": "out-12345678"}
    assert not failures, "\n".join(failures[:20])


def test_the_checker_catches_the_shapes_that_drifted_before():
    kling = {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": "klingai:kling-video@3-pro",
        "positivePrompt": "A cup.",
        "settings": {"audio": True},
    }
    assert "unknown key 'settings'" in violations(kling)
    runway = {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": "runway:1@2",
        "positivePrompt": "A cup.",
        "inputs": {"frameImages": []},
    }
    assert {"missing required key 'width'", "missing required key 'height'"} <= set(
        violations(runway)
    )
    assert any(
        "duration" in p for p in violations({**runway, "width": 1, "height": 1, "duration": 7})
    )


def test_a_sound_switch_no_sdk_type_names_is_sourced_from_runware_s_page():
    """runware-sdk types `providerSettings` as a plain dict: Wan2.6's sound switch
    (providerSettings.alibaba.audio) names the Runware page it comes from."""
    nested = [
        m
        for m in catalog.MODELS.values()
        if m.route(catalog.RUNWARE) and m.audio.parameter == "providerSettings.alibaba.audio"
    ]
    assert {"wan-2.6", "wan-2.6-flash"} <= {m.key for m in nested}
    for model in nested:
        assert model.audio.parameter in model.source, model.key
        assert "Runware page" in model.source and "not in the SDK's types" in model.source
    wan = catalog.get("wan-2.6")
    assert "cannot be used with `providerSettings.alibaba.audio`" in wan.source
