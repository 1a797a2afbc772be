"""Every video model Reelroom knows, as data, and the one function that says whether a request
is valid for it.

The rows come from ../shared/PROVIDERS.md (checked 2026-11-22). Providers change sizes,
durations and prices often, so each row carries a source note and the date it was last checked;
correct the data here, not the code. Unsupported combinations are refused before anything is
sent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings

D = Decimal

OPENAI = "openai"
RUNWARE = "runware"
ANIMATIC = "animatic"

PROVIDER_LABELS = {
    OPENAI: "OpenAI-compatible Videos API",
    RUNWARE: "Runware",
    ANIMATIC: "Animatic (built in)",
}

# Resolution names used by models that take `resolution` instead of width and height, with the
# 16:9 frame that the animatic and the reference-image fit use for them.
RESOLUTION_FRAMES = {
    "360p": (640, 360),
    "480p": (854, 480),
    "540p": (960, 540),
    "720p": (1280, 720),
    "1080p": (1920, 1080),
}


@dataclass(frozen=True)
class Route:
    """One way to reach a model: which provider, under which model id, with which limits."""

    provider: str
    model_id: str
    prompt_min: int
    prompt_max: int
    note: str = ""


@dataclass(frozen=True)
class Lifecycle:
    live: bool = True
    retired_on: date | None = None
    reason: str = ""
    # Routes still usable after retirement (gateways that keep serving the contract).
    still_served_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Audio:
    """Whether a model makes sound and how it is asked for.

    mode: "none" (silent), "native" (always generated, nothing to ask) or "optional"
    (asked for with `parameter`, a dotted path in the provider request, set to True).
    """

    mode: str = "none"
    parameter: str = ""

    @property
    def available(self) -> bool:
        return self.mode != "none"


@dataclass(frozen=True)
class VideoModel:
    key: str
    label: str
    routes: tuple[Route, ...]
    sizes: tuple[str, ...]  # "WxH", or resolution names when `uses_resolution`
    durations: tuple[int, ...]
    audio: Audio
    frames: tuple[str, ...]  # "first", "last"
    remix: bool
    # $ per second by size: (without audio, with audio); None where no price is published.
    prices: dict[str, tuple[Decimal | None, Decimal | None]]
    source: str
    last_checked: date
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    uses_resolution: bool = False
    durations_by_size: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # The first-frame image must have exactly the output size (Sora); other models size the
    # video from the image, and Runware refuses width and height next to frame images.
    image_must_match_size: bool = False
    size_from_frame_image: bool = False
    summary: str = ""

    @property
    def is_animatic(self) -> bool:
        return self.key == ANIMATIC

    def durations_for(self, size: str) -> tuple[int, ...]:
        return self.durations_by_size.get(size, self.durations)

    def route(self, provider: str) -> Route | None:
        return next((r for r in self.routes if r.provider == provider), None)

    def usable_routes(self) -> list[Route]:
        """Routes that can be used now: configured, and still served if the model is retired."""
        configured = configured_providers()
        routes = [r for r in self.routes if r.provider in configured]
        if not self.lifecycle.live:
            routes = [r for r in routes if r.provider in self.lifecycle.still_served_by]
        return routes

    def preferred_route(self) -> Route | None:
        routes = self.usable_routes()
        return routes[0] if routes else None

    @property
    def offered(self) -> bool:
        return self.preferred_route() is not None

    def unavailable_reason(self) -> str:
        if self.offered:
            return ""
        if not self.lifecycle.live:
            needs = " or ".join(
                "OPENAI_API_KEY and an OPENAI_BASE_URL of a gateway that still serves it"
                if p == OPENAI
                else f"{PROVIDER_LABELS[p]}"
                for p in self.lifecycle.still_served_by
            )
            return f"{self.lifecycle.reason} It can still be used through {needs}."
        needs = " or ".join(_provider_requirement(r.provider) for r in self.routes)
        return f"Needs {needs}."

    def frame_size(self, size: str) -> tuple[int, int]:
        """Width and height in pixels of a size value of this model."""
        return parse_size(size)

    def price_per_second(self, size: str, audio: bool) -> Decimal | None:
        no_audio, with_audio = self.prices.get(size, (None, None))
        if self.audio.mode == "native":
            return with_audio if with_audio is not None else no_audio
        return with_audio if audio else no_audio


def _provider_requirement(provider: str) -> str:
    return {
        OPENAI: "OPENAI_API_KEY (and OPENAI_BASE_URL for a gateway)",
        RUNWARE: "RUNWARE_API_KEY",
        ANIMATIC: "nothing",
    }[provider]


def configured_providers() -> set[str]:
    providers = {ANIMATIC}
    if settings.OPENAI_API_KEY:
        providers.add(OPENAI)
    if settings.RUNWARE_API_KEY:
        providers.add(RUNWARE)
    return providers


def parse_size(size: str) -> tuple[int, int]:
    if size in RESOLUTION_FRAMES:
        return RESOLUTION_FRAMES[size]
    width, _, height = size.partition("x")
    return int(width), int(height)


def aspect_label(size: str) -> str:
    width, height = parse_size(size)
    divisor = math.gcd(width, height)
    ratio = f"{width // divisor}:{height // divisor}"
    named = {"16:9": "16:9", "9:16": "9:16", "1:1": "1:1", "7:4": "7:4", "4:7": "4:7"}
    if ratio in named:
        return ratio
    return "landscape" if width > height else "portrait" if height > width else "square"


def size_label(size: str) -> str:
    if size in RESOLUTION_FRAMES:
        return size
    width, height = parse_size(size)
    return f"{width}×{height} ({aspect_label(size)})"


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
DEFAULT_MODEL = ANIMATIC


def get(key: str) -> VideoModel | None:
    return MODELS.get(key)


def offered_models() -> list[VideoModel]:
    return [m for m in MODELS.values() if m.offered]


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def validate(
    model_key: str,
    size: str,
    seconds: int,
    prompt: str,
    image_size: tuple[int, int] | None = None,
    remix: bool = False,
    last_frame: bool = False,
) -> list[Problem]:
    """Is this model + size + seconds + prompt + image + remix valid, and if not, why?

    Forms show the problems beside their fields; the job calls this again before anything is
    sent, so a stale form or a changed configuration can never reach a provider.
    """
    model = MODELS.get(model_key)
    if model is None:
        return [Problem("model_key", f"“{model_key}” is not a model Reelroom knows.")]
    problems: list[Problem] = []
    route = model.preferred_route()
    if route is None:
        problems.append(
            Problem("model_key", f"{model.label} is not available: " + model.unavailable_reason())
        )
    if size not in model.sizes:
        problems.append(
            Problem(
                "size",
                f"{model.label} does not make {size_label(size) if _is_size(size) else size}; "
                f"choose one of {', '.join(size_label(s) for s in model.sizes)}.",
            )
        )
    else:
        allowed = model.durations_for(size)
        if seconds not in allowed:
            problems.append(
                Problem(
                    "seconds",
                    f"{model.label} at {size_label(size)} makes clips of "
                    f"{_seconds_list(allowed)} seconds, not {seconds}.",
                )
            )
    length = len(prompt or "")
    limits = route or model.routes[0]
    if length < limits.prompt_min or not (prompt or "").strip():
        problems.append(Problem("prompt", "The prompt is empty: describe the shot first."))
    elif length > limits.prompt_max:
        problems.append(
            Problem(
                "prompt",
                f"The prompt is {length} characters; {model.label} takes at most "
                f"{limits.prompt_max}. Shorten it by {length - limits.prompt_max}.",
            )
        )
    if image_size is not None:
        if "first" not in model.frames:
            problems.append(
                Problem("reference_image", f"{model.label} does not take a reference image.")
            )
        elif model.image_must_match_size and size in model.sizes:
            wanted = model.frame_size(size)
            if tuple(image_size) != wanted:
                problems.append(
                    Problem(
                        "reference_image",
                        f"The reference image is {image_size[0]}×{image_size[1]}; {model.label} "
                        f"needs exactly {wanted[0]}×{wanted[1]}. Use “Fit” to make a copy that "
                        "matches.",
                    )
                )
    if last_frame and "last" not in model.frames:
        problems.append(Problem("reference_image", f"{model.label} has no last-frame input."))
    if remix and not model.remix:
        problems.append(Problem("remix", f"{model.label} cannot remix a take."))
    return problems


def _is_size(value: str) -> bool:
    width, sep, height = value.partition("x")
    return (
        bool(sep)
        and value.isascii()
        and width.isdigit()
        and height.isdigit()
        or (value in RESOLUTION_FRAMES)
    )


def _seconds_list(values: tuple[int, ...]) -> str:
    values = tuple(sorted(values))
    if len(values) > 3 and values == tuple(range(values[0], values[-1] + 1)):
        return f"{values[0]} to {values[-1]}"
    return (
        ", ".join(str(v) for v in values[:-1])
        + (" or " if len(values) > 1 else "")
        + str(values[-1])
    )
