"""ByteDance's Seedance family on Runware."""

from __future__ import annotations

from dataclasses import replace

from generation.catalog.runware.base import (
    CHECKED,
    CHECKED_DEC,
    NO_PAGE,
    D,
    flat,
    runware,
    unpriced,
)
from generation.catalog.specs import Audio, VideoModel

SEEDANCE_15 = (
    "864x496",
    "496x864",
    "640x640",
    "1280x720",
    "720x1280",
    "960x960",
    "1920x1080",
    "1080x1920",
    "1440x1440",
)
SEEDANCE_15_TIERS = dict(
    zip(SEEDANCE_15, ("480p",) * 3 + ("720p",) * 3 + ("1080p",) * 3, strict=True)
)


SEEDANCE_2_FAST = VideoModel(
    key="seedance-2-fast",
    label="Seedance 2.0 Fast",
    routes=(runware("bytedance:seedance@2.0-fast"),),
    size_from_frame_image=True,
    sizes=("480p", "720p"),
    uses_resolution=True,
    durations=tuple(range(4, 16)),
    audio=Audio("optional", "settings.audio"),
    frames=("first", "last"),
    remix=False,
    prices=unpriced(("480p", "720p")),
    source="SDK 1.8.0: resolution 480p or 720p, `settings` as Seedance 2.0; 4-15 s as "
    "Seedance 2.0." + NO_PAGE,
    last_checked=CHECKED_DEC,
    summary="Quicker Seedance 2.0 drafts, up to 720p.",
)


ROWS: list[VideoModel] = [
    VideoModel(
        key="seedance-2",
        label="Seedance 2.0",
        routes=(runware("bytedance:seedance@2.0"),),
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
    SEEDANCE_2_FAST,
    replace(
        SEEDANCE_2_FAST,
        key="seedance-2-mini",
        label="Seedance 2.0 Mini",
        routes=(runware("bytedance:seedance@2.0-mini"),),
        summary="The smallest Seedance 2.0, up to 720p.",
    ),
    VideoModel(
        key="seedance-2.5",
        label="Seedance 2.5",
        routes=(runware("bytedance:seedance@2.5"),),
        size_from_frame_image=True,
        sizes=("480p", "720p", "1080p"),
        uses_resolution=True,
        durations=tuple(range(4, 16)),
        audio=Audio("optional", "settings.audio"),
        frames=("first", "last"),
        remix=False,
        prices=unpriced(("480p", "720p", "1080p")),
        source="SDK 1.8.0: resolution 480p, 720p or 1080p, `settings` as Seedance 2.0; 4-15 s "
        "as Seedance 2.0." + NO_PAGE,
        last_checked=CHECKED_DEC,
        summary="The newest Seedance, up to 1080p.",
    ),
    VideoModel(
        key="seedance-1.5-pro",
        label="Seedance 1.5 Pro",
        routes=(runware("bytedance:seedance@1.5-pro"),),
        size_from_frame_image=True,
        sizes=SEEDANCE_15,
        tiers=SEEDANCE_15_TIERS,
        durations=tuple(range(4, 13)),
        audio=Audio("native"),
        frames=("first", "last"),
        remix=False,
        prices={
            **flat(SEEDANCE_15[:3], D("0.012"), D("0.024")),
            **flat(SEEDANCE_15[3:6], D("0.026"), D("0.052")),
            **unpriced(SEEDANCE_15[6:]),
        },
        source="Runware page bytedance-seedance-1-5-pro: 480p 5 s $0.06 ($0.12 with audio), "
        "720p 5 s $0.13 ($0.26); 1080p listed without a price (price unknown). Its sound has no "
        "documented switch (providerSettings would pin it to 480p), so it is priced with audio. "
        "4-12 s, BytePlus's range.",
        last_checked=CHECKED_DEC,
        summary="Seedance with native sound, cheap at 480p.",
    ),
]
