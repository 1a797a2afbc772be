"""Campaign-level verbs that turn a shot into takes. The studio compiles and checks the prompt
(once), then hands generation plain values (a TakeRequest) while it holds the campaign's row:
the budget's lock, so two requests cannot both spend the last dollars of a hard budget."""

from __future__ import annotations

import uuid
from dataclasses import replace

from django.db import transaction

from generation import catalog, prompts
from generation.jobs import TakeRequest, TakeRequestError, create_takes
from generation.models import Render, RenderStatus
from studio.models import Campaign, Shot

__all__ = [
    "TakeRequestError",
    "analyse",
    "model_changes",
    "request_format_take",
    "request_of",
    "request_takes",
    "save_shot",
]


def analyse(shot: Shot, values: dict | None = None, variations: int = 1) -> prompts.Analysis:
    """What the editor shows about the shot's prompt: as saved, or as `values` (the editor's
    cleaned form: prompt, model_key, size, seconds) would make it."""
    values = values or {
        "prompt": shot.prompt,
        "model_key": shot.model_key,
        "size": shot.size,
        "seconds": shot.seconds,
    }
    campaign = shot.campaign
    return prompts.analyse(
        values["prompt"],
        model_key=values["model_key"],
        size=values["size"],
        seconds=values["seconds"],
        brand=campaign.brand_kit(),
        budget_limit=campaign.budget,
        budget_account=campaign.pk,
        image_size=shot.reference_dimensions,
        variations=variations,
    )


def save_shot(shot: Shot, user, values: dict, analysis: prompts.Analysis):
    """Save what the editor holds (already checked) and keep a version of it. Frame images
    follow a new model or size: fitted again where the model needs the exact size, the last
    frame dropped where the model takes none."""
    moved = (values["model_key"], values["size"]) != (shot.model_key, shot.size)
    with transaction.atomic():
        for name in ("title", "prompt", "model_key", "size", "seconds"):
            setattr(shot, name, values[name])
        for name in ("on_screen_text", "depicts_people", "depicts_places", "depicts_events"):
            if name in values:
                setattr(shot, name, values[name])
        shot.save()
        version = shot.record_version(user, analysis.text)
    if moved:
        _frames_follow(shot)
    return version


def _frames_follow(shot: Shot) -> None:
    model = catalog.get(shot.model_key)
    if model is None:
        return
    size = catalog.parse_size(shot.size)
    if shot.last_frame_image and "last" not in model.frames:
        shot.clear_last_frame()
    elif shot.last_frame_image and shot.last_frame_dimensions != size:
        shot.refit_last_frame()
    if (
        shot.reference_original
        and model.image_must_match_size
        and shot.reference_dimensions != size
    ):
        shot.fit_reference("crop", size)


def model_changes(shot: Shot, model_key: str, size: str, seconds: int) -> list[str]:
    """What moving the shot to another model (or size) will change, said before it is saved."""
    model, old = catalog.get(model_key), catalog.get(shot.model_key)
    if model is None or (model_key, size, seconds) == (shot.model_key, shot.size, shot.seconds):
        return []
    changes = []
    if size != shot.size:
        reason = "" if shot.size in model.sizes else f": {model.label} does not make it"
        before, after = catalog.size_label(shot.size), catalog.size_label(size)
        changes.append(f"Size {before} → {after}{reason}.")
    if seconds != shot.seconds:
        changes.append(
            f"Length {shot.seconds} s → {seconds} s"
            + (
                f": {model.label} does not make {shot.seconds} s clips at this size."
                if shot.seconds not in model.durations_for(size)
                else ""
            )
        )
    frame = catalog.parse_size(size)
    if shot.reference_image and model.image_must_match_size and shot.reference_dimensions != frame:
        changes.append(
            f"The first-frame image will be fitted to {frame[0]}×{frame[1]} (centre crop): "
            f"{model.label} needs it at the video's exact size."
        )
    if shot.last_frame_image and "last" not in model.frames:
        changes.append(f"The last-frame image will be removed: {model.label} takes none.")
    route = model.preferred_route()
    text = shot.compiled_prompt()
    if route and len(text) > route.prompt_max:
        changes.append(
            f"The prompt is {len(text)} characters; {model.label} takes at most "
            f"{route.prompt_max}. Shorten it before generating."
        )
    if old and old.audio.available and not model.audio.available:
        changes.append(f"{model.label} is silent: the audio layer is left out of its prompt.")
    return changes


def request_takes(
    shot: Shot,
    user,
    variations: int = 1,
    batch_key: uuid.UUID | None = None,
    remix_of: Render | None = None,
    remix_prompt: str = "",
    analysis: prompts.Analysis | None = None,
) -> list[Render]:
    """1–4 takes of the shot as it is saved now (or a remix of one take). Raises
    TakeRequestError, with the field it concerns, when the request is invalid or over the
    hard budget. `analysis` is the editor's, when it has just made one for this save."""
    if remix_of is not None:
        request = _remix_request(shot, user, remix_of, remix_prompt, batch_key)
    else:
        request = _take_request(shot, user, variations, batch_key, analysis)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=shot.campaign_id)
        return create_takes(
            replace(request, budget_account=campaign.pk, budget_limit=campaign.budget)
        )


def request_format_take(
    shot: Shot, user, size: str, seconds: int, batch_key: uuid.UUID, campaign: Campaign
) -> list[Render]:
    """One take of the shot at another size (a format's), its frame images fitted to that
    size. The caller holds the campaign's lock (`campaign` is the locked row)."""
    frames = shot.frames_for(size)
    values = {"prompt": shot.prompt, "model_key": shot.model_key, "size": size, "seconds": seconds}
    request = _take_request(
        shot, user, 1, batch_key, analyse(shot, values), size=size, seconds=seconds, frames=frames
    )
    return create_takes(replace(request, budget_account=campaign.pk, budget_limit=campaign.budget))


def _take_request(
    shot, user, variations, batch_key, analysis, size=None, seconds=None, frames=None
) -> TakeRequest:
    size, seconds = size or shot.size, seconds or shot.seconds
    first, first_size, last = frames or (
        shot.reference_image,
        shot.reference_dimensions,
        shot.last_frame_image,
    )
    model = catalog.get(shot.model_key)
    route = model.preferred_route() if model else None
    if model is None:
        raise TakeRequestError(f"Unknown model {shot.model_key!r}.", "model_key")
    analysis = analysis or analyse(shot, variations=variations)
    if analysis.errors:
        raise TakeRequestError(analysis.errors[0].message, analysis.errors[0].field)
    problems = catalog.validate(
        model.key, size, seconds, analysis.text, image_size=first_size, last_frame=bool(last)
    )
    if problems:
        raise TakeRequestError(problems[0].message, problems[0].field)
    return request_of(
        shot,
        user,
        route,
        model_key=model.key,
        prompt_text=analysis.text,
        structure=shot.prompt or {},
        size=size,
        seconds=seconds,
        audio=shot.wants_sound(model),
        reference_image_key=first,
        last_frame_key=last,
        variations=variations,
        batch_key=batch_key,
    )


def _remix_request(shot, user, remix_of, remix_prompt, batch_key) -> TakeRequest:
    """A remix goes to the provider that holds the original video, and changes what the new
    prompt says."""
    model = catalog.get(remix_of.model_key)
    if model is None:
        raise TakeRequestError(f"Unknown model {remix_of.model_key!r}.", "model_key")
    route = next((r for r in model.usable_routes() if r.provider == remix_of.provider), None)
    if remix_of.status != RenderStatus.COMPLETED:
        raise TakeRequestError("Only a completed take can be remixed.", "remix")
    if route is None:
        raise TakeRequestError(
            f"Take {remix_of.take} was made through {remix_of.provider}, which is not "
            "available now, so it cannot be remixed.",
            "remix",
        )
    text = remix_prompt.strip()
    if not text:
        raise TakeRequestError("Describe the change you want in the remix.", "prompt")
    problems = catalog.validate(model.key, remix_of.size, remix_of.seconds, text, remix=True)
    if problems:
        raise TakeRequestError(problems[0].message, problems[0].field)
    return request_of(
        shot,
        user,
        route,
        model_key=model.key,
        prompt_text=text,
        structure={"mode": "layers", "scene": text},
        size=remix_of.size,
        seconds=remix_of.seconds,
        audio=model.audio.available,
        remix_of_id=remix_of.pk,
        batch_key=batch_key,
    )


def request_of(shot: Shot, user, route, **fields) -> TakeRequest:
    """What every request of this shot hands down: the shot as plain values, the route."""
    return TakeRequest(
        shot_id=shot.pk,
        title=shot.title,
        media_prefix=shot.storage_prefix(),
        budget_account=shot.campaign_id,
        provider=route.provider,
        provider_model=route.model_id,
        user_id=user.pk if user else None,
        username=user.get_username() if user else "",
        **fields,
    )
