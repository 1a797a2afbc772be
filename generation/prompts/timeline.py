"""A timeline's segments: they tile the shot's length exactly, and the editor's edits on them
(add, remove, spread evenly) keep what was typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generation.prompts.structure import CURVES, Lint, normalize


def _tenths(value: Any) -> int | None:
    try:
        return round(float(value) * 10)
    except (TypeError, ValueError):
        return None


def timeline_problems(segments: list[dict[str, Any]], duration: int) -> list[Lint]:
    """Segments must tile 0..duration exactly: no gap, no overlap, nothing past the end."""
    if not segments:
        return [
            Lint("timeline", "error", "timeline_empty", "A timeline needs at least one segment.")
        ]
    problems = []
    expected_start = 0
    for index, segment in enumerate(segments):
        name = f"Segment {index + 1}"
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


def even_timeline(
    count: int, duration: int, previous: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
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


def edit_timeline(segments: list[dict[str, Any]], seconds: int, op: str) -> list[dict[str, Any]]:
    """The editor's timeline buttons: "add" splits the last segment in two (or spreads them
    evenly when it is too short to split), "remove-N" gives segment N's time to its
    neighbour, "even" spreads the segments evenly. What was typed is kept."""
    segments = [dict(s) for s in segments]
    if op == "add":
        if not segments:
            return even_timeline(1, seconds)
        last = segments[-1]
        middle = round((last["start"] + last["end"]) / 2, 1)
        if middle <= last["start"]:
            return even_timeline(len(segments) + 1, seconds, segments)
        segments.append(
            {
                **normalize({"timeline": [{}]})["timeline"][0],
                "start": middle,
                "end": last["end"],
                "connected": True,
            }
        )
        last["end"] = middle
    elif op.startswith("remove-") and len(segments) > 1:
        number = op.removeprefix("remove-")
        index = int(number) if number.isascii() and number.isdigit() else -1
        if 0 <= index < len(segments):
            removed = segments.pop(index)
            if index > 0:
                segments[index - 1]["end"] = removed["end"]
            else:
                segments[0]["start"] = 0
    elif op == "even":
        segments = even_timeline(max(1, len(segments)), seconds, segments)
    return segments
