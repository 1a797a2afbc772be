"""The structured prompt a shot keeps, as JSON (every key present after `normalize`):

    {"mode": "layers" | "timeline",
     "scene": str, "subject": str, "beats": [str],
     "camera": {"movement", "lens_mm", "framing", "depth_of_field", "angle"},
     "lighting": {"direction", "quality", "color_temperature"},
     "audio": {"dialogue": [{"speaker", "line", "emotion"}], "sfx", "ambience", "music",
               "generate": bool},
     "style": {"film_reference", "grade", "palette"},
     "timeline": [{"start", "end", "camera", "action", "speed", "curve", "end_state",
                   "connected"}]}

Times are seconds with one decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generation.catalog.specs import VideoModel

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


def empty_prompt() -> dict[str, Any]:
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


def wants_sound(prompt: dict[str, Any] | None, model: VideoModel) -> bool:
    """Whether a take of this prompt asks for sound: the model makes sound and the prompt has
    not switched it off. The one home of the rule (the request, the estimate, the plan)."""
    return model.audio.available and bool(normalize(prompt)["audio"].get("generate", True))


def normalize(prompt: dict[str, Any] | None) -> dict[str, Any]:
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
    """A campaign's brand kit as prompt material (studio's Campaign.brand_kit() makes one)."""

    style: str = ""
    palette: str = ""
    sound: str = ""
    must_include: str = ""
    banned_words: tuple[str, ...] = ()


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
