"""MiniMax's Hailuo 2.3 and H3 on Runware."""

from __future__ import annotations

from generation.catalog.runware.base import CHECKED_DEC, NO_PAGE, D, runware, unpriced
from generation.catalog.specs import Audio, VideoModel

ROWS: list[VideoModel] = [
    VideoModel(
        key="hailuo-2.3",
        label="Hailuo 2.3",
        routes=(runware("minimax:4@1"),),
        # width and height go beside a frame image (the page has no rule against it, and the
        # SDK has no `resolution`): they are how the take states its tier.
        size_from_frame_image=False,
        sizes=("1366x768", "1920x1080"),
        durations=(6, 10),
        durations_by_size={"1920x1080": (6,)},
        audio=Audio("none"),
        frames=("first",),
        remix=False,
        prices={"1366x768": (D("0.28") / 6, None), "1920x1080": (D("0.49") / 6, None)},
        source="Runware page minimax-hailuo-2-3: 768p 6 s $0.28, 10 s $0.56; 1080p 6 s $0.49 "
        "(6 s only).",
        last_checked=CHECKED_DEC,
        summary="Landscape only, silent.",
    ),
    VideoModel(
        key="hailuo-2.3-fast",
        label="Hailuo 2.3 Fast",
        routes=(runware("minimax:4@2"),),
        size_from_frame_image=False,
        needs_first_frame=True,
        sizes=("1366x768", "1920x1080"),
        durations=(6,),
        audio=Audio("none"),
        frames=("first",),
        remix=False,
        prices={"1366x768": (D("0.19") / 6, None), "1920x1080": (D("0.33") / 6, None)},
        source="Runware page minimax-hailuo-2-3-fast: image to video, 6 s; 768p $0.19, 1080p "
        "$0.33 (the page's February 2026 price, 20 % off: check before relying on it).",
        last_checked=CHECKED_DEC,
        summary="Animates a first frame, landscape, silent.",
    ),
    VideoModel(
        key="minimax-h3",
        label="MiniMax H3",
        routes=(runware("minimax:h3@0"),),
        size_from_frame_image=True,
        sizes=("768p", "1440p"),
        uses_resolution=True,
        durations=(6, 10),
        audio=Audio("none"),
        frames=("first",),
        remix=False,
        prices=unpriced(("768p", "1440p")),
        source="SDK 1.8.0: resolution 768p or 1440p; 6 or 10 s as Hailuo 2.3." + NO_PAGE,
        last_checked=CHECKED_DEC,
        summary="MiniMax's successor to Hailuo, up to 1440p.",
    ),
]
