"""A shot's structured prompt: its layers or timeline, how it compiles to the exact text sent to
a model, and the lint that helps a marketer write a prompt that works.

The structured prompt is JSON kept on the shot:

    {"mode": "layers" | "timeline",
     "scene": str, "subject": str, "beats": [str],
     "camera": {"movement", "lens_mm", "framing", "depth_of_field", "angle"},
     "lighting": {"direction", "quality", "color_temperature"},
     "audio": {"dialogue": [{"speaker", "line", "emotion"}], "sfx", "ambience", "music",
               "generate": bool},
     "style": {"film_reference", "grade", "palette"},
     "timeline": [{"start", "end", "camera", "action", "speed", "curve", "end_state",
                   "connected"}]}

Times are seconds with one decimal. Compilation follows the seed guides: screenwriter prose for
layers, "0.0s-0.5s (Shot 1)" blocks for a timeline, CONNECTED continuity text, speed as "N×"
and curves as EASE_IN / EASE_OUT / LINEAR.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from generation.catalog import VideoModel

MODES = ("layers", "timeline")
CURVES = {
    "LINEAR": "constant speed throughout",
    "EASE_IN": "motion accelerates from slow to fast",
    "EASE_OUT": "motion decelerates from fast to slow",
}
FRAMINGS = ["", "ECU", "CU", "MCU", "MED", "WIDE"]
FRAMING_LABELS = {
    "ECU": "extreme close-up",
    "CU": "close-up",
    "MCU": "medium close-up",
    "MED": "medium shot",
    "WIDE": "wide shot",
}
CONTINUITY = (
    "Starts EXACTLY where Shot {previous} ended: same subject position, same lighting, same "
    "palette; the camera continues its movement without a cut."
)


def empty_prompt() -> dict:
    return {
        "mode": "layers",
        "scene": "",
        "subject": "",
        "beats": [],
        "camera": {
            "movement": "",
            "lens_mm": None,
            "framing": "",
            "depth_of_field": "",
            "angle": "",
        },
        "lighting": {"direction": "", "quality": "", "color_temperature": ""},
        "audio": {"dialogue": [], "sfx": "", "ambience": "", "music": "", "generate": True},
        "style": {"film_reference": "", "grade": "", "palette": ""},
        "timeline": [],
    }


def normalize(prompt: dict | None) -> dict:
    """The prompt with every key present, so templates and the compiler need no guards."""
    result = empty_prompt()
    for key, value in (prompt or {}).items():
        if isinstance(result.get(key), dict) and isinstance(value, dict):
            result[key] = {**result[key], **value}
        elif key in result:
            result[key] = value
    result["timeline"] = [
        {
            "start": 0,
            "end": 0,
            "camera": "",
            "action": "",
            "speed": 1,
            "curve": "LINEAR",
            "end_state": "",
            "connected": False,
            **segment,
        }
        for segment in result["timeline"] or []
    ]
    return result


@dataclass(frozen=True)
class BrandKit:
    style: str = ""
    palette: str = ""
    sound: str = ""
    must_include: str = ""
    banned_words: tuple[str, ...] = ()

    @classmethod
    def from_campaign(cls, campaign) -> BrandKit:
        if campaign is None:
            return cls()
        return cls(
            style=campaign.brand_style.strip(),
            palette=campaign.brand_palette.strip(),
            sound=campaign.brand_sound.strip(),
            must_include=campaign.brand_must_include.strip(),
            banned_words=tuple(campaign.banned_words()),
        )


@dataclass
class Lint:
    field: str
    level: str  # "error" blocks generating; "warning" advises
    code: str
    message: str


@dataclass
class Compiled:
    text: str
    notes: list[str] = field(default_factory=list)  # what was adapted for the model, and why


# --------------------------------------------------------------------------- compile


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())
    if not text:
        return ""
    return text if text[-1] in ".!?\"'”" else text + "."


def _join(parts, sep="; ") -> str:
    return sep.join(p for p in (" ".join(str(x).split()) for x in parts if x is not None) if p)


def _number(value) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    return text


def _seconds(value) -> str:
    return f"{float(value):.1f}s"


def camera_text(camera: dict) -> str:
    lens = f"{_number(camera['lens_mm'])}mm lens" if camera.get("lens_mm") else ""
    framing = FRAMING_LABELS.get(camera.get("framing") or "", camera.get("framing") or "")
    return _join(
        [camera.get("movement"), lens, framing, camera.get("depth_of_field"), camera.get("angle")],
        ", ",
    )


def lighting_text(lighting: dict) -> str:
    return _join(
        [lighting.get("direction"), lighting.get("quality"), lighting.get("color_temperature")],
        ", ",
    )


def audio_text(audio: dict, brand: BrandKit) -> str:
    parts = []
    lines = [
        f"{d.get('speaker') or 'Voice'}"
        + (f" ({d['emotion']})" if d.get("emotion") else "")
        + f': "{d.get("line", "").strip()}"'
        for d in audio.get("dialogue") or []
        if d.get("line", "").strip()
    ]
    if lines:
        parts.append("Dialogue: " + " ".join(lines))
    if audio.get("sfx"):
        parts.append(f"Sound effects: {_sentence(audio['sfx'])}")
    if audio.get("ambience"):
        parts.append(f"Ambience: {_sentence(audio['ambience'])}")
    if audio.get("music"):
        parts.append(f"Music: {_sentence(audio['music'])}")
    if brand.sound:
        parts.append(f"Brand sound: {_sentence(brand.sound)}")
    return " ".join(parts)


def style_text(style: dict, brand: BrandKit) -> str:
    palette = _join([style.get("palette"), brand.palette], ", ")
    return _join(
        [
            style.get("film_reference"),
            style.get("grade"),
            f"palette: {palette}" if palette else "",
            brand.style,
        ]
    )


def segment_text(index: int, segment: dict) -> str:
    header = f"{_seconds(segment['start'])}-{_seconds(segment['end'])} (Shot {index + 1})"
    connected = segment.get("connected") and index > 0
    if connected:
        header += " [CONNECTED]"
    body = []
    if connected:
        body.append(CONTINUITY.format(previous=index))
    motion = segment.get("camera", "").strip()
    speed = segment.get("speed")
    if speed not in (None, "", 1, "1") or motion:
        motion_parts = [motion]
        if speed not in (None, ""):
            motion_parts.append(f"at {_number(speed)}× speed")
        curve = segment.get("curve") or "LINEAR"
        motion_parts.append(f"{CURVES.get(curve, CURVES['LINEAR'])} ({curve})")
        body.append(_sentence(_join(motion_parts, ", ")))
    if segment.get("action"):
        body.append(_sentence(segment["action"]))
    if segment.get("end_state"):
        body.append(f"END: {_sentence(segment['end_state'])}")
    return f"{header}:\n" + " ".join(body)


def compile_prompt(prompt: dict, model: VideoModel, brand: BrandKit | None = None) -> Compiled:
    """The exact text sent to the model, adapted to what the model can do."""
    prompt = normalize(prompt)
    brand = brand or BrandKit()
    notes: list[str] = []
    blocks: list[str] = []
    scene = _sentence(prompt["scene"])

    if prompt["mode"] == "timeline" and prompt["timeline"]:
        if scene:
            blocks.append(scene)
        blocks.append("Timeline:")
        blocks.extend(segment_text(i, s) for i, s in enumerate(prompt["timeline"]))
        if len(prompt["timeline"]) > 1 and all(s.get("connected") for s in prompt["timeline"][1:]):
            blocks.append("All shots connected: one seamless flow from start to end.")
    else:
        lines = [scene] if scene else []
        if prompt["subject"]:
            lines.append(f"Subject: {_sentence(prompt['subject'])}")
        beats = [b.strip().rstrip(".") for b in prompt["beats"] if b and b.strip()]
        if beats:
            lines.append("Action: " + " ".join(_sentence(b) for b in beats))
        if lines:
            blocks.append("\n".join(lines))

    details = []
    camera = camera_text(prompt["camera"])
    if camera:
        details.append(f"Camera: {_sentence(camera)}")
    lighting = lighting_text(prompt["lighting"])
    if lighting:
        details.append(f"Lighting: {_sentence(lighting)}")
    audio = audio_text(prompt["audio"], brand)
    if audio:
        if not model.audio.available:
            notes.append(f"{model.label} makes no sound: the audio layer is left out.")
        elif model.audio.mode == "optional" and not prompt["audio"].get("generate", True):
            notes.append("Sound is switched off for this shot: the audio layer is left out.")
        else:
            details.append(f"Audio: {audio}")
    style = style_text(prompt["style"], brand)
    if style:
        details.append(f"Style: {_sentence(style)}")
    if brand.must_include:
        details.append(f"Must include: {_sentence(brand.must_include)}")
    if details:
        blocks.append("\n".join(details))
    return Compiled(text="\n\n".join(blocks).strip(), notes=notes)


# --------------------------------------------------------------------------- timeline


def _tenths(value) -> int | None:
    try:
        return round(float(value) * 10)
    except (TypeError, ValueError):
        return None


def timeline_problems(segments: list[dict], duration: int) -> list[Lint]:
    """Segments must tile 0..duration exactly: no gap, no overlap, nothing past the end."""
    if not segments:
        return [
            Lint("timeline", "error", "timeline_empty", "A timeline needs at least one segment.")
        ]
    problems = []
    expected_start = 0
    for index, segment in enumerate(segments):
        name = f"Shot {index + 1}"
        start, end = _tenths(segment.get("start")), _tenths(segment.get("end"))
        if start is None or end is None:
            problems.append(
                Lint(
                    f"seg-{index}-start",
                    "error",
                    "timeline_number",
                    f"{name}: start and end must be numbers of seconds.",
                )
            )
            return problems
        if end <= start:
            problems.append(
                Lint(
                    f"seg-{index}-end",
                    "error",
                    "timeline_order",
                    f"{name} ends at {end / 10:.1f}s, not after its start {start / 10:.1f}s.",
                )
            )
        if start != expected_start:
            kind = "a gap" if start > expected_start else "an overlap"
            problems.append(
                Lint(
                    f"seg-{index}-start",
                    "error",
                    "timeline_tiling",
                    f"{name} starts at {start / 10:.1f}s but the previous one ends "
                    f"at {expected_start / 10:.1f}s: {kind}.",
                )
            )
        if segment.get("curve") and segment["curve"] not in CURVES:
            problems.append(
                Lint(
                    f"seg-{index}-curve",
                    "error",
                    "timeline_curve",
                    f"{name}: the curve must be one of {', '.join(CURVES)}.",
                )
            )
        try:
            if segment.get("speed") not in (None, "") and float(segment["speed"]) <= 0:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(
                Lint(
                    f"seg-{index}-speed",
                    "error",
                    "timeline_speed",
                    f"{name}: speed must be a positive number, like 1, 3 or 0.5.",
                )
            )
        expected_start = end
    if expected_start != duration * 10:
        problems.append(
            Lint(
                "timeline",
                "error",
                "timeline_length",
                f"The timeline ends at {expected_start / 10:.1f}s but the shot is "
                f"{duration}s long: the last segment must end at {duration}.0s.",
            )
        )
    return problems


def even_timeline(count: int, duration: int, previous: list[dict] | None = None) -> list[dict]:
    """`count` segments tiling 0..duration, keeping the text of earlier segments."""
    previous = previous or []
    step = Decimal(duration) / count
    segments = []
    for i in range(count):
        base = (
            normalize({"timeline": [previous[i]]})["timeline"][0]
            if i < len(previous)
            else (normalize({"timeline": [{}]})["timeline"][0])
        )
        base["start"] = float(round(step * i, 1))
        base["end"] = float(round(step * (i + 1), 1)) if i < count - 1 else float(duration)
        segments.append(base)
    return segments


# --------------------------------------------------------------------------- lint

VAGUE_LIGHT = {
    "nice",
    "good",
    "beautiful",
    "cinematic",
    "dramatic",
    "moody",
    "great",
    "natural",
    "pretty",
    "amazing",
    "lovely",
    "professional",
    "perfect",
    "lighting",
    "light",
    "lit",
    "well",
    "and",
    "the",
    "a",
    "with",
}
LIGHT_DIRECTION = re.compile(
    r"\b(left|right|above|below|behind|back|backlit|backlight|side|top|overhead|front|window|"
    r"key|rim|under|upper|lower|from)\b",
    re.I,
)
LIGHT_SPECIFIC = re.compile(
    r"(\d{4}\s?k\b|\b(warm|cool|cold|golden|tungsten|daylight|neon|candle|soft|hard|diffused|"
    r"overcast|sunset|sunrise|dusk|dawn|moonlight|fluorescent|practical|hour)\b)",
    re.I,
)
DURATION_PROSE = re.compile(
    r"\b(\d+(\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty)[\s-]*(seconds?|secs?|s)\b[\s-]*(long\s+)?(video|clip|spot|ad|commercial|film|"
    r"sequence|shot)\b"
    r"|\b(video|clip|spot|commercial)\s+(of|lasting|that lasts)\s+\d+\s*(seconds?|s)\b",
    re.I,
)
ON_SCREEN_TEXT = re.compile(
    r"\b(on-?screen text|text (that )?(says|reads)|caption(s|ed)?|subtitles?|title card|"
    r"lower third|words? appears?|typography|tagline appears|headline reads|written (on|across))\b",
    re.I,
)
# A short, honest list: these names are caught, others are not.
PUBLIC_FIGURES = [
    "taylor swift",
    "beyoncé",
    "beyonce",
    "elon musk",
    "barack obama",
    "donald trump",
    "joe biden",
    "kim kardashian",
    "lionel messi",
    "cristiano ronaldo",
    "oprah",
    "tom cruise",
    "brad pitt",
    "rihanna",
    "lebron james",
    "billie eilish",
    "kanye west",
    "lady gaga",
    "ed sheeran",
    "keanu reeves",
    "zendaya",
    "serena williams",
    "king charles",
    "pope",
]
CHARACTERS = [
    "mickey mouse",
    "spider-man",
    "spiderman",
    "batman",
    "superman",
    "harry potter",
    "darth vader",
    "pikachu",
    "super mario",
    "elsa",
    "shrek",
    "homer simpson",
    "iron man",
    "hello kitty",
    "sonic the hedgehog",
    "yoda",
    "minions",
    "winnie the pooh",
    "james bond",
    "barbie",
    "mario bros",
    "captain america",
]
SONGS = [
    "bohemian rhapsody",
    "happy birthday to you",
    "the beatles",
    "billie jean",
    "despacito",
    "blinding lights",
    "uptown funk",
    "shape of you",
    "let it go",
    "we will rock you",
    "sweet caroline",
    "thriller",
]
MUSIC_BY = re.compile(r"\b(song|track|music|tune|hit|cover)\s+(by|from)\s+[A-Z][\w'’-]+")
REAL_PERSON = re.compile(
    r"\b(celebrity|look-?alike|impersonat\w*|famous (actor|singer|athlete))\b", re.I
)


def _is_keyword_list(text: str) -> bool:
    parts = [p.strip() for p in re.split(r"[,;|/]", text) if p.strip()]
    if len(parts) < 4:
        return False
    short = sum(len(p.split()) <= 2 for p in parts)
    has_sentence = re.search(r"[.!?](\s|$)", text.strip()) is not None
    return short / len(parts) >= 0.75 and not has_sentence


def _actions(text: str) -> int:
    pieces = re.split(r"(?<=[.!?])\s+|;|\bthen\b", text, flags=re.I)
    return sum(1 for p in pieces if len(p.strip().split()) >= 2)


def _find_names(text: str, names: list[str]) -> list[str]:
    lowered = text.lower()
    return [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", lowered)]


def _text_fields(prompt: dict) -> dict[str, str]:
    fields = {
        "scene": prompt["scene"],
        "subject": prompt["subject"],
        "beats": "\n".join(prompt["beats"]),
        "camera": camera_text(prompt["camera"]),
        "lighting": lighting_text(prompt["lighting"]),
        "audio": audio_text(prompt["audio"], BrandKit()),
        "style": style_text(prompt["style"], BrandKit()),
    }
    if prompt["mode"] == "timeline":
        for i, s in enumerate(prompt["timeline"]):
            fields[f"seg-{i}-camera"] = s.get("camera", "")
            fields[f"seg-{i}-action"] = s.get("action", "")
            fields[f"seg-{i}-end_state"] = s.get("end_state", "")
    return {k: v for k, v in fields.items() if v}


def lint(
    prompt: dict,
    model: VideoModel,
    seconds: int,
    compiled: str,
    brand: BrandKit | None = None,
    prompt_max: int | None = None,
) -> list[Lint]:
    """Advice beside the field it concerns. It detects only what the rules below say."""
    prompt = normalize(prompt)
    brand = brand or BrandKit()
    found: list[Lint] = []
    texts = _text_fields(prompt)

    for name in ("scene", "subject", *[k for k in texts if k.endswith("-action")]):
        if name in texts and _is_keyword_list(texts[name]):
            found.append(
                Lint(
                    name,
                    "warning",
                    "keyword_list",
                    "This reads as a list of keywords. Write it as sentences, like a "
                    "screenwriter: who does what, where, and how it looks.",
                )
            )

    lighting = texts.get("lighting", "")
    lighting_anywhere = lighting or " ".join(
        v for k, v in texts.items() if k.startswith("seg-") and re.search(r"\blight", v, re.I)
    )
    if not lighting_anywhere:
        found.append(
            Lint(
                "lighting",
                "warning",
                "vague_lighting",
                "No lighting described. Say where the light comes from, its quality "
                "and its colour temperature (e.g. soft window light from the left, "
                "warm 3200K).",
            )
        )
    elif lighting and not (LIGHT_DIRECTION.search(lighting) and LIGHT_SPECIFIC.search(lighting)):
        words = set(re.findall(r"[a-z]+", lighting.lower()))
        hint = "only general words" if words <= VAGUE_LIGHT else "no direction or colour"
        found.append(
            Lint(
                "lighting",
                "warning",
                "vague_lighting",
                f"The lighting has {hint}. Name its direction (from the upper left, "
                "backlit) and its quality or temperature (soft, golden, 5600K).",
            )
        )

    if prompt["mode"] == "timeline":
        for i, s in enumerate(prompt["timeline"]):
            try:
                length = float(s["end"]) - float(s["start"])
            except (TypeError, ValueError):
                continue
            allowed = max(1, math.ceil(length / 4))
            if _actions(s.get("action", "")) > allowed:
                found.append(
                    Lint(
                        f"seg-{i}-action",
                        "warning",
                        "too_many_actions",
                        f"Shot {i + 1} asks for more than {allowed} main action"
                        f"{'s' if allowed > 1 else ''} in {length:.1f}s. Models "
                        "follow one clear action per 4 seconds best.",
                    )
                )
    else:
        beats = [b for b in prompt["beats"] if b.strip()]
        allowed = max(1, math.ceil(seconds / 4))
        if len(beats) > allowed:
            found.append(
                Lint(
                    "beats",
                    "warning",
                    "too_many_actions",
                    f"{len(beats)} action beats in {seconds}s. Models follow one "
                    f"clear action per 4 seconds best: keep at most {allowed}.",
                )
            )

    for name, text in texts.items():
        if DURATION_PROSE.search(text):
            found.append(
                Lint(
                    name,
                    "warning",
                    "duration_in_prose",
                    "The length is set by the Seconds setting, not in words: remove "
                    "the duration from the text.",
                )
            )
        if ON_SCREEN_TEXT.search(text):
            found.append(
                Lint(
                    name,
                    "warning",
                    "on_screen_text",
                    "Video models draw text badly. Leave captions, titles and "
                    "on-screen words out and add them in the edit.",
                )
            )
        for who in _find_names(text, PUBLIC_FIGURES):
            found.append(
                Lint(
                    name,
                    "warning",
                    "real_person",
                    f"“{who.title()}” is a real public figure; models refuse real "
                    "people. Describe an invented person instead.",
                )
            )
        if REAL_PERSON.search(text):
            found.append(
                Lint(
                    name,
                    "warning",
                    "real_person",
                    "Asking for a celebrity or a look-alike is refused by the models: "
                    "describe an invented person.",
                )
            )
        for who in _find_names(text, CHARACTERS):
            found.append(
                Lint(
                    name,
                    "warning",
                    "copyrighted_character",
                    f"“{who.title()}” is a copyrighted character; models refuse it.",
                )
            )
        for song in _find_names(text, SONGS):
            found.append(
                Lint(
                    name,
                    "warning",
                    "copyrighted_music",
                    f"“{song.title()}” is copyrighted music; describe the mood and "
                    "instruments instead.",
                )
            )
        if MUSIC_BY.search(text):
            found.append(
                Lint(
                    name,
                    "warning",
                    "copyrighted_music",
                    "Music by a named artist is refused; describe the genre, tempo "
                    "and instruments instead.",
                )
            )

    for word in brand.banned_words:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.I)
        where = [name for name, text in texts.items() if pattern.search(text)]
        if not where and pattern.search(compiled):
            where = ["prompt"]
        for name in where:
            found.append(
                Lint(
                    name,
                    "error",
                    "banned_word",
                    f"“{word}” is on this campaign's banned-word list.",
                )
            )

    if prompt_max is not None and len(compiled) > prompt_max:
        found.append(
            Lint(
                "prompt",
                "error",
                "too_long",
                f"The compiled prompt is {len(compiled)} characters; {model.label} "
                f"takes at most {prompt_max}. Shorten it by "
                f"{len(compiled) - prompt_max}.",
            )
        )
    if prompt["mode"] == "timeline":
        found.extend(timeline_problems(prompt["timeline"], seconds))
    return found


LINT_SCOPE = (
    "Lint checks: keyword lists instead of sentences; lighting without direction or colour; "
    "more than one main action per 4 seconds; the length written in words; on-screen text; a "
    "short built-in list of well-known people, characters and songs, and phrases like “song "
    "by …” (it cannot recognise every name); the campaign's banned words; the model's prompt "
    "length."
)


# --------------------------------------------------------------------------- templates


def _seg(start, end, camera, action, speed, curve, end_state, connected=False):
    return {
        "start": start,
        "end": end,
        "camera": camera,
        "action": action,
        "speed": speed,
        "curve": curve,
        "end_state": end_state,
        "connected": connected,
    }


SEED_TEMPLATES: dict[str, dict] = {
    "coffee-timeline": {
        "label": "Coffee commercial timeline (4 connected shots)",
        "seconds": 4,
        "size": "720x1280",
        "prompt": {
            "mode": "timeline",
            "scene": "A coffee commercial: beans become a freshly poured cup.",
            "timeline": [
                _seg(
                    0,
                    0.5,
                    "Rapid dolly-in, 85mm lens f/1.8",
                    "Coffee beans cascade through golden hour light from the upper left",
                    10,
                    "EASE_IN",
                    "Extreme close-up, beans mid-air, golden light, warm tones",
                ),
                _seg(
                    0.5,
                    1.5,
                    "Slow orbital, 50mm f/4.0, 90° rotation",
                    "The beans turn into coffee pouring into the cup as steam rises",
                    3,
                    "LINEAR",
                    "45° angle, cup centered, steam, golden light",
                    True,
                ),
                _seg(
                    1.5,
                    2.5,
                    "Dolly-out, 50mm f/4.0, cup stays centered",
                    "The logo on the cup comes into view as steam keeps rising",
                    2,
                    "EASE_OUT",
                    "Cup centered, logo visible, medium shot, warm lighting",
                    True,
                ),
                _seg(
                    2.5,
                    4,
                    "Slow zoom-out, 24mm f/11.0, cup stays centered",
                    "The full scene is revealed: beans, steam and the set",
                    1.5,
                    "LINEAR",
                    "Wide shot of the whole set, cup centered",
                    True,
                ),
            ],
            "lighting": {
                "direction": "golden hour light from the upper left",
                "quality": "soft",
                "color_temperature": "warm",
            },
            "style": {
                "film_reference": "Premium coffee commercial",
                "grade": "warm golden tones",
                "palette": "amber, espresso brown, cream",
            },
            "audio": {
                "sfx": "beans rattling, liquid pouring, a soft hiss of steam",
                "music": "upbeat acoustic guitar building to a bright finish",
            },
        },
    },
    "product-commercial": {
        "label": "Product commercial (hook, reveal, hero, payoff)",
        "seconds": 8,
        "size": "720x1280",
        "prompt": {
            "mode": "timeline",
            "scene": "A premium product commercial for a matte black insulated bottle.",
            "timeline": [
                _seg(
                    0,
                    1,
                    "Rapid dolly-in, 85mm portrait lens f/1.8",
                    "The bottle stands in golden hour light",
                    12,
                    "EASE_IN",
                    "Extreme close-up, product centered, warm golden tones",
                ),
                _seg(
                    1,
                    2.5,
                    "Orbital movement, 50mm f/4.0, 180° rotation",
                    "The orbit reveals the bottle's textured grip and steel cap",
                    4,
                    "LINEAR",
                    "45° angle, product features visible",
                    True,
                ),
                _seg(
                    2.5,
                    4,
                    "Static with micro-drift, 100mm macro f/1.4",
                    "Condensation beads on the matte surface",
                    1,
                    "LINEAR",
                    "Texture detail fills the frame",
                ),
                _seg(
                    4,
                    5.5,
                    "Slow dolly-out, 24mm wide f/8.0",
                    "The product stands with its logo prominent",
                    2,
                    "EASE_OUT",
                    "Full product reveal, logo visible",
                ),
                _seg(
                    5.5,
                    8,
                    "Slow zoom-out, 24mm f/11.0",
                    "A hiker lifts the bottle on a mountain ridge at sunset",
                    1.5,
                    "LINEAR",
                    "The product in its natural context",
                    True,
                ),
            ],
            "lighting": {
                "direction": "low sun from behind, rim light on the product",
                "quality": "soft",
                "color_temperature": "golden hour, warm",
            },
            "style": {
                "film_reference": "Premium, cinematic product film",
                "grade": "warm tones, rich blacks",
                "palette": "black, amber, slate",
            },
            "audio": {
                "sfx": "a cap twisting, a soft metallic clink",
                "music": "minimal electronic pulse",
            },
        },
    },
    "continuity-test": {
        "label": "Motion continuity test (one move across two shots)",
        "seconds": 4,
        "size": "720x1280",
        "prompt": {
            "mode": "timeline",
            "scene": "A coffee cup on a wooden table; one continuous camera move split across "
            "two shots.",
            "timeline": [
                _seg(
                    0,
                    2,
                    "Dolly-in, 85mm lens f/2.0",
                    "The camera starts wide on the cup and moves forward continuously",
                    3,
                    "EASE_IN",
                    "Camera at medium-close position, cup filling 60% of the frame, "
                    "camera still moving forward",
                ),
                _seg(
                    2,
                    4,
                    "The same dolly-in continues, same direction",
                    "The camera completes the move, reaching an extreme close-up",
                    3,
                    "LINEAR",
                    "Cup fills 90% of the frame; the movement completes smoothly",
                    True,
                ),
            ],
            "lighting": {
                "direction": "window light from the left",
                "quality": "soft",
                "color_temperature": "warm",
            },
            "style": {"film_reference": "Premium", "grade": "warm tones", "palette": ""},
        },
    },
    "screenwriter-narrative": {
        "label": "Screenwriter narrative (layers)",
        "seconds": 8,
        "size": "1280x720",
        "prompt": {
            "mode": "layers",
            "scene": "A young woman in a vintage yellow dress walks through a sunlit field of "
            "wildflowers.",
            "subject": "A young woman in a vintage yellow dress",
            "beats": [
                "She reaches out to touch the tall grass as it sways in a gentle breeze",
                "She turns toward the rolling hills as the camera rises",
            ],
            "camera": {
                "movement": "slow steadicam following from behind, gradually rising",
                "lens_mm": 35,
                "framing": "WIDE",
                "depth_of_field": "f/2.8",
                "angle": "eye level",
            },
            "lighting": {
                "direction": "golden hour light from behind",
                "quality": "warm backlit glow around her silhouette",
                "color_temperature": "warm",
            },
            "audio": {
                "sfx": "footsteps crunching on dry earth",
                "ambience": "birds chirping softly, grass rustling in the wind",
            },
            "style": {
                "film_reference": "reminiscent of Days of Heaven",
                "grade": "warm, nostalgic",
                "palette": "yellow, gold, pale green",
            },
        },
    },
}


def template_prompt(key: str) -> dict:
    return normalize(copy.deepcopy(SEED_TEMPLATES[key]["prompt"]))


# --------------------------------------------------------------------------- analysis


def compiled_for(shot) -> str:
    """The text the shot's saved prompt compiles to for its model and campaign."""
    from generation import catalog

    model = catalog.get(shot.model_key) or catalog.get(catalog.DEFAULT_MODEL)
    return compile_prompt(shot.prompt, model, BrandKit.from_campaign(shot.campaign)).text


@dataclass
class Analysis:
    """Everything the editor shows about a prompt for a model: the compiled text, what was
    adapted, lint, the catalog's verdict and the cost."""

    compiled: Compiled
    lints: list[Lint]
    problems: list  # catalog.Problem
    prompt_max: int | None
    quote: object  # budget.Quote

    @property
    def text(self) -> str:
        return self.compiled.text

    @property
    def errors(self) -> list[Lint]:
        return [lint for lint in self.lints if lint.level == "error"]

    @property
    def blocking(self) -> bool:
        return bool(self.errors or self.problems or self.quote.problem())

    def by_field(self) -> dict[str, list[Lint]]:
        grouped: dict[str, list[Lint]] = {}
        for item in self.lints:
            grouped.setdefault(item.field, []).append(item)
        return grouped


def analyse(
    prompt: dict,
    *,
    model_key: str,
    size: str,
    seconds: int,
    campaign,
    image_size: tuple[int, int] | None = None,
    variations: int = 1,
) -> Analysis:
    from generation import budget, catalog

    model = catalog.get(model_key) or catalog.get(catalog.DEFAULT_MODEL)
    brand = BrandKit.from_campaign(campaign)
    compiled = compile_prompt(prompt, model, brand)
    route = model.preferred_route() or model.routes[0]
    problems = [
        p
        for p in catalog.validate(model_key, size, seconds, compiled.text, image_size=image_size)
        # the prompt's length is reported by lint, beside the field, with the same numbers
        if p.field != "prompt" or not compiled.text.strip()
    ]
    lints = lint(prompt, model, seconds, compiled.text, brand, prompt_max=route.prompt_max)
    generate_audio = normalize(prompt)["audio"].get("generate", True)
    quote = budget.quote(
        campaign, model.key, size, seconds, audio=generate_audio, variations=variations
    )
    return Analysis(compiled, lints, problems, route.prompt_max, quote)
