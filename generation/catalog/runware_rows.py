"""The live models offered through Runware's `videoInference`, as data. Each row says where its
sizes, durations, tiers and prices come from and when they were checked: Runware's model pages
(runware.ai/docs/models/<slug>, "Pricing" and "Compatibility & Validation") and the typed params
of runware-sdk 1.8.0 (`runware/types/task_map.py`: the `resolution` and `duration` literals).
Where a page publishes no price, the row says so and the estimate says "price unknown": a
price is never guessed. `manage.py catalog_check` compares these rows with the installed SDK.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from generation.catalog.specs import RUNWARE, Audio, Route, VideoModel

D = Decimal
CHECKED = date(2026, 11, 22)
CHECKED_DEC = date(2026, 12, 1)
# Runware documents 2-6000 characters on its Sora pages; per-model limits for the live models
# were not in our sources, so the same bound is used and a provider refusal is explained.
RUNWARE_PROMPT_MAX = 6000
RUNWARE_LIMIT_NOTE = "Prompt limit from Runware's Sora pages; this model's own limit unpublished."
VEO_SIZES = ("1280x720", "720x1280", "1920x1080", "1080x1920", "3840x2160", "2160x3840")
VEO_TIERS = dict(zip(VEO_SIZES, ("720p", "720p", "1080p", "1080p", "4K", "4K"), strict=True))
WAN_720 = ("1280x720", "720x1280", "960x960", "1088x832", "832x1088")
WAN_1080 = ("1920x1080", "1080x1920", "1440x1440", "1632x1248", "1248x1632")
WAN_TIERS = {**dict.fromkeys(WAN_720, "720p"), **dict.fromkeys(WAN_1080, "1080p")}
KLING_720 = ("1280x720", "960x960", "720x1280")
KLING_1080 = ("1920x1080", "1440x1440", "1080x1920")
# Kling's pages: "When providerSettings is provided, inputs.referenceImages is required" (and
# reference videos): the sound switch providerSettings.klingai.sound (runware 0.5.24's wire
# dataclasses) is only valid beside references, which takes never send. Without it Kling makes
# its native sound, so these rows are priced with audio and send no providerSettings.
KLING_SOUND_NOTE = (
    " Sound: the pages allow providerSettings only with reference images or videos, so none "
    "is sent and the model's native sound is priced in."
)


def runware(air: str) -> Route:
    return Route(RUNWARE, air, 2, RUNWARE_PROMPT_MAX, note=RUNWARE_LIMIT_NOTE)


def flat(sizes, no_audio, with_audio):
    return {s: (no_audio, with_audio) for s in sizes}


LIVE: list[VideoModel] = [
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
    ),  # fmt: skip
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
        key="kling-o3-pro",
        label="Kling O3 Pro",
        routes=(runware("klingai:kling-video@o3-pro"),),
        size_from_frame_image=True,
        sizes=KLING_1080,
        tiers=dict.fromkeys(KLING_1080, "1080p"),
        durations=tuple(range(3, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices=flat(KLING_1080, D("0.112"), D("0.14")),
        source="Runware page klingai-video-o3-pro: $0.112/s, $0.14/s with audio; 1080p sizes; "
        "SDK 1.8.0 resolution 1080p. Durations 3-15 s as the Kling 3.0 family (the page lists "
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
        tiers=dict.fromkeys(KLING_720, "720p"),
        durations=tuple(range(3, 16)),
        audio=Audio("native"),
        frames=("first",),
        remix=False,
        prices=flat(KLING_720, D("0.084"), D("0.112")),
        source="Runware page klingai-video-o3-standard: $0.084/s, $0.112/s with audio; 720p "
        "sizes; SDK 1.8.0 resolution 720p. Durations as Kling O3 Pro." + KLING_SOUND_NOTE,
        last_checked=CHECKED_DEC,
        summary="Kling O3 at 720p.",
    ),
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
        "(16:9, 9:16, 1:1, 4:3, 3:4 at each tier); sound switch providerSettings.alibaba.audio; "
        "SDK 1.8.0 resolution 720p/1080p, sent beside frame images.",
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
        "audio) at 720p, $0.0375/s ($0.075) at 1080p; sizes as Wan2.6. Durations as Wan2.6 "
        "(the page lists none; the SDK types an integer).",
        last_checked=CHECKED_DEC,
        summary="Animates a first frame, fast and cheap.",
    ),  # fmt: skip
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
]
