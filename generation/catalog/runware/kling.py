"""Kling 3.0 and Kling O3 (3.0 Omni) on Runware."""

from __future__ import annotations

from generation.catalog.runware.base import CHECKED_DEC, D, flat, runware, unpriced
from generation.catalog.specs import Audio, VideoModel

KLING_720 = ("1280x720", "960x960", "720x1280")
KLING_1080 = ("1920x1080", "1440x1440", "1080x1920")
KLING_4K = ("3840x2160", "2160x3840", "2880x2880")
# Kling's pages: "When providerSettings is provided, inputs.referenceImages is required" (and
# reference videos): the sound switch providerSettings.klingai.sound (runware 0.5.24's wire
# dataclasses) is only valid beside references, which takes never send. Without it Kling makes
# its native sound, so these rows are priced with audio and send no providerSettings.
KLING_SOUND_NOTE = (
    " Sound: the pages allow providerSettings only with reference images or videos, so none "
    "is sent and the model's native sound is priced in."
)


ROWS: list[VideoModel] = [
    VideoModel(
        key="kling-3-pro",
        label="Kling 3.0 Pro",
        routes=(runware("klingai:kling-video@3-pro"),),
        size_from_frame_image=True,
        sizes=KLING_1080,
        durations=tuple(range(3, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices=flat(KLING_1080, D("0.112"), D("0.168")),
        source="Runware page klingai-video-3-0-pro: $0.112/s, $0.168/s with audio; 1080p "
        "sizes; no resolution parameter (SDK 1.8.0), the frame image sets the shape."
        + KLING_SOUND_NOTE,
        last_checked=CHECKED_DEC,
        summary="1080p, any length from 3 to 15 s.",
    ),
    VideoModel(
        key="kling-3-standard",
        label="Kling 3.0 Standard",
        routes=(runware("klingai:kling-video@3-standard"),),
        size_from_frame_image=True,
        sizes=KLING_720,
        durations=tuple(range(3, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices=flat(KLING_720, D("0.084"), D("0.126")),
        source="Runware page klingai-video-3-0-standard: $0.084/s, $0.126/s with audio; 720p "
        "sizes." + KLING_SOUND_NOTE,
        last_checked=CHECKED_DEC,
        summary="720p Kling at a lower price.",
    ),
    VideoModel(
        key="kling-3-turbo",
        label="Kling 3.0 Turbo",
        routes=(runware("klingai:kling-video@3.0-turbo"),),
        size_from_frame_image=True,
        sizes=(*KLING_720, *KLING_1080),
        tiers={**dict.fromkeys(KLING_720, "720p"), **dict.fromkeys(KLING_1080, "1080p")},
        durations=tuple(range(3, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices={**flat(KLING_720, None, D("0.112")), **flat(KLING_1080, None, D("0.14"))},
        source="Runware page klingai-video-3-0-turbo: $0.112/s at 720p with native audio, "
        "1080p 3 s $0.42; six sizes; frame images exclude width/height and `resolution` needs "
        "them, so a first frame goes with its tier (SDK 1.8.0: 720p, 1080p). 3-15 s as the "
        "Kling 3.0 family.",
        last_checked=CHECKED_DEC,
        summary="Fast Kling with sound, 720p or 1080p.",
    ),
    VideoModel(
        key="kling-3-4k",
        label="Kling 3.0 4K",
        routes=(runware("klingai:kling-video@3-4k"),),
        size_from_frame_image=True,
        sizes=KLING_4K,
        durations=tuple(range(3, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices=flat(KLING_4K, None, D("0.42")),
        source="Runware page klingai-video-3-0-4k: $0.42/s; 3840×2160, 2160×3840, 2880×2880; "
        "a frame image or width/height, never both (one tier)." + KLING_SOUND_NOTE,
        last_checked=CHECKED_DEC,
        summary="Kling 3.0 at 4K, with sound.",
    ),
    VideoModel(
        key="kling-o3-pro",
        label="Kling O3 Pro",
        routes=(runware("klingai:kling-video@o3-pro"),),
        size_from_frame_image=True,
        sizes=KLING_1080,
        durations=tuple(range(3, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices=flat(KLING_1080, D("0.112"), D("0.14")),
        source="Runware page klingai-video-o3-pro: $0.112/s, $0.14/s with audio; 1080p sizes. "
        "No `resolution` is sent: the 3.0 Omni Pro page allows it only beside an input video, "
        "and the model has one tier. Durations 3-15 s as the Kling 3.0 family (the page lists "
        "none; the SDK types an integer)." + KLING_SOUND_NOTE,
        last_checked=CHECKED_DEC,
        summary="Kling's multimodal O3 at 1080p.",
    ),
    VideoModel(
        key="kling-o3-standard",
        label="Kling O3 Standard",
        routes=(runware("klingai:kling-video@o3-standard"),),
        size_from_frame_image=True,
        sizes=KLING_720,
        durations=tuple(range(3, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices=flat(KLING_720, D("0.084"), D("0.112")),
        source="Runware page klingai-video-o3-standard: $0.084/s, $0.112/s with audio; 720p "
        "sizes; one tier, no `resolution` sent (as Kling O3 Pro). Durations as Kling O3 Pro."
        + KLING_SOUND_NOTE,
        last_checked=CHECKED_DEC,
        summary="Kling O3 at 720p.",
    ),
    VideoModel(
        key="kling-o3-4k",
        label="Kling O3 4K",
        routes=(runware("klingai:kling-video@o3-4k"),),
        size_from_frame_image=True,
        sizes=KLING_4K,
        durations=tuple(range(3, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices=unpriced(KLING_4K),
        source="Runware page klingai-video-3-0-omni-4k (live): its price and sizes were not in "
        "our sources; sizes as Kling 3.0 4K, one tier (SDK 1.8.0: resolution 4k, not sent), "
        "price unknown." + KLING_SOUND_NOTE,
        last_checked=CHECKED_DEC,
        summary="Kling O3 at 4K.",
    ),
]
