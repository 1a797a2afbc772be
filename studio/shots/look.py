"""The light and sound a brief's words ask for: its weather and time of day first (a misty dawn
is lit by soft, diffuse light, never "hard sun"), then its place (a bar's warm practicals),
then its mood. Concrete layers for the prompt, not adjectives."""

from __future__ import annotations

import re
from dataclasses import dataclass

MOODS = {
    "playful",
    "calm",
    "bold",
    "premium",
    "energetic",
    "cozy",
    "cosy",
    "warm",
    "fresh",
    "confident",
    "nostalgic",
    "serene",
    "joyful",
    "luxurious",
    "rugged",
    "minimal",
    "upbeat",
    "intimate",
    "moody",
    "cinematic",
    "quiet",
    "tender",
    "hopeful",
    "fun",
    "elegant",
}
# mood → (light direction, colour temperature, music)
MOOD_LOOK = {
    "calm": ("soft window light from the left", "warm", "quiet room tone, a slow piano"),
    "serene": ("soft window light from the left", "neutral daylight", "gentle wind, soft pads"),
    "cozy": ("lamp light from the right", "warm tungsten", "a crackling fire, soft guitar"),
    "cosy": ("lamp light from the right", "warm tungsten", "a crackling fire, soft guitar"),
    "warm": ("low sun from behind", "golden hour, warm", "soft acoustic guitar"),
    "nostalgic": ("low sun through a window", "warm amber", "vinyl crackle, a mellow piano"),
    "bold": ("hard key light from above", "cool white", "a deep bass hit, punchy drums"),
    "energetic": ("bright daylight, hard sun", "neutral daylight", "upbeat drums, claps"),
    "upbeat": ("bright daylight", "neutral daylight", "upbeat drums, claps"),
    "playful": ("bright soft daylight", "neutral daylight", "plucked strings, light claps"),
    "premium": ("a single soft key from the left", "neutral", "a low synth swell"),
    "luxurious": ("a single soft key from the left", "warm", "a slow string swell"),
    "elegant": ("a single soft key from the left", "neutral", "a slow string swell"),
    "minimal": ("even soft light from above", "neutral", "a single sustained tone"),
    "moody": ("a single hard key from the side, deep shadow", "cool", "a low drone"),
}
DEFAULT_LOOK = ("soft daylight from the left", "neutral daylight", "light ambient music")

# (words, light direction, quality, colour temperature): the first that the brief uses wins.
CONDITIONS = [
    (r"mist\w*|fog\w*|haz[ey]\w*", "soft, diffuse light through the mist", "soft", "cool, pale"),
    (
        r"rain\w*|drizzl\w*|overcast|grey\s+sky|storm\w*|wet",
        "overcast sky, wet reflections",
        "soft",
        "cool daylight",
    ),
    (r"snow\w*", "bright overcast bounced off the snow", "soft", "cool daylight"),
    (
        r"dawn|sunrise|daybreak|first\s+light",
        "low sun on the horizon, behind the subject",
        "soft",
        "cool blue turning warm",
    ),
    (r"sunset|golden\s+hour|dusk", "low sun from behind", "soft", "golden hour, warm"),
    (
        r"night\w*|midnight|after\s+dark|neon",
        "street lamps and practicals, pools of light",
        "hard",
        "mixed, cool night",
    ),
    (r"candle\w*", "candlelight from below", "soft", "warm, 1900 K"),
    (
        r"bar|pub|restaurant|caf[eé]|club|bistro",
        "warm practical lamps over the tables",
        "soft",
        "warm tungsten",
    ),
    (r"evening", "lamp light from the side", "soft", "warm tungsten"),
    (r"morning|breakfast|kitchen", "soft window light from the side", "soft", "warm morning"),
    (
        r"noon|midday|sunny|sunlit|summer|beach",
        "bright sun from high above",
        "hard",
        "neutral daylight",
    ),
]
TIMES = [
    "dawn",
    "sunrise",
    "sunset",
    "dusk",
    "midnight",
    "night",
    "evening",
    "morning",
    "noon",
    "midday",
    "afternoon",
]  # the first the brief uses, in this order
WEATHER = r"\b(?:misty|mist|fog|foggy|rain|rainy|snow|snowy|sunny|overcast|grey|windy|storm)\b"
_LOOK_WORDS = MOODS | {
    "and",
    "but",
    "yet",
    "mood",
    "tone",
    "feel",
    "vibe",
    "look",
    "very",
    "slightly",
    "a",
    "an",
    "the",
    "with",
    "light",
    "bright",
    "dark",
    "soft",
    "slow",
    "fast",
    "pace",
    "paced",
    "quick",
    "morning",
    "evening",
    "night",
    "dawn",
    "dusk",
    "sunset",
    "misty",
    "mist",
    "rainy",
    "sunny",
    "overcast",
    "colours",
    "colors",
    "palette",
    "natural",
    "clean",
    "real",
    "authentic",
}


@dataclass
class Look:
    direction: str = DEFAULT_LOOK[0]
    quality: str = "soft"
    temperature: str = DEFAULT_LOOK[1]
    music: str = DEFAULT_LOOK[2]
    time: str = ""  # the brief's time of day ("dawn")
    weather: str = ""  # its weather ("misty")


def mood_of(text: str) -> str:
    return next((w for w in re.findall(r"[a-z]+", text.lower()) if w in MOODS), "")


def is_look(text: str) -> bool:
    """Whether a sentence only sets a mood or light ("Warm, morning mood"; "Rugged and
    confident")."""
    words = re.findall(r"[a-z]+", text.lower())
    return bool(words) and all(w in _LOOK_WORDS for w in words) and len(words) <= 8


def _hour(lowered: str) -> str:
    """The time of day a clock time says ("7am": morning, "11 pm": night), or nothing."""
    clock = re.search(r"\b(\d{1,2})(?::\d\d)?\s*(am|pm)\b", lowered)
    if not clock:
        return ""
    hour = int(clock.group(1)) % 12 + (12 if clock.group(2) == "pm" else 0)
    bounds = [(7, "dawn"), (12, "morning"), (18, "afternoon"), (21, "evening"), (24, "night")]
    return next(said for end, said in bounds if hour < end)


def of(text: str, mood: str) -> Look:
    """The look `text` asks for (a whole brief, or one beat's words over the brief's)."""
    lowered = text.lower()
    lowered = f"{lowered} {_hour(lowered)}"
    direction, temperature, music = MOOD_LOOK.get(mood, DEFAULT_LOOK)
    look = Look(direction, "soft", temperature, music)
    for words, light, quality, colour in CONDITIONS:
        if re.search(rf"\b(?:{words})\b", lowered):
            look.direction, look.quality, look.temperature = light, quality, colour
            break
    weather = re.search(WEATHER, lowered)
    look.time = next((t for t in TIMES if re.search(rf"\b{t}\b", lowered)), "")
    look.weather = weather.group(0) if weather else ""
    return look


def within(beat: str, brief_look: Look, mood: str) -> Look:
    """A beat's own look where its words name one ("at night"), else the brief's."""
    lowered = beat.lower()
    if any(re.search(rf"\b(?:{words})\b", lowered) for words, *_ in CONDITIONS):
        # The brief's weather and time still rule: a kitchen at night is not morning light.
        return of(f"{beat} {brief_look.weather} {brief_look.time}", mood)
    return brief_look
