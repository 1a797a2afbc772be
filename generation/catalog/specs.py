"""What a video model is, as data: its routes to providers, sizes, durations, audio, frame
inputs, prices and lifecycle; and the size helpers every page uses."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings

OPENAI = "openai"
RUNWARE = "runware"
ANIMATIC = "animatic"
COMFY = "comfy"
VIDEO_SERVER = "videoserver"


@dataclass(frozen=True)
class ProviderInfo:
    """A provider, once: its name (the registry's key, a route's provider), its label, the
    settings that offer it and say where it answers, and whether what it makes is AI-made."""

    name: str
    label: str
    key_setting: str  # the setting that offers its models ("": always offered)
    where_setting: str  # the setting naming where it answers ("": this machine)
    needs: str  # what an owner sets to offer its models, in words
    ai_made: bool  # its videos come from a generative model (the animatic draws cards)

    @property
    def configured(self) -> bool:
        return not self.key_setting or bool(getattr(settings, self.key_setting, ""))

    @property
    def where(self) -> str:
        if self.name in (COMFY, VIDEO_SERVER):  # names and addresses only: never the tokens
            backends = getattr(settings, self.key_setting, {}) or {}
            return ", ".join(f"{n} ({b['url']})" for n, b in backends.items()) or "no backend"
        return str(getattr(settings, self.where_setting)) if self.where_setting else "this machine"


PROVIDERS: dict[str, ProviderInfo] = {
    p.name: p
    for p in (
        ProviderInfo(ANIMATIC, "Animatic (built in)", "", "", "nothing", ai_made=False),
        ProviderInfo(
            OPENAI,
            "OpenAI-compatible Videos API",
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            "OPENAI_API_KEY (and OPENAI_BASE_URL for a gateway)",
            ai_made=True,
        ),
        ProviderInfo(
            RUNWARE, "Runware", "RUNWARE_API_KEY", "RUNWARE_BASE_URL", "RUNWARE_API_KEY", True
        ),
        ProviderInfo(
            COMFY,
            "Your ComfyUI GPUs (Comfy API v2)",
            "COMFY_BACKENDS",
            "",
            "STUDIO_COMFY_BACKENDS (a ComfyUI behind the Comfy API v2) and a bound workflow",
            ai_made=True,
        ),
        ProviderInfo(
            VIDEO_SERVER,
            "Your video servers (OpenAI-compatible, e.g. vLLM-Omni)",
            "VIDEO_SERVERS",
            "",
            "STUDIO_VIDEO_SERVERS (an OpenAI-compatible video server such as vLLM-Omni)",
            ai_made=True,
        ),
    )
}
PROVIDER_LABELS = {name: p.label for name, p in PROVIDERS.items()}


def ai_made(provider: str) -> bool:
    """Whether a take of this provider is AI-generated (a provider no longer known counts as
    one: a disclosure is never left off by mistake)."""
    info = PROVIDERS.get(provider)
    return info.ai_made if info else True


# Resolution names used by models that take `resolution` instead of width and height, with the
# 16:9 frame that the animatic and the reference-image fit use for them.
RESOLUTION_FRAMES = {
    "360p": (640, 360),
    "480p": (854, 480),
    "540p": (960, 540),
    "720p": (1280, 720),
    "768p": (1366, 768),
    "1080p": (1920, 1080),
    "1440p": (2560, 1440),
}


@dataclass(frozen=True)
class Route:
    """One way to reach a model: which provider, under which model id, with which limits."""

    provider: str
    model_id: str
    prompt_min: int
    prompt_max: int
    note: str = ""
    # The provider switched this route off (Runware's Sora AIRs): kept for provenance, never
    # used, and not expected in the provider's SDK (catalog_check).
    deactivated_on: date | None = None
    # Sizes this route's documentation lists when they differ from the model's (informational:
    # a deactivated route says what its page said).
    sizes: tuple[str, ...] = ()


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
    # The resolution tier each size is asked for as (`resolution`, the SDK's literal), where
    # width and height cannot go beside frame images: a take always asks for what it is
    # priced at.
    tiers: dict[str, str] = field(default_factory=dict)
    # Image to video only: a take needs a first frame.
    needs_first_frame: bool = False
    # A charge per take on top of the seconds (Grok Imagine's $0.01 for its input image).
    take_fee: Decimal = Decimal(0)
    summary: str = ""

    def durations_for(self, size: str) -> tuple[int, ...]:
        """The lengths the model makes at `size` (its own list where the size has one)."""
        return self.durations_by_size.get(size) or self.durations

    def route(self, provider: str) -> Route | None:
        return next((r for r in self.routes if r.provider == provider), None)

    def usable_routes(self) -> list[Route]:
        """Routes that can be used now: configured, and still served if the model is retired."""
        configured = configured_providers()
        routes = [r for r in self.routes if r.provider in configured and not r.deactivated_on]
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
        needs = " or ".join(PROVIDERS[r.provider].needs for r in self.routes)
        return f"Needs {needs}."

    def frame_size(self, size: str) -> tuple[int, int]:
        """Width and height in pixels of a size value of this model."""
        return parse_size(size)

    @property
    def price_label(self) -> str:
        """ "from $0.10/s", or "price unknown" where no size has a published price."""
        known = [p for pair in self.prices.values() for p in pair if p is not None]
        return f"from ${min(known):.3f}/s" if known else "price unknown"

    def price_per_second(self, size: str, audio: bool) -> Decimal | None:
        no_audio, with_audio = self.prices.get(size, (None, None))
        if self.audio.mode == "native":
            return with_audio if with_audio is not None else no_audio
        if self.audio.mode == "none":  # a silent model has one price, whatever was asked
            return no_audio
        return with_audio if audio else no_audio


def configured_providers() -> set[str]:
    return {name for name, provider in PROVIDERS.items() if provider.configured}


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


def matches_aspect(size: str, aspect: str, tolerance: float = 0.02) -> bool:
    """Whether a size has this aspect ("9:16"), within 2 % (Sora's 1024×1792 is a 9:16)."""
    w, _, h = aspect.partition(":")
    if not (w.isdigit() and h.isdigit()) or not int(h):
        return False
    width, height = parse_size(size)
    wanted = int(w) / int(h)
    return abs(width / height - wanted) <= wanted * tolerance


def size_label(size: str) -> str:
    if size in RESOLUTION_FRAMES:
        return size
    width, height = parse_size(size)
    return f"{width}×{height} ({aspect_label(size)})"


# The watermark a maker's models put in what they render, where the maker says so (the
# delivery's manifest names it; unknown is said as unknown, never guessed).
WATERMARKS = {
    "veo": "SynthID (Google's invisible watermark)",
    "sora": "Visible moving Sora watermark and OpenAI's C2PA credentials",
    "animatic": "None: a storyboard rendered by Reelroom, not by a video model",
}


def watermark(model_key: str) -> str:
    maker = next((m for m in WATERMARKS if model_key.startswith(m)), "")
    return WATERMARKS.get(maker, "")
