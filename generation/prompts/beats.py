"""A shot's action beats and the two prompt forms that hold them: one beat in layers; two or
more in the timeline form, whose segments tile the shot's length with their timings. Each beat
may say the frame it ends on ("… END: the label faces us"), the seed guides' END language."""

from __future__ import annotations

from typing import Any

from generation.prompts.structure import normalize


def split_end(beat: str) -> tuple[str, str]:
    """A beat as written ("The can turns. END: the label faces us") in its action and the
    frame it ends on (the seed guides' END language)."""
    action, _, end = beat.partition("END:")
    return action.strip().rstrip(".").strip(), end.strip().rstrip(".").strip()


def beats_of(prompt: dict[str, Any]) -> list[str]:
    """The prompt's action beats, one a line, each with its END frame where it has one."""
    if prompt["mode"] == "timeline":
        return [
            s["action"].strip().rstrip(".") + (f". END: {s['end_state']}" if s["end_state"] else "")
            for s in prompt["timeline"]
        ]
    return list(prompt["beats"])


def camera_of(prompt: dict[str, Any]) -> str:
    """The shot's one camera move: the layer's, or a timeline's first segment's."""
    if prompt["mode"] == "timeline" and prompt["timeline"]:
        return str(prompt["timeline"][0]["camera"])
    return str(prompt["camera"]["movement"])


def with_beats(
    prompt: dict[str, Any], beats: list[str], camera: str, seconds: int
) -> dict[str, Any]:
    """The prompt with its beats: one beat in layers; two or more in the timeline form, the
    segments tiling the shot's length (the timings kept where they still fit, else even), the
    one camera move in the first segment and the others connected to it."""
    prompt = normalize(prompt)
    beats = [b.strip() for b in beats if b.strip()]
    if len(beats) < 2 or seconds < 2:
        prompt.update(mode="layers", beats=beats, timeline=[])
        prompt["camera"]["movement"] = camera
        return prompt
    old = prompt["timeline"]
    tiled = len(old) == len(beats) and old and float(old[-1]["end"]) == seconds
    if tiled:
        ends = [float(s["end"]) for s in old]
    else:  # the first beat takes 60% of the shot (the move), the rest share what is left
        first = min(max(round(seconds * 0.6 * 2) / 2, 0.5), seconds - 0.5 * (len(beats) - 1))
        rest = (seconds - first) / (len(beats) - 1)
        ends = [first + round(rest * i, 1) for i in range(1, len(beats))]
        ends = [first, *ends[:-1], float(seconds)]
    segments, start = [], 0.0
    for index, (beat, end) in enumerate(zip(beats, ends, strict=True)):
        action, frame = split_end(beat)
        segments.append(
            {
                "start": start,
                "end": end,
                "camera": camera[:1].upper() + camera[1:] if index == 0 else "",
                "action": action,
                "speed": None,  # as the model moves it (no "N×" asked)
                "curve": "EASE_OUT" if index == 0 else "LINEAR",
                "end_state": frame,
                "connected": index > 0,
            }
        )
        start = end
    prompt.update(mode="timeline", beats=[], timeline=segments)
    prompt["camera"]["movement"] = ""
    return prompt
