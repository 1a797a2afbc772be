"""Alibaba's Wan and HappyHorse on Runware."""

from __future__ import annotations

from dataclasses import replace

from generation.catalog.runware.base import CHECKED_DEC, NO_PAGE, D, flat, runware, unpriced
from generation.catalog.specs import Audio, VideoModel

WAN_720 = ("1280x720", "720x1280", "960x960", "1088x832", "832x1088")
WAN_1080 = ("1920x1080", "1080x1920", "1440x1440", "1632x1248", "1248x1632")
WAN_TIERS = {**dict.fromkeys(WAN_720, "720p"), **dict.fromkeys(WAN_1080, "1080p")}


WAN_3 = VideoModel(
    key="wan-3.0",
    label="Wan 3.0",
    routes=(runware("alibaba:wan@3.0"),),
    size_from_frame_image=True,
    sizes=("480p", "720p", "1080p"),
    uses_resolution=True,
    durations=(5, 10, 15),
    audio=Audio("native"),
    frames=("first",),
    remix=False,
    prices=unpriced(("480p", "720p", "1080p")),
    source="SDK 1.8.0: resolution 480p, 720p or 1080p; 5, 10 or 15 s as Wan2.6." + NO_PAGE,
    last_checked=CHECKED_DEC,
    summary="Alibaba's newest Wan.",
)


# runware-sdk 1.8.0 types `providerSettings` as a plain dict, so no SDK type names the sound
# switch; its source is Runware's own pages, checked 2026-12-06.
ALIBABA_AUDIO = (
    "not in the SDK's types; the model page's validation rules name it: \"`inputs.audio` "
    'cannot be used with `providerSettings.alibaba.audio`", and the provider page '
    "(docs/providers/alibaba) gives providerSettings.alibaba its automatic audio generation"
)

ROWS: list[VideoModel] = [
    VideoModel(
        key="wan-2.6",
        label="Wan2.6",
        routes=(runware("alibaba:wan@2.6"),),
        size_from_frame_image=True,
        sizes=(*WAN_720, *WAN_1080),
        tiers=WAN_TIERS,
        durations=(5, 10, 15),
        audio=Audio("optional", "providerSettings.alibaba.audio"),
        frames=("first",),
        remix=False,
        prices={**flat(WAN_720, D("0.10"), D("0.10")), **flat(WAN_1080, D("0.15"), D("0.15"))},
        source="Runware page alibaba-wan2-6: $0.10/s at 720p, $0.15/s at 1080p; ten sizes "
        "(16:9, 9:16, 1:1, 4:3, 3:4 at each tier); sound switch providerSettings.alibaba.audio "
        "(" + ALIBABA_AUDIO + "); SDK 1.8.0 resolution 720p/1080p, sent beside frame images.",
        last_checked=CHECKED_DEC,
        summary="Up to 15 s with sound.",
    ),
    VideoModel(
        key="wan-2.6-flash",
        label="Wan2.6 Flash",
        routes=(runware("alibaba:wan@2.6-flash"),),
        size_from_frame_image=True,
        needs_first_frame=True,
        sizes=(*WAN_720, *WAN_1080),
        tiers=WAN_TIERS,
        durations=(5, 10, 15),
        audio=Audio("optional", "providerSettings.alibaba.audio"),
        frames=("first",),
        remix=False,
        prices={
            **flat(WAN_720, D("0.025"), D("0.05")),
            **flat(WAN_1080, D("0.0375"), D("0.075")),
        },
        source="Runware page alibaba-wan2-6-flash: image to video only; $0.025/s ($0.05 with "
        "audio) at 720p, $0.0375/s ($0.075) at 1080p; sizes as Wan2.6; sound switch "
        "providerSettings.alibaba.audio (" + ALIBABA_AUDIO + "). Durations as Wan2.6 "
        "(the page lists none; the SDK types an integer).",
        last_checked=CHECKED_DEC,
        summary="Animates a first frame, fast and cheap.",
    ),
    VideoModel(
        key="wan-2.7",
        label="Wan2.7",
        routes=(runware("alibaba:wan@2.7"),),
        size_from_frame_image=True,
        sizes=(*WAN_720, *WAN_1080),
        tiers=WAN_TIERS,
        durations=tuple(range(2, 16)),
        audio=Audio("native"),
        frames=("first", "last"),
        remix=False,
        prices={**flat(WAN_720, D("0.10"), D("0.10")), **flat(WAN_1080, D("0.15"), D("0.15"))},
        source="Runware page alibaba-wan2-7: $0.10/s at 720p, $0.15/s at 1080p (input video "
        "seconds are charged too; takes send none); ten sizes as Wan2.6; frame images or "
        "width/height, so a frame goes with its tier (SDK 1.8.0: 720p, 1080p). It scores its "
        "own sound with no switch; 2-15 s, the maker's range.",
        last_checked=CHECKED_DEC,
        summary="Wan with first and last frames, 2 to 15 s.",
    ),
    WAN_3,
    replace(
        WAN_3,
        key="wan-3.0-prime",
        label="Wan 3.0 Prime",
        routes=(runware("alibaba:wan@3.0-prime"),),
        summary="Wan 3.0's top tier.",
    ),
    VideoModel(
        key="happyhorse-1.1",
        label="HappyHorse 1.1",
        routes=(runware("alibaba:happyhorse@1.1"),),
        size_from_frame_image=True,
        sizes=("720p", "1080p"),
        uses_resolution=True,
        durations=tuple(range(3, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices=unpriced(("720p", "1080p")),
        source="SDK 1.8.0: resolution 720p or 1080p; 3-15 s with native sound (Alibaba's "
        "docs)." + NO_PAGE,
        last_checked=CHECKED_DEC,
        summary="Alibaba's HappyHorse, with sound.",
    ),
]
