"""Runway, Luma, Vidu, Lightricks (LTX), PixVerse and xAI (Grok Imagine) on Runware."""

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

VIDU_SIZES = (
    "960x528",
    "528x960",
    "720x720",
    "1280x720",
    "720x1280",
    "960x960",
    "1104x816",
    "816x1104",
    "1920x1080",
    "1080x1920",
    "1440x1440",
    "1674x1238",
    "1238x1674",
)
VIDU_TIERS = dict(zip(VIDU_SIZES, ("540p",) * 3 + ("720p",) * 5 + ("1080p",) * 5, strict=True))
GROK_480 = ("848x480", "480x848", "480x480", "640x480", "480x640", "720x480", "480x720")
GROK_720 = ("1280x720", "720x1280", "720x720", "960x720", "720x960")
LTX_SIZES = ("1920x1080", "1080x1920", "2560x1440", "1440x2560", "3840x2160", "2160x3840")
LTX_FPS_NOTE = "Lengths per the LTX-2.3 Fast page's table (1080p: 6-20 s in steps of 2, else 6-10)."
PIXVERSE_SIZES = (
    "960x540",
    "540x960",
    "540x540",
    "1280x720",
    "720x1280",
    "720x720",
    "960x720",
    "720x960",
    "1920x1080",
    "1080x1920",
    "1080x1080",
    "1440x1080",
    "1080x1440",
)
PIXVERSE_TIERS = dict(
    zip(PIXVERSE_SIZES, ("540p",) * 3 + ("720p",) * 5 + ("1080p",) * 5, strict=True)
)


LTX_2_5_FAST = VideoModel(
    key="ltx-2.5-fast",
    label="LTX-2.5 Fast",
    routes=(runware("lightricks:ltx@2.5-fast"),),
    size_from_frame_image=False,
    sizes=LTX_SIZES,
    durations=(6, 8, 10),
    audio=Audio("native"),
    frames=("first",),
    remix=False,
    prices=unpriced(LTX_SIZES),
    source="SDK 1.8.0: width and height, no `resolution`; sizes and lengths as LTX-2.3." + NO_PAGE,
    last_checked=CHECKED_DEC,
    summary="The newest LTX, fast tier.",
)


ROWS: list[VideoModel] = [
    VideoModel(
        key="runway-gen-4.5",
        label="Runway Gen-4.5",
        routes=(runware("runway:1@2"),),
        # runware-sdk types width and height as required for this model, frame image or not:
        # they are always sent.
        size_from_frame_image=False,
        sizes=("1280x720", "720x1280", "1104x832", "832x1104", "960x960"),
        durations=(5, 8, 10),
        audio=Audio("none"),
        frames=("first",),
        remix=False,
        prices=flat(("1280x720", "720x1280", "1104x832", "832x1104", "960x960"), D("0.12"), None),
        source="Runware model page 2026-10-12.",
        last_checked=CHECKED,
        summary="Silent, strong motion.",
    ),
    VideoModel(
        key="luma-ray-3.2",
        label="Luma Ray 3.2",
        routes=(runware("luma:ray@3.2"),),
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
        source="Runware model page 2026-10-12: from $0.012/s (360p); the 540p, 720p and 1080p "
        "prices were not in our sources (price unknown).",
        last_checked=CHECKED,
        summary="Silent, cheap drafts at low resolution.",
    ),
    VideoModel(
        key="vidu-q3",
        label="Vidu Q3",
        routes=(runware("vidu:4@1"),),
        size_from_frame_image=True,
        sizes=VIDU_SIZES,
        tiers=VIDU_TIERS,
        durations=tuple(range(1, 17)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices={
            **flat(VIDU_SIZES[:3], None, D("0.0455")),
            **flat(VIDU_SIZES[3:8], None, D("0.0975")),
            **flat(VIDU_SIZES[8:], None, D("0.1040")),
        },
        source="Runware page vidu-q3: 540p $0.0455/s, 720p $0.0975/s, 1080p $0.1040/s (360p "
        "left out, priced as 540p); sizes from its table; `resolution` or width/height, so a "
        "frame goes with its tier. Synchronized sound, no switch sent (providerSettings.vidu.bgm "
        "is background music for 4 s clips). 1-16 s, Vidu's range.",
        last_checked=CHECKED_DEC,
        summary="Sound, subtitles and shot planning, 1 to 16 s.",
    ),
    VideoModel(
        key="ltx-2.3",
        label="LTX-2.3",
        routes=(runware("lightricks:ltx@2.3"),),
        # runware-sdk types width and height as required: always sent.
        size_from_frame_image=False,
        sizes=LTX_SIZES,
        durations=(6, 8, 10),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices={
            **flat(LTX_SIZES[:2], None, D("0.08")),
            **flat(LTX_SIZES[2:4], None, D("0.16")),
            **flat(LTX_SIZES[4:], None, D("0.32")),
        },
        source="Runware page lightricks-ltx-2-3: 1080p $0.08/s, 1440p $0.16/s, 4K $0.32/s with "
        "native sound; six sizes; width and height required (SDK 1.8.0). 6, 8 or 10 s (its Fast "
        "page's lengths for every size).",
        last_checked=CHECKED_DEC,
        summary="Lightricks' open model with sound, up to 4K.",
    ),
    VideoModel(
        key="ltx-2.3-fast",
        label="LTX-2.3 Fast",
        routes=(runware("lightricks:ltx@2.3-fast"),),
        size_from_frame_image=False,
        sizes=LTX_SIZES,
        durations=(6, 8, 10),
        durations_by_size=dict.fromkeys(LTX_SIZES[:2], tuple(range(6, 21, 2))),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices={
            **flat(LTX_SIZES[:2], None, D("0.06")),
            **flat(LTX_SIZES[2:4], None, D("0.12")),
            **flat(LTX_SIZES[4:], None, D("0.24")),
        },
        source="Runware page lightricks-ltx-2-3-fast: 1080p $0.06/s, 1440p $0.12/s, 4K $0.24/s "
        "with native sound; width and height required (SDK 1.8.0). " + LTX_FPS_NOTE,
        last_checked=CHECKED_DEC,
        summary="LTX drafts, up to 20 s at 1080p.",
    ),
    LTX_2_5_FAST,
    replace(
        LTX_2_5_FAST,
        key="ltx-2.5-pro",
        label="LTX-2.5 Pro",
        routes=(runware("lightricks:ltx@2.5-pro"),),
        summary="The newest LTX, pro tier.",
    ),
    VideoModel(
        key="pixverse-v6",
        label="PixVerse V6",
        routes=(runware("pixverse:1@8"),),
        size_from_frame_image=True,
        sizes=PIXVERSE_SIZES,
        tiers=PIXVERSE_TIERS,
        durations=tuple(range(1, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices=unpriced(PIXVERSE_SIZES),
        source="SDK 1.8.0: resolution 360p-1080p; sizes from PixVerse V5.5's Runware page, "
        "1-15 s, sound on by default (PixVerse's own docs)." + NO_PAGE,
        last_checked=CHECKED_DEC,
        summary="PixVerse's newest, with sound.",
    ),
    VideoModel(
        key="grok-imagine-1.5",
        label="Grok Imagine Video 1.5",
        routes=(runware("xai:grok-imagine@video-1.5"),),
        size_from_frame_image=True,
        needs_first_frame=True,
        sizes=(*GROK_480, *GROK_720),
        tiers={**dict.fromkeys(GROK_480, "480p"), **dict.fromkeys(GROK_720, "720p")},
        durations=tuple(range(1, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices={**flat(GROK_480, None, D("0.08")), **flat(GROK_720, None, D("0.14"))},
        take_fee=D("0.01"),
        source="Runware page xai-grok-imagine-video-1-5-preview (the SDK 1.8.0 AIR drops "
        "'-preview'): image to video only; $0.08/s at 480p, $0.14/s at 720p, plus $0.01 for "
        "the frame image; twelve sizes; up to 15 s.",
        last_checked=CHECKED_DEC,
        summary="Animates a first frame with sound, up to 15 s.",
    ),
]
