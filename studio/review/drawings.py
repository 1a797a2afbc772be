"""Drawings on the paused frame, stored with the comment: shapes in normalised coordinates (0–1
of the picture, not of the player), checked here whatever the browser sent — known kinds and
colours only, numbers in range, a bounded size — so what is stored is always safe to draw."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError

from generation import text

COLOURS = ("red", "yellow", "green", "blue", "white")
# kind -> how many points it takes (None: a freehand path of 2 or more)
KINDS: dict[str, int | None] = {"arrow": 2, "rect": 2, "ellipse": 2, "path": None, "text": 1}
MAX_SHAPES = 40
MAX_PATH_POINTS = 400
MAX_POINTS = 2000
MAX_TEXT = 120
MAX_BYTES = 48_000


def _point(value: Any) -> list[float]:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and all(math.isfinite(v) and 0 <= v <= 1 for v in value)
    ):
        return [round(float(value[0]), 4), round(float(value[1]), 4)]
    raise ValidationError("A drawing's points must be pairs of numbers from 0 to 1.")


def _shape(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError("A drawing is a list of shapes.")
    kind, colour = value.get("kind"), value.get("color")
    if kind not in KINDS:
        raise ValidationError("A drawing's shapes are arrows, boxes, ellipses, lines or text.")
    if colour not in COLOURS:
        raise ValidationError(f"A drawing's colours are {', '.join(COLOURS)}.")
    points = value.get("points")
    wanted = KINDS[kind]
    if not isinstance(points, list) or (
        len(points) != wanted if wanted else not 2 <= len(points) <= MAX_PATH_POINTS
    ):
        raise ValidationError(f"A drawn {kind} has the wrong number of points.")
    shape: dict[str, Any] = {"kind": kind, "color": colour, "points": [_point(p) for p in points]}
    if kind == "text":
        said = value.get("text")
        said = " ".join(text.typed(said).split()) if isinstance(said, str) else ""
        if not said or len(said) > MAX_TEXT:
            raise ValidationError(f"Text on a drawing is 1 to {MAX_TEXT} characters.")
        shape["text"] = said
    return shape


def parse(raw: str | None) -> list[dict[str, Any]]:
    """The shapes of a drawing as the comment form sent them ("" or "[]": none)."""
    raw = (raw or "").strip()
    if not raw:
        return []
    if len(raw) > MAX_BYTES:
        raise ValidationError("This drawing is too large: draw fewer or simpler shapes.")
    try:
        value = text.loads(raw)
    except text.TooDeep:
        raise ValidationError("This drawing is nested too deeply to read: draw it again.") from None
    except ValueError:
        raise ValidationError("The drawing could not be read: draw it again.") from None
    if not isinstance(value, list):
        raise ValidationError("A drawing is a list of shapes.")
    if len(value) > MAX_SHAPES:
        raise ValidationError(f"A drawing holds at most {MAX_SHAPES} shapes.")
    shapes = [_shape(v) for v in value]
    if sum(len(s["points"]) for s in shapes) > MAX_POINTS:
        raise ValidationError("This drawing is too large: draw fewer or simpler shapes.")
    return shapes
