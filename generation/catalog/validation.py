"""The one function that says whether a request is valid for a model, and why not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generation.catalog.rows import MODELS
from generation.catalog.specs import ANIMATIC, RESOLUTION_FRAMES, VideoModel, size_label

DEFAULT_MODEL = ANIMATIC


# Models kept outside this module's rows (the team's bound workflows, generation.own_gpus):
# a prefix of their keys, one model by key, and all of them. Registered at start-up
# (generation.apps), so the catalog reads no table of its own.
EXTRA: dict[str, tuple[Callable[[str], VideoModel | None], Callable[[], list[VideoModel]]]] = {}


def register(
    prefix: str, one: Callable[[str], VideoModel | None], every: Callable[[], list[VideoModel]]
) -> None:
    EXTRA[prefix] = (one, every)


def get(key: str) -> VideoModel | None:
    """The model of this key, or None (a key from input: check it)."""
    model = MODELS.get(key)
    if model is None:
        for prefix, (one, _) in EXTRA.items():
            if key.startswith(prefix):
                return one(key)
    return model


def all_models() -> list[VideoModel]:
    """Every model: the catalog's rows, then the team's own."""
    models = list(MODELS.values())
    for _, every in EXTRA.values():
        models.extend(every())
    return models


def require(key: str) -> VideoModel:
    """The model of this key where one must exist (a stored take's or shot's, already
    validated); an unknown key is a bug, and says which."""
    model = get(key)
    if model is None:
        raise LookupError(f"No video model {key!r} in the catalog.")
    return model


def offered_models() -> list[VideoModel]:
    return [m for m in all_models() if m.offered]


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def validate(
    model_key: str,
    size: str,
    seconds: int,
    prompt: str,
    image_size: tuple[int, int] | None = None,
    remix: bool = False,
    last_frame: bool = False,
) -> list[Problem]:
    """Is this model + size + seconds + prompt + image + remix valid, and if not, why?

    Forms show the problems beside their fields; the job calls this again before anything is
    sent, so a stale form or a changed configuration can never reach a provider.
    """
    model = get(model_key)
    if model is None:
        return [Problem("model_key", f"“{model_key}” is not a model Reelroom knows.")]
    problems: list[Problem] = []
    route = model.preferred_route()
    if route is None:
        problems.append(
            Problem("model_key", f"{model.label} is not available: " + model.unavailable_reason())
        )
    if size not in model.sizes:
        problems.append(
            Problem(
                "size",
                f"{model.label} does not make {size_label(size) if _is_size(size) else size}; "
                f"choose one of {', '.join(size_label(s) for s in model.sizes)}.",
            )
        )
    else:
        allowed = model.durations_for(size)
        if seconds not in allowed:
            problems.append(
                Problem(
                    "seconds",
                    f"{model.label} at {size_label(size)} makes clips of "
                    f"{_seconds_list(allowed)} seconds, not {seconds}.",
                )
            )
    length = len(prompt or "")
    limits = route or model.routes[0]
    if length < limits.prompt_min or not (prompt or "").strip():
        problems.append(Problem("prompt", "The prompt is empty: describe the shot first."))
    elif length > limits.prompt_max:
        problems.append(
            Problem(
                "prompt",
                f"The prompt is {length} characters; {model.label} takes at most "
                f"{limits.prompt_max}. Shorten it by {length - limits.prompt_max}.",
            )
        )
    if image_size is not None:
        if "first" not in model.frames:
            problems.append(
                Problem("reference_image", f"{model.label} does not take a reference image.")
            )
        elif model.image_must_match_size and size in model.sizes:
            wanted = model.frame_size(size)
            if tuple(image_size) != wanted:
                problems.append(
                    Problem(
                        "reference_image",
                        f"The reference image is {image_size[0]}×{image_size[1]}; {model.label} "
                        f"needs exactly {wanted[0]}×{wanted[1]}. Use “Fit” to make a copy that "
                        "matches.",
                    )
                )
    if image_size is None and model.needs_first_frame and not remix:
        problems.append(
            Problem(
                "reference_image",
                f"{model.label} animates an image: add a first frame (an upload, a brand asset "
                "or the previous shot's last frame).",
            )
        )
    if last_frame and "last" not in model.frames:
        problems.append(Problem("reference_image", f"{model.label} has no last-frame input."))
    if remix and not model.remix:
        problems.append(Problem("remix", f"{model.label} cannot remix a take."))
    return problems


def _is_size(value: str) -> bool:
    width, sep, height = value.partition("x")
    return (
        bool(sep)
        and value.isascii()
        and width.isdigit()
        and height.isdigit()
        or (value in RESOLUTION_FRAMES)
    )


def _seconds_list(values: tuple[int, ...]) -> str:
    values = tuple(sorted(values))
    if len(values) > 3 and values == tuple(range(values[0], values[-1] + 1)):
        return f"{values[0]} to {values[-1]}"
    return (
        ", ".join(str(v) for v in values[:-1])
        + (" or " if len(values) > 1 else "")
        + str(values[-1])
    )
