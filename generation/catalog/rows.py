"""The catalog's rows: every video model Reelroom knows, from ../shared/PROVIDERS.md (checked
2026-11-22). Providers change sizes, durations and prices often: correct the data here, each
row with its source note and the date it was last checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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
CHECKED = date(2026, 11, 22)
# Runware documents 2-6000 characters on its Sora pages; per-model limits for the live models
# were not in our sources, so the same bound is used and a provider refusal is explained.
RUNWARE_PROMPT_MAX = 6000
RUNWARE_LIMIT_NOTE = "Prompt limit from Runware's Sora pages; this model's own limit unpublished."
SORA_SIZES = ("1280x720", "720x1280")
SORA_PRO_SIZES = ("1280x720", "720x1280", "1792x1024", "1024x1792")
VEO_SIZES = ("1280x720", "720x1280", "1920x1080", "1080x1920", "3840x2160", "2160x3840")


def _runware(air: str) -> Route:
    return Route(RUNWARE, air, 2, RUNWARE_PROMPT_MAX, note=RUNWARE_LIMIT_NOTE)


def _sora_routes(openai_name: str, air: str) -> tuple[Route, Route]:
    return (
        Route(
            OPENAI,
            openai_name,
            1,
            4000,
            note="The seed guide caps prompts at 4000 characters; the OpenAPI text allows "
            "32000. The lower limit is kept.",
        ),
        Route(RUNWARE, air, 2, 6000, note=RUNWARE_SORA_NOTE),
    )


def _flat(sizes, no_audio, with_audio):
    return {s: (no_audio, with_audio) for s in sizes}


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
        prices=_flat(SORA_SIZES, None, D("0.10")),
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
        routes=_sora_routes("sora-2-pro", "openai:3@2"),
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
    VideoModel(
        key="veo-3.1-fast",
        label="Veo 3.1 Fast",
        routes=(_runware("google:3@3"),),
        size_from_frame_image=True,
        sizes=VEO_SIZES,
        durations=(4, 6, 8),
        audio=Audio("optional", "providerSettings.google.generateAudio"),
        frames=("first", "last"),
        remix=False,
        prices={**_flat(VEO_SIZES[:4], D("0.10"), D("0.15")), **_flat(VEO_SIZES[4:], None, None)},
        source="Runware model page and SDK schema snapshot 2026-10-12; price seen for 1080p, "
        "4K not published.",
        last_checked=CHECKED,
        summary="Quick Veo drafts, optional sound.",
    ),
    VideoModel(
        key="veo-3.1",
        label="Veo 3.1",
        routes=(_runware("google:3@2"),),
        size_from_frame_image=True,
        sizes=VEO_SIZES,
        durations=(4, 6, 8),
        audio=Audio("optional", "providerSettings.google.generateAudio"),
        frames=("first", "last"),
        remix=False,
        prices={**_flat(VEO_SIZES[:4], None, D("0.40")), **_flat(VEO_SIZES[4:], None, None)},
        source="Runware model page 2026-10-12; about $0.40/s with audio, silent price not "
        "published.",
        last_checked=CHECKED,
        summary="Google's flagship, first and last frame control.",
    ),
    VideoModel(
        key="kling-3-pro",
        label="Kling 3.0 Pro",
        routes=(_runware("klingai:kling-video@3-pro"),),
        size_from_frame_image=True,
        sizes=("1920x1080", "1440x1440", "1080x1920"),
        durations=tuple(range(3, 16)),
        audio=Audio("optional", "providerSettings.klingai.sound"),
        frames=("first",),
        remix=False,
        prices=_flat(("1920x1080", "1440x1440", "1080x1920"), D("0.112"), D("0.168")),
        source="Runware model page 2026-10-12; the audio switch providerSettings.klingai.sound "
        "from runware-sdk 1.6.10's typed params (types/task_map.py), which define no `settings`.",
        last_checked=CHECKED,
        summary="1080p, any length from 3 to 15 s.",
    ),
    VideoModel(
        key="kling-3-standard",
        label="Kling 3.0 Standard",
        routes=(_runware("klingai:kling-video@3-standard"),),
        size_from_frame_image=True,
        sizes=("1280x720", "960x960", "720x1280"),
        durations=tuple(range(3, 16)),
        audio=Audio("optional", "providerSettings.klingai.sound"),
        frames=("first",),
        remix=False,
        prices=_flat(("1280x720", "960x960", "720x1280"), D("0.084"), D("0.126")),
        source="Runware model page 2026-10-12; audio switch as for Kling 3.0 Pro "
        "(runware-sdk 1.6.10 typed params).",
        last_checked=CHECKED,
        summary="720p Kling at a lower price.",
    ),
    VideoModel(
        key="seedance-2",
        label="Seedance 2.0",
        routes=(_runware("bytedance:seedance@2.0"),),
        size_from_frame_image=True,
        sizes=("480p", "720p", "1080p"),
        uses_resolution=True,
        durations=tuple(range(4, 16)),
        audio=Audio("optional", "settings.audio"),
        frames=("first", "last"),
        remix=False,
        prices={
            "480p": (D("0.07"), D("0.07")),
            "720p": (D("0.16"), D("0.16")),
            "1080p": (D("0.40"), D("0.40")),
        },
        source="Runware model page 2026-10-12 (resolution values, not width and height).",
        last_checked=CHECKED,
        summary="Takes a resolution; frame images set the shape.",
    ),
    VideoModel(
        key="wan-2.6",
        label="Wan2.6",
        routes=(_runware("alibaba:wan@2.6"),),
        size_from_frame_image=True,
        sizes=("1280x720", "720x1280", "960x960", "1920x1080", "1080x1920", "1440x1440"),
        durations=(5, 10, 15),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices={
            **_flat(("1280x720", "720x1280", "960x960"), D("0.10"), D("0.10")),
            **_flat(("1920x1080", "1080x1920", "1440x1440"), D("0.15"), D("0.15")),
        },
        source="Runware model page 2026-10-12; 4:3 and 3:4 sizes exist but were not listed "
        "with pixel values.",
        last_checked=CHECKED,
        summary="Up to 15 s with sound.",
    ),
    VideoModel(
        key="hailuo-2.3",
        label="Hailuo 2.3",
        routes=(_runware("minimax:4@1"),),
        size_from_frame_image=True,
        sizes=("1366x768", "1920x1080"),
        durations=(6, 10),
        durations_by_size={"1920x1080": (6,)},
        audio=Audio("none"),
        frames=("first",),
        remix=False,
        prices={"1366x768": (D("0.28") / 6, None), "1920x1080": (None, None)},
        source="Runware model page 2026-10-12: $0.28 per 6 s at 768p; 1080p is 6 s only and "
        "its price was not published.",
        last_checked=CHECKED,
        summary="Landscape only, silent.",
    ),
    VideoModel(
        key="runway-gen-4.5",
        label="Runway Gen-4.5",
        routes=(_runware("runway:1@2"),),
        # runware-sdk 1.6.10 types width and height as required for this model, frame image
        # or not: they are always sent.
        size_from_frame_image=False,
        sizes=("1280x720", "720x1280", "1104x832", "832x1104", "960x960"),
        durations=(5, 8, 10),
        audio=Audio("none"),
        frames=("first",),
        remix=False,
        prices=_flat(("1280x720", "720x1280", "1104x832", "832x1104", "960x960"), D("0.12"), None),
        source="Runware model page 2026-10-12.",
        last_checked=CHECKED,
        summary="Silent, strong motion.",
    ),
    VideoModel(
        key="luma-ray-3.2",
        label="Luma Ray 3.2",
        routes=(_runware("luma:ray@3.2"),),
        size_from_frame_image=True,
        sizes=("360p", "540p", "720p", "1080p"),
        uses_resolution=True,
        durations=(5, 10),
        audio=Audio("none"),
        frames=("first", "last"),
        remix=False,
        prices={
            "360p": (D("0.012"), None),
            "540p": (None, None),
            "720p": (None, None),
            "1080p": (None, None),
        },
        source="Runware model page 2026-10-12: from $0.012/s (360p); higher tiers not published.",
        last_checked=CHECKED,
        summary="Silent, cheap drafts at low resolution.",
    ),
]


def _animatic() -> VideoModel:
    # The animatic renders anything any other model can, so a team can check a timeline's pacing
    # at the exact size and length it will later pay for.
    sizes: list[str] = []
    durations: set[int] = set()
    for model in _MODELS:
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
        prices=_flat(sizes, D("0"), D("0")),
        source="Built in: renders storyboard cards locally with ffmpeg.",
        last_checked=CHECKED,
        summary="A storyboard MP4 with the beats, timings and a click at each cut. Costs nothing.",
    )


MODELS: dict[str, VideoModel] = {m.key: m for m in [_animatic(), *_MODELS]}
