"""The channels an ad is delivered to, as data (like the model catalog): each platform's
published spec for a video ad (delivery size, frame-rate cap, codecs, bitrate, file size,
running time, the area its own interface covers, loudness, captions), with where each figure
comes from and when it was read.
Platforms change these often; a row's `checked` date says how old it is. `../shared/CHANNELS.md`
holds the sources; figures marked third-party come from guides, not the platform.

A format of a campaign points at one channel (or Custom, with the aspect the team chose); its
spot is rendered to the channel's spec and preflighted against it."""

from __future__ import annotations

from dataclasses import dataclass, field

CHECKED = "2026-12-06"
MB = 1024 * 1024


@dataclass(frozen=True)
class SafeZone:
    """What the platform's interface covers, as fractions of the frame from each edge: text the
    studio places (supers, captions, the end card's words) stays inside what is left."""

    top: float = 0.05
    bottom: float = 0.05
    left: float = 0.05
    right: float = 0.05

    @property
    def css(self) -> str:
        """The insets as CSS percentages: top right bottom left."""
        return " ".join(f"{v * 100:.2f}%" for v in (self.top, self.right, self.bottom, self.left))

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The safe rectangle in pixels: left, top, right, bottom."""
        return (
            round(width * self.left),
            round(height * self.top),
            round(width * (1 - self.right)),
            round(height * (1 - self.bottom)),
        )


@dataclass(frozen=True)
class Channel:
    key: str
    name: str
    aspect: str
    width: int
    height: int
    max_fps: int = 60
    video_codec: str = "h264"
    profile: str = "High"
    audio_codec: str = "aac"
    audio_rate: int = 48000
    audio_kbps: int = 192
    min_kbps: int = 0
    video_kbps: int = 8000  # what the studio encodes at (the platform's recommendation)
    max_bytes: int = 4 * 1024 * MB
    min_seconds: float = 1
    max_seconds: float = 600
    suggested_seconds: str = ""
    safe: SafeZone = field(default_factory=SafeZone)
    lufs: float = -14.0
    true_peak: float = -1.0
    captions: tuple[str, ...] = ("srt", "vtt")
    burn_captions: bool = False
    source: str = ""
    checked: str = CHECKED
    third_party: str = ""  # which figures come from guides rather than the platform

    @property
    def slug(self) -> str:
        """The delivered file's name without its extension: "tiktok-9x16"."""
        return f"{self.key.split('-')[0]}-{self.aspect.replace(':', 'x')}"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.aspect})"

    def window(self) -> str:
        low, high = self.min_seconds, self.max_seconds
        text = f"{_seconds(low)}–{_seconds(high)}"
        return f"{text} ({self.suggested_seconds} suggested)" if self.suggested_seconds else text


def _seconds(value: float) -> str:
    if value >= 120:
        return f"{value / 60:g} min"
    return f"{value:g} s"


TIKTOK = (
    "TikTok ads help 6669199281502552069; “About captions and translations for Spark Ads” (2026-01)"
)
META = "third-party guides: xyzlab.com meta-ads-specs, noedos.com, primores.org, adsuploader.com"
YOUTUBE = "YouTube help 1722171 (upload encoding); Google Ads help 16041697 (Shorts ads)"
LINKEDIN = "LinkedIn help a424737 (video ad specs)"
REELS_ZONE = SafeZone(top=0.14, bottom=0.35, left=0.06, right=0.06)
TITLE_SAFE = SafeZone()

CHANNELS: tuple[Channel, ...] = (
    Channel(
        "tiktok-in-feed", "TikTok in-feed", "9:16", 1080, 1920,
        min_kbps=516, max_bytes=500 * MB, min_seconds=5, max_seconds=60,
        suggested_seconds="9–15 s",
        # top 150, bottom 440, right 150 px of 1080×1920; the left edge kept title-safe.
        safe=SafeZone(top=150 / 1920, bottom=440 / 1920, left=0.05, right=150 / 1080),
        captions=("srt",), burn_captions=True,  # no auto-captions for AI-made creatives
        source=TIKTOK, third_party="safe zone (guides disagree); loudness",
    ),
    Channel(
        "reels", "Instagram/Facebook Reels", "9:16", 1080, 1920,
        max_seconds=900, suggested_seconds="15 s", safe=REELS_ZONE,
        source=META, third_party="all (Meta's own pages are not in our sources)",
    ),
    Channel(
        "stories", "Instagram/Facebook Stories", "9:16", 1080, 1920,
        max_seconds=60, safe=REELS_ZONE,
        source=META + "; Stories share the Reels zone since March 2026",
        third_party="all",
    ),
    Channel(
        "feed-square", "Facebook/Instagram Feed", "1:1", 1080, 1080,
        max_seconds=241 * 60, source=META, third_party="all",
    ),
    Channel(
        "feed-portrait", "Facebook/Instagram Feed", "4:5", 1080, 1350,
        max_seconds=241 * 60, source=META, third_party="all",
    ),
    Channel(
        "shorts", "YouTube Shorts", "9:16", 1080, 1920,
        max_seconds=60, audio_kbps=384,  # Shorts ads: only the first 60 s play in the feed
        # the right-hand action column and the bottom two lines of description
        safe=SafeZone(top=0.05, bottom=0.2, left=0.05, right=0.15),
        source=YOUTUBE, third_party="safe zone's figures (the help names the areas only)",
    ),
    Channel(
        "youtube-in-stream", "YouTube in-stream", "16:9", 1920, 1080,
        max_seconds=600, audio_kbps=384, source=YOUTUBE, third_party="loudness",
    ),
    Channel(
        "linkedin-square", "LinkedIn", "1:1", 1080, 1080, max_fps=29,
        max_bytes=500 * MB, min_seconds=3, max_seconds=30 * 60, captions=("srt",),
        source=LINKEDIN, third_party="loudness",
    ),
    Channel(
        "linkedin-landscape", "LinkedIn", "16:9", 1920, 1080, max_fps=29,
        max_bytes=500 * MB, min_seconds=3, max_seconds=30 * 60, captions=("srt",),
        source=LINKEDIN, third_party="loudness",
    ),
    Channel(
        "linkedin-portrait", "LinkedIn", "4:5", 1080, 1350, max_fps=29,
        max_bytes=500 * MB, min_seconds=3, max_seconds=30 * 60, captions=("srt",),
        source=LINKEDIN, third_party="loudness",
    ),
)  # fmt: skip

CUSTOM = "custom"
CUSTOM_SIZES = {
    "16:9": (1920, 1080),
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
    "4:5": (1080, 1350),
    "7:4": (1792, 1024),
}
BY_KEY = {channel.key: channel for channel in CHANNELS}
CHOICES = [(CUSTOM, "Custom"), *((c.key, c.label) for c in CHANNELS)]


def get(key: str, aspect: str = "16:9") -> Channel:
    """The channel of a format: a preset, or Custom at the format's aspect (title-safe margins,
    the social loudness default, no length limit beyond ten minutes)."""
    if key in BY_KEY:
        return BY_KEY[key]
    width, height = CUSTOM_SIZES.get(aspect, (1920, 1080))
    return Channel(
        CUSTOM, "Custom", aspect, width, height, safe=TITLE_SAFE,
        source="the studio's defaults: title-safe margins, −14 LUFS / −1 dBTP",
    )  # fmt: skip
