"""The live models offered through Runware's `videoInference`, as data, one module per maker
(each row with its sources and the date it was checked; `base` says how rows are read)."""

from __future__ import annotations

from generation.catalog.runware import alibaba, bytedance, google, kling, minimax, other_makers
from generation.catalog.runware.base import CHECKED, flat
from generation.catalog.specs import VideoModel

LIVE: list[VideoModel] = [
    *google.ROWS,
    *kling.ROWS,
    *bytedance.ROWS,
    *alibaba.ROWS,
    *minimax.ROWS,
    *other_makers.ROWS,
]

__all__ = ["CHECKED", "LIVE", "flat"]
