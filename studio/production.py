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

__all__ = ["TakeRequestError", "analyse", "request_takes", "save_shot"]


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
    """Save what the editor holds (already checked) and keep a version of it."""
    with transaction.atomic():
        for name in ("title", "prompt", "model_key", "size", "seconds"):
            setattr(shot, name, values[name])
        shot.save()
        return shot.record_version(user, analysis.text)


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


def _take_request(shot, user, variations, batch_key, analysis) -> TakeRequest:
    model = catalog.get(shot.model_key)
    route = model.preferred_route() if model else None
    if model is None:
        raise TakeRequestError(f"Unknown model {shot.model_key!r}.", "model_key")
    analysis = analysis or analyse(shot, variations=variations)
    if analysis.errors:
        raise TakeRequestError(analysis.errors[0].message, analysis.errors[0].field)
    problems = catalog.validate(
        model.key, shot.size, shot.seconds, analysis.text, image_size=shot.reference_dimensions
    )
    if problems:
        raise TakeRequestError(problems[0].message, problems[0].field)
    return _request(
        shot,
        user,
        route,
        model_key=model.key,
        prompt_text=analysis.text,
        structure=shot.prompt or {},
        size=shot.size,
        seconds=shot.seconds,
        audio=model.audio.available and (shot.prompt or {}).get("audio", {}).get("generate", True),
        reference_image_key=shot.reference_image,
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
    return _request(
        shot,
        user,
        route,
        model_key=model.key,
        prompt_text=text,
        structure={"mode": "layers", "scene": text},
        size=remix_of.size,
        seconds=remix_of.seconds,
        audio=model.audio.available,
        remix_of=remix_of,
        batch_key=batch_key,
    )


def _request(shot: Shot, user, route, **fields) -> TakeRequest:
    """What every request of this shot hands down: the shot as plain values, the route."""
    return TakeRequest(
        shot_id=shot.pk,
        title=shot.title,
        media_prefix=shot.storage_prefix(),
        provider=route.provider,
        provider_model=route.model_id,
        user=user,
        **fields,
    )
