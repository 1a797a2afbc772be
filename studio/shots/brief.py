"""What a brief names, read from its words: the product, the audience, the setting, the mood,
what the product does or has (for the supers) and its call to action. Nothing is invented that
the brief contradicts; what it does not name is left empty (studio.shots.planning drafts the
shots from it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MOODS = {
    "playful",
    "calm",
    "bold",
    "premium",
    "energetic",
    "cozy",
    "warm",
    "fresh",
    "confident",
    "nostalgic",
    "serene",
    "joyful",
    "luxurious",
    "rugged",
    "minimal",
}
# The light and sound each mood asks for (concrete, not adjectives).


@dataclass
class BriefFacts:
    """What the brief names."""

    product: str
    audience: str = ""
    setting: str = ""
    mood: str = ""
    benefits: list[str] = field(default_factory=list)  # what it does or has, for supers
    call: str = ""  # the call to action's words


_PRODUCT = [
    re.compile(r"^\s*product\s*:\s*(?P<p>[^\n.;]+)", re.I | re.M),
    re.compile(
        r"\b(?:launch(?:es|ing)?|introduc(?:e|es|ing)|promot(?:e|es|ing)|sell(?:s|ing)?|"
        r"present(?:s|ing)?|showcas(?:e|es|ing)|unveil(?:s|ing)?)\s+"
        r"(?:(?:our|the|a|an|its|their)\s+)?(?:(?:new|latest|first)\s+)?"
        r"(?P<p>[\w'’&-]+(?:\s+(?!for\b|to\b|with\b|in\b|at\b|and\b|that\b|who\b)[\w'’&-]+){0,4})",
        re.I,
    ),
]
_AUDIENCE = re.compile(
    r"\b(?:for|aimed at|targeting|made for)\s+(?P<a>(?:[a-z][\w-]*\s?){1,5}?)"
    r"(?=[.,;:!?]|\s+(?:who|that|in|at|on|with)\b|$)",
    re.I,
)
_SETTING = re.compile(
    r"\b(?:in|at|on)\s+(?P<s>(?:a|an|the)\s+(?:[a-z][\w-]*\s?){1,4}?)"
    r"(?=[.,;:!?]|\s+(?:for|with|who|that|and)\b|$)",
    re.I,
)
_BLAND = {"our", "the", "a", "an", "new", "brand", "campaign", "video", "ad", "spot"}


def _clean(text: str) -> str:
    return " ".join(text.strip(" .,;:!?-").split())


def read_brief(brief: str, fallback: str) -> BriefFacts:
    """The product, audience, setting and mood the brief names; the product falls back to
    `fallback` (the campaign's name) when the brief names none."""
    product = ""
    for pattern in _PRODUCT:
        for found in pattern.finditer(brief):
            candidate = _clean(found.group("p"))
            if candidate.lower().split()[0] not in _BLAND | {"video", "spot", "film"}:
                product = candidate
                break
        if product:
            break
    if not product:
        names = re.findall(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)", brief)
        product = _clean(names[0]) if names else _clean(fallback)
    audience = _AUDIENCE.search(brief)
    setting = _SETTING.search(brief)
    words = re.findall(r"[a-z]+", brief.lower())
    mood = next((w for w in words if w in MOODS), "")
    facts = BriefFacts(
        product=product or "the product",
        audience=_clean(audience.group("a")) if audience else "",
        setting=_clean(setting.group("s")) if setting else "",
        mood=mood,
    )
    facts.benefits = benefits(brief, facts)
    facts.call = call_to_action(brief, facts)
    return facts


_LEADS = re.compile(
    r"^(?:it|they|we|and|also|plus|push|show(?:\s+how)?|highlight|stress|feature|mention)\s+",
    re.I,
)
_NOT_A_BENEFIT = re.compile(
    r"\b(?:mood|video|spot|ad|film|reveal|launch|audience|product|brief|tone|campaign)\b|"
    r"^(?:in|at|on|for|with)\b",
    re.I,
)


def benefits(brief: str, facts: BriefFacts) -> list[str]:
    """What the brief says the product does or has ("Keeps water cold for 24 hours",
    "Sapphire glass"), short enough for a super, in the brief's order."""
    found: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", brief):
        if facts.product.lower() in sentence.lower():
            if ":" not in sentence:
                continue
            sentence = sentence.split(":", 1)[1]  # "Sell the X to Y: waterproof, reflective"
        elif re.match(r"^\s*\w+\s*:", sentence):
            continue  # "Audience: ...", "Mood: ..."
        for piece in re.split(r"[,;:]|\band\b", sentence):
            piece = _LEADS.sub("", _clean(piece))
            piece = re.sub(r"^(?:the|its|their|our)\s+", "", piece, flags=re.I)
            words = piece.split()
            if not words or len(words) > 7 or _NOT_A_BENEFIT.search(piece):
                continue
            if facts.product.lower() in piece.lower() or words[0].lower() in MOODS | _PACE:
                continue  # "Warm", "slow": the mood, not a benefit
            text = piece[0].upper() + piece[1:]
            if text.lower() not in (f.lower() for f in found):
                found.append(text)
    return found


_PACE = {"slow", "fast", "quick", "soft", "bright", "dark", "morning", "evening"}
_CALL = re.compile(r"(?:call to action|cta)\s*:\s*(?P<c>[^\n.]+)", re.I)


def call_to_action(brief: str, facts: BriefFacts) -> str:
    """The brief's own call to action where it gives one, else the product's name asked for."""
    found = _CALL.search(brief)
    return _clean(found.group("c")) if found else f"Find the {facts.product} today"
