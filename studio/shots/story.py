"""The offline planner's shots: the brief's moments filmed in its order, then the product's
end shot. The number of shots comes from the moments and the running time (never a
template): moments merge into one shot's timeline when the running time is short, and the
product's reveal, its claims and its details fill a running time the moments leave long.
"One continuous shot" is one shot. The brief's light, sound and lines travel into the layers;
supers are the product's claims, the tagline, the line it ends on (studio.shots.brief)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generation.prompts import banned
from generation.prompts.beats import with_beats
from generation.prompts.structure import BrandKit, empty_prompt
from studio.shots import look as looks
from studio.shots.brief import SETTING, BriefFacts
from studio.shots.words import clean, has_action, subject_of, without_product

MAX_SHOTS = 12
MAX_BEATS = 6  # moments in one shot's timeline


@dataclass
class Unit:
    """What one shot films: the brief's moments (one, or several merged), or the product's
    end, reveal, a claim or a detail."""

    kind: str  # beat, take, end, hook, reveal, claim, detail
    beats: list[str] = field(default_factory=list)
    first_beat: int = 0  # the index of its first moment in the brief
    claim: str = ""
    variant: int = 0


def mentions(text: str, phrase: str) -> bool:
    found = banned.pattern(phrase) if phrase.strip() else None
    return bool(found and found.search(text))


def units_of(facts: BriefFacts) -> tuple[list[Unit], list[Unit]]:
    """(the units the brief asks for, the extra units that can fill a long running time)."""
    claims = [Unit("claim", claim=c, variant=i) for i, c in enumerate(facts.claims)]
    details = [Unit("detail", variant=i) for i in range(len(DETAILS))]
    if facts.one_take:
        return [Unit("take", facts.beats[: MAX_BEATS * 2])], []
    if not facts.beats:  # the seed guides' structure: hook, the product, its claims, the end
        return [Unit("hook"), Unit("reveal"), *claims, Unit("end")], details
    units = [Unit("beat", [b], i) for i, b in enumerate(facts.beats)]
    units.append(Unit("end"))
    return units, [Unit("reveal"), *claims, *details]


def arranged(units: list[Unit], extras: list[Unit], count: int) -> list[Unit]:
    """`count` units: extras inserted before the end, or moments merged into timelines."""
    if count >= len(units):
        return [*units[:-1], *extras[: count - len(units)], units[-1]]
    if count == 1:
        moments = [b for u in units for b in u.beats]
        return [Unit("take", moments[: MAX_BEATS * 2])]
    body, end = units[:-1], units[-1]
    if not any(u.beats for u in body):  # no moments: the product first, then its claims
        ranked = sorted(body, key=lambda u: (u.kind != "reveal", u.kind == "hook"))
        kept = ranked[: count - 1]
        return [*[u for u in body if any(u is k for k in kept)], end]
    groups: list[Unit] = []
    for index in range(count - 1):  # consecutive moments, as even as they go
        share = body[len(body) * index // (count - 1) : len(body) * (index + 1) // (count - 1)]
        beats = [b for u in share for b in u.beats][:MAX_BEATS]
        groups.append(Unit(share[0].kind, beats, share[0].first_beat))
    return [*groups, end]


# --------------------------------------------------------------------------- one shot

DETAILS = [
    ("Macro detail of the {product}: its surface and finish", "slow push-in", "ECU", 100),
    ("The {product} in a hand, turned to catch the light", "handheld follow", "CU", 50),
    ("The {product} from above, set square in the frame", "top-down, static", "MED", 35),
    ("The {product} in its place, the world around it soft", "slow pan right", "WIDE", 28),
    ("The {product} against a plain background, lit from one side", "slow tilt up", "MCU", 65),
]
CLAIM_SHOTS = [
    ("A person uses the {product}, at ease", "gentle handheld follow", "MED", 35),
    ("Hands set the {product} down on a table", "static, locked off", "CU", 50),
    ("The {product} in use, seen over a shoulder", "slow dolly-in", "MCU", 50),
    ("A person turns the {product} in their hands", "slow orbit", "MCU", 50),
    ("Two friends pass the {product} between them", "static, locked off", "WIDE", 28),
]
MOVES = [  # (words in the moment, camera move, framing, lens)
    (r"macro|close|detail|drop|droplet|texture|label|surface", "slow push-in", "ECU", 100),
    (
        r"ridge|mountain|city|street|skyline|sea|beach|field|road|valley|coast|harbour|square",
        "slow crane up",
        "WIDE",
        24,
    ),
    (
        r"run|ride|walk|cycl|driv|danc|jog|sprint|hurr|race|skat|rush|stride|trek|hik",
        "tracking shot alongside",
        "MED",
        35,
    ),
    (
        r"pour|open|tap|hold|pick|split|hand|pay|scan|grab|sip|bite|stir|scoop|unbox|swipe",
        "static, locked off",
        "CU",
        50,
    ),
]
ROTATION = [
    ("slow dolly-in", "MCU", 50),
    ("gentle handheld follow", "MED", 35),
    ("slow orbit", "MCU", 50),
    ("static, locked off", "WIDE", 28),
]
SOUNDS = [  # words of a moment → its sound, where the brief gives none
    (r"rain\w*", "rain on the pavement"),
    (r"bar|pub|restaurant|caf[eé]", "the murmur of a room, glasses"),
    (r"kitchen|fridge|breakfast", "the fridge's hum, a spoon on a bowl"),
    (r"city|street|traffic", "distant traffic"),
    (r"ridge|mountain|wind", "wind over the ridge"),
    (r"sea|beach|waves?|coast", "waves on the shore"),
    (r"runners?|jog\w*|sprint\w*", "footsteps and breath"),
    (r"cycl\w*|bikes?|rides?|riding", "tyres on the road"),
    (r"phones?|app|screen|taps?", "a soft tap"),
    (r"door\w*", "a door's latch"),
    (r"pours?|pouring|milk|coffee", "liquid poured, a cup set down"),
]


def _camera(text: str, index: int, variant: int, before: str) -> tuple[str, str, int]:
    lowered = text.lower()
    choices = [(m, f, lens) for words, m, f, lens in MOVES if re.search(words, lowered)]
    choices += [ROTATION[(index + i) % len(ROTATION)] for i in range(len(ROTATION))]
    choices = [c for c in choices if c[0] != before] or choices
    return choices[variant % len(choices)]


def _subject(beat: str, product: str) -> str:
    subject = subject_of(beat) or clean(" ".join(beat.split()[:4]))
    subject = subject[:1].upper() + subject[1:]
    if mentions(beat, product) and not mentions(subject, product):
        subject = f"{subject}, with the {product}"
    return subject


def _place(text: str, facts: BriefFacts) -> str:
    """Where a shot happens: its moment's own place, else the brief's, else the moment; with
    the brief's time of day and weather where the place does not say them."""
    own = SETTING.search(text)
    place = clean(own.group("s")) if own and not has_action(own.group("s")) else ""
    place = place or facts.setting or clean(text)
    look = facts.look
    if look.time and look.time not in place.lower():
        when = {"morning": "in the morning", "evening": "in the evening"}.get(look.time)
        when = when or {"afternoon": "in the afternoon"}.get(look.time) or f"at {look.time}"
        place = f"{place} {when}" if place else look.time
    if look.weather and look.weather not in place.lower():
        place = f"{place}, {look.weather}" if place else look.weather
    return place[:1].upper() + place[1:] if place else ""


def _sound(text: str) -> str:
    lowered = text.lower()
    return next((s for words, s in SOUNDS if re.search(rf"\b(?:{words})\b", lowered)), "room tone")


def draft(unit: Unit, index: int, facts: BriefFacts, brand: BrandKit, seconds: int, before: str):
    """The shot's prompt layers (a dict) and its camera move."""
    product = facts.product
    text = " ".join(unit.beats)
    look = looks.within(without_product(text, product), facts.look, facts.mood)
    first = unit.beats[0] if unit.beats else ""
    prompt = empty_prompt()
    prompt["lighting"] = {
        "direction": look.direction,
        "quality": look.quality,
        "color_temperature": look.temperature,
    }
    prompt["style"] = {
        "film_reference": "premium commercial",
        "grade": facts.mood or "natural",
        "palette": brand.palette,
    }
    prompt["audio"]["music"] = facts.music or look.music
    place = _place(first, facts)
    if unit.kind == "take" and facts.macro:
        place = f"Macro view of the {product}"
    where = place or "A clean, uncluttered set"
    if unit.kind in ("beat", "take"):
        moments = list(unit.beats)
        if unit.kind == "take" and not any(mentions(m, product) for m in moments):
            moments.append(f"The {product} comes to rest in the centre of the frame")
        move, framing, lens = _camera(text or product, index, unit.variant, before)
        if unit.kind == "take":
            move = "one continuous " + (
                "slow macro glide" if "macro" in text.lower() else "slow move"
            )
        prompt["scene"] = f"{where}." + (
            f" The {product} is part of it." if mentions(text, product) else ""
        )
        prompt["subject"] = _subject(moments[0], product)
        moments = _fitted(moments, seconds)
        beats = [f"{m.rstrip('.')}. END: {_end(m.split('; ')[-1])}" for m in moments]
        prompt["audio"]["sfx"] = _sound(text)
    else:
        beat, move, framing, lens = _product_shot(unit, product, where)
        if unit.variant and unit.kind in ("end", "hook", "reveal"):  # drafted again: a new move
            move, framing, lens = ROTATION[(unit.variant - 1) % len(ROTATION)]
        prompt["scene"] = f"{where}; the {product} in the frame, the background falling soft."
        prompt["subject"] = f"The {product}"
        beats = [beat]
        prompt["audio"]["sfx"] = _sound(where) if unit.kind != "end" else "a soft, low swell"
    prompt["camera"].update(
        movement=move, framing=framing, lens_mm=lens, depth_of_field="f/2.8", angle="eye level"
    )
    return with_beats(prompt, beats, move, seconds), move


def _fitted(moments: list[str], seconds: int) -> list[str]:
    """The moments as beats a shot of `seconds` has time for (about 1.5 s each, six at most):
    neighbours share a beat where there are more, none is dropped."""
    room = max(1, min(MAX_BEATS, int(seconds // 1.5)))
    if len(moments) <= room:
        return moments
    return [
        "; ".join(moments[len(moments) * i // room : len(moments) * (i + 1) // room])
        for i in range(room)
    ]


def _end(moment: str) -> str:
    return f"{moment[:1].lower()}{moment[1:].rstrip('.')}, held for a beat"


def _product_shot(unit: Unit, product: str, where: str) -> tuple[str, str, str, int]:
    if unit.kind == "end":
        return (
            f"The {product} settles into the centre of the frame. END: the {product} centred, "
            "clean space in the upper third of the frame",
            "slow dolly-out",
            "MED",
            35,
        )
    if unit.kind == "hook":
        return (
            f"Light slides across the {product}. END: extreme close-up of the {product}, light "
            "along its edge",
            "slow push-in",
            "ECU",
            85,
        )
    if unit.kind == "reveal":
        return (
            f"The {product} turns slowly to show its side. END: the {product} at a 45° angle, "
            "its side in the light",
            "slow orbit",
            "MCU",
            50,
        )
    if unit.kind == "claim":
        shown, move, framing, lens = CLAIM_SHOTS[unit.variant % len(CLAIM_SHOTS)]
        what = unit.claim[:1].lower() + unit.claim[1:]
        return (
            f"{shown.format(product=product)}, showing {what}. END: the {product} in focus",
            move,
            framing,
            lens,
        )
    shown, move, framing, lens = DETAILS[unit.variant % len(DETAILS)]
    return (f"{shown.format(product=product)}. END: the {product}, still", move, framing, lens)


def supers_and_voice(units: list[Unit], facts: BriefFacts, brand: BrandKit):
    """Each shot's super and voice-over line: the claims once each (not on the opening shot),
    the last shot the line the brief ends on (or the tagline, or the call to action); the
    brief's voice-over lines as written, on the last shots."""
    words = brand.banned_words
    claims = [c for c in facts.claims if not banned.found(c, words)]
    supers = [""] * len(units)
    for index, unit in enumerate(units):
        if unit.kind == "claim" and unit.claim in claims:
            supers[index] = unit.claim
            claims.remove(unit.claim)
    slots = [i for i in range(len(units) - 1) if not supers[i]]
    if len(slots) > len(claims) and slots:  # the opening shot kept clear where there is room
        slots = slots[1:]
    for index in slots:
        if claims:
            supers[index] = claims.pop(0)
    for index, unit in enumerate(units):
        if unit.kind == "reveal" and not supers[index]:
            supers[index] = facts.product
    supers[-1] = facts.end_line or facts.tagline or facts.call
    lines = list(facts.voiceover)
    voice = [""] * len(units)
    if lines:
        spread = min(len(lines), len(units))
        for offset in range(spread - 1):
            voice[len(units) - spread + offset] = lines[offset]
        voice[-1] = " ".join(lines[spread - 1 :])
    return supers, voice


def sound_cues(units: list[Unit], facts: BriefFacts) -> list[str]:
    """The brief's sound cues, each on the shot of the moment it follows (a cue before every
    moment: the shot whose moments share its words, else the first)."""
    cues = [""] * len(units)
    for after, cue in facts.sounds:
        words = set(re.findall(r"[a-z]{4,}", cue.lower()))
        shared = [
            len(words & set(re.findall(r"[a-z]{4,}", " ".join(u.beats).lower()))) for u in units
        ]
        before = [i for i, u in enumerate(units) if u.beats and u.first_beat < after]
        by_words = shared.index(max(shared)) if max(shared, default=0) else 0
        index = before[-1] if before else by_words
        cues[index] = f"{cues[index]}; {cue}" if cues[index] else cue
    return cues


def named(value: Any, product: str) -> Any:
    """`value` with "the" before the product only where its name ends in a common noun ("the
    Trailhead bottle", but "Splitly", "Trailhead Runner")."""
    if isinstance(value, dict):
        return {k: named(v, product) for k, v in value.items()}
    if isinstance(value, list):
        return [named(v, product) for v in value]
    if not isinstance(value, str) or not product or product.split()[-1][:1].islower():
        return value
    return re.sub(rf"\b[Tt]he {re.escape(product)}", product, value)


def clean_of_banned(value: Any, words: tuple[str, ...]) -> Any:
    """Every string in `value` with the brand's banned words taken out."""
    if isinstance(value, str):
        return banned.without(value, words) if banned.found(value, words) else value
    if isinstance(value, list):
        return [clean_of_banned(v, words) for v in value]
    if isinstance(value, dict):
        return {k: clean_of_banned(v, words) for k, v in value.items()}
    return value
