"""Google's Veo 3.1 family on Runware."""

from __future__ import annotations

from generation.catalog.runware.base import CHECKED, CHECKED_DEC, D, flat, runware
from generation.catalog.specs import Audio, VideoModel

VEO_SIZES = ("1280x720", "720x1280", "1920x1080", "1080x1920", "3840x2160", "2160x3840")
VEO_TIERS = dict(zip(VEO_SIZES, ("720p", "720p", "1080p", "1080p", "4K", "4K"), strict=True))


ROWS: list[VideoModel] = [
    VideoModel(
        key="veo-3.1-fast",
        label="Veo 3.1 Fast",
        routes=(runware("google:3@3"),),
        size_from_frame_image=True,
        sizes=VEO_SIZES,
        tiers=VEO_TIERS,
        durations=(4, 6, 8),
        audio=Audio("optional", "providerSettings.google.generateAudio"),
        frames=("first", "last"),
        remix=False,
        prices={
            **flat(VEO_SIZES[:4], D("0.10"), D("0.15")),
            **flat(VEO_SIZES[4:], D("0.30"), D("0.35")),
        },
        source="Runware page google-veo-3-1-fast: $0.10/s at 1080p, $0.15/s with audio; 4K "
        "8 s $2.40, $2.80 with audio. Frame images exclude width/height, so the tier is sent as "
        "`resolution` (SDK 1.8.0: 720p, 1080p, 4K). 720p priced as 1080p (not listed apart).",
        last_checked=CHECKED_DEC,
        summary="Quick Veo drafts, optional sound.",
    ),
    VideoModel(
        key="veo-3.1",
        label="Veo 3.1",
        routes=(runware("google:3@2"),),
        size_from_frame_image=True,
        sizes=VEO_SIZES,
        tiers=VEO_TIERS,
        durations=(4, 6, 8),
        audio=Audio("optional", "providerSettings.google.generateAudio"),
        frames=("first", "last"),
        remix=False,
        prices={**flat(VEO_SIZES[:4], None, D("0.40")), **flat(VEO_SIZES[4:], None, None)},
        source="Runware model page 2026-10-12; about $0.40/s with audio, silent and 4K prices "
        "not published.",
        last_checked=CHECKED,
        summary="Google's flagship, first and last frame control.",
    ),
    VideoModel(
        key="veo-3.1-lite",
        label="Veo 3.1 Lite",
        routes=(runware("google:veo@3.1-lite"),),
        size_from_frame_image=True,
        sizes=VEO_SIZES[:4],
        tiers={s: VEO_TIERS[s] for s in VEO_SIZES[:4]},
        durations=(4, 6, 8),
        audio=Audio("optional", "providerSettings.google.generateAudio"),
        frames=("first",),
        remix=False,
        prices=flat(VEO_SIZES[:4], None, None),
        source="Runware page google-veo-3-1-lite: 720p or 1080p, landscape and portrait, 4, 6 "
        "or 8 s, native audio; SDK 1.8.0 resolution 720p/1080p. Runware's price was not in our "
        "sources: price unknown.",
        last_checked=CHECKED_DEC,
        summary="The cheapest Veo, 720p or 1080p.",
    ),
]
