"""The catalog's rows: every video model Reelroom knows. Sora 2 and its dated snapshots (the
OpenAI-compatible contract, ../shared/reference/openai-videos-openapi.yaml) are here; the live
Runware models are in runware/ (a module per maker); the animatic is made from all of them.
Providers change sizes, durations and prices often: correct the data, each row with its source
note and the date it was last checked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from generation.catalog.runware import CHECKED, LIVE, flat
from generation.catalog.specs import (
    ANIMATIC,
    OPENAI,
    RUNWARE,
    Audio,
    Lifecycle,
    Route,
    VideoModel,
)

D = Decimal

SORA_RETIRED = Lifecycle(
    live=False,
    retired_on=date(2026, 9, 24),
    reason="OpenAI removed the Videos API and the Sora 2 models on 2026-09-24, and Runware "
    "deactivated them the same day.",
    still_served_by=(OPENAI,),
)
RUNWARE_SORA_NOTE = "Deactivated by Runware on 2026-09-24; kept for provenance."
RUNWARE_SORA_OFF = date(2026, 9, 24)
SORA_SIZES = ("1280x720", "720x1280")
SORA_PRO_SIZES = ("1280x720", "720x1280", "1792x1024", "1024x1792")


def _openai(name: str) -> Route:
    return Route(
        OPENAI,
        name,
        1,
        4000,
        note="The seed guide caps prompts at 4000 characters; the OpenAPI text allows 32000. "
        "The lower limit is kept.",
    )


def _sora_routes(
    openai_name: str, air: str, runware_sizes: tuple[str, ...] = ()
) -> tuple[Route, Route]:
    return (
        _openai(openai_name),
        Route(
            RUNWARE,
            air,
            2,
            6000,
            note=RUNWARE_SORA_NOTE,
            deactivated_on=RUNWARE_SORA_OFF,
            sizes=tuple(runware_sizes),
        ),
    )


_MODELS: list[VideoModel] = [
    VideoModel(
        key="sora-2",
        label="Sora 2",
        routes=_sora_routes("sora-2", "openai:3@1"),
        sizes=SORA_SIZES,
        durations=(4, 8, 12),
        audio=Audio("native"),
        frames=("first",),
        remix=True,
        prices=flat(SORA_SIZES, None, D("0.10")),
        image_must_match_size=True,
        lifecycle=SORA_RETIRED,
        source="PROVIDERS.md §1 and the Videos API OpenAPI text; 16 and 20 s clips were listed "
        "late in the guide but never in the spec.",
        last_checked=CHECKED,
        summary="Fast iteration with synchronized sound.",
    ),
    VideoModel(
        key="sora-2-pro",
        label="Sora 2 Pro",
        # Runware's (deactivated) page lists 1920x1080 and 1080x1920 for this AIR.
        routes=_sora_routes(
            "sora-2-pro", "openai:3@2", ("1280x720", "720x1280", "1920x1080", "1080x1920")
        ),
        sizes=SORA_PRO_SIZES,
        durations=(4, 8, 12),
        audio=Audio("native"),
        frames=("first",),
        remix=True,
        prices={
            "1280x720": (None, D("0.30")),
            "720x1280": (None, D("0.30")),
            "1792x1024": (None, D("0.50")),
            "1024x1792": (None, D("0.50")),
        },
        image_must_match_size=True,
        lifecycle=SORA_RETIRED,
        source="PROVIDERS.md §1; a later page listed 1920×1080 too, the spec did not.",
        last_checked=CHECKED,
        summary="Production quality Sora with synchronized sound.",
    ),
]


def _animatic() -> VideoModel:
    # The animatic renders anything any other model can, so a team can check a timeline's pacing
    # at the exact size and length it will later pay for.
    sizes: list[str] = []
    durations: set[int] = set()
    for model in MODELS_BUT_THE_ANIMATIC:
        for size in model.sizes:
            if size not in sizes:
                sizes.append(size)
        durations.update(model.durations)
    return VideoModel(
        key=ANIMATIC,
        label="Animatic (storyboard, free)",
        routes=(Route(ANIMATIC, "animatic", 1, 32000),),
        sizes=tuple(sizes),
        durations=tuple(sorted(durations)),
        audio=Audio("native"),
        frames=("first", "last"),
        remix=True,
        prices=flat(sizes, D("0"), D("0")),
        source="Built in: renders storyboard cards locally with ffmpeg.",
        last_checked=CHECKED,
        summary="A storyboard MP4 with the beats, timings and a click at each cut. Costs nothing.",
    )


def _snapshot(alias: VideoModel, name: str, day: str) -> VideoModel:
    """A dated snapshot that gateways serving the contract still route (the OpenAPI text's
    model enum): the alias's sizes, lengths and prices, through the OpenAI-compatible route."""
    return replace(
        alias,
        key=name,
        label=f"{alias.label} ({day} snapshot)",
        routes=(_openai(name),),
        source=f"The Videos API OpenAPI text lists `{name}`; otherwise as {alias.label}.",
        last_checked=date(2026, 12, 1),
        summary=f"{alias.label} pinned to its {day} snapshot.",
    )


SORA_2, SORA_2_PRO = _MODELS
_MODELS += [
    _snapshot(SORA_2, "sora-2-2025-10-06", "2025-10-06"),
    _snapshot(SORA_2, "sora-2-2025-12-08", "2025-12-08"),
    _snapshot(SORA_2_PRO, "sora-2-pro-2025-10-06", "2025-10-06"),
]
MODELS_BUT_THE_ANIMATIC = [*_MODELS, *LIVE]
MODELS: dict[str, VideoModel] = {m.key: m for m in [_animatic(), *MODELS_BUT_THE_ANIMATIC]}
