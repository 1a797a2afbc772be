"""Requesting takes: what the studio hands down (a TakeRequest of plain values), the budget
check, batch keys, and the rows it makes. The caller holds the budget account's lock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from generation import budget, catalog, queue
from generation.models import EventKind, Render, RenderEvent, RenderStatus
from generation.providers.base import JobSpec


class TakeRequestError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class TakeRequest:
    """Everything generation needs to make takes of a shot, as plain values: the compiled
    prompt as it will be sent, the model and its route, size and length, the reference image,
    and whose budget pays."""

    shot_id: int
    title: str
    media_prefix: str
    model_key: str
    provider: str
    provider_model: str
    prompt_text: str
    structure: dict[str, Any]
    size: str
    seconds: int
    audio: bool
    reference_image_key: str = ""
    last_frame_key: str = ""
    remix_of_id: int | None = None  # the take being remixed
    variations: int = 1
    batch_key: uuid.UUID | None = None
    budget_account: int | None = None  # a campaign's id
    budget_limit: Decimal | None = None  # its hard budget
    user_id: int | None = None  # who asked
    username: str = ""


def create_takes(request: TakeRequest) -> list[Render]:
    """Make and queue the takes. The same batch key returns the takes already made with it for
    the same shot and kind of request (a double click, a re-sent form); over the hard budget,
    nothing is made. Call inside a transaction that holds the budget account's lock."""
    if not 1 <= request.variations <= 4:
        raise TakeRequestError("Generate between 1 and 4 takes at once.", "variations")
    same_request = Render.objects.filter(
        shot_id=request.shot_id, batch_key=request.batch_key, remix_of_id=request.remix_of_id
    ).order_by("variation")
    if request.batch_key is not None:
        existing = list(same_request)
        if existing:
            return existing
    quote = budget.quote(
        request.model_key,
        request.size,
        request.seconds,
        audio=request.audio,
        variations=request.variations,
        limit=request.budget_limit,
        account=request.budget_account,
    )
    if quote.problem():
        raise TakeRequestError(quote.problem(), "variations")
    try:
        with transaction.atomic():
            renders = _make(request, quote.per_take or 0)
    except IntegrityError:
        if request.batch_key is None:
            raise
        existing = list(same_request)
        if not existing:
            raise TakeRequestError(
                "This form was already used for another request. Reload the page and try again."
            ) from None
        return existing
    for render in renders:
        transaction.on_commit(partial(queue.enqueue, "submit", render.pk))
    return renders


def _make(request: TakeRequest, per_take: Decimal | int) -> list[Render]:
    last = Render.objects.filter(shot_id=request.shot_id).aggregate(m=Max("take"))["m"] or 0
    renders = []
    for variation in range(1, request.variations + 1):
        render = Render.objects.create(
            shot_id=request.shot_id,
            take=last + variation,
            title=request.title[:200],
            media_prefix=request.media_prefix,
            budget_account=request.budget_account,
            created_by_id=request.user_id,
            batch_key=request.batch_key,
            variation=variation,
            model_key=request.model_key,
            provider=request.provider,
            provider_model=request.provider_model,
            size=request.size,
            seconds=request.seconds,
            prompt_text=request.prompt_text,
            prompt_json=request.structure or {},
            audio=request.audio,
            reference_image_key=request.reference_image_key,
            last_frame_key=request.last_frame_key,
            remix_of_id=request.remix_of_id,
            cost_estimate=per_take,
            # Due at once: the sweep sends it beside its own submit task, whichever comes
            # first (the send itself is claimed by QUEUED → SUBMITTING, so it happens once).
            next_poll_at=timezone.now(),
        )
        RenderEvent.objects.create(
            render=render,
            to_status=RenderStatus.QUEUED,
            kind=EventKind.CREATED,
            detail={"by": request.username, "variation": variation},
        )
        renders.append(render)
    return renders


def _job_of(take: Render | None) -> str:
    """The provider's id of a take's video (what a remix names), or "" for none."""
    return (take.provider_output_id or take.provider_job_id) if take is not None else ""


def spec_for(render: Render, webhook_url: str = "") -> JobSpec:
    """What to ask the provider for, from the take's frozen row."""
    width, height = catalog.parse_size(render.size)
    return JobSpec(
        idempotency_key=str(render.idempotency_key),
        model_key=render.model_key,
        model_id=render.provider_model,
        size=render.size,
        width=width,
        height=height,
        seconds=render.seconds,
        prompt=render.prompt_text,
        audio=render.audio,
        reference_image_key=render.reference_image_key,
        last_frame_key=render.last_frame_key,
        remix_of_job_id=_job_of(render.remix_of),
        title=render.title,
        structure=render.prompt_json,
        created_after=render.submitted_at,
        webhook_url=webhook_url,
        render_id=render.pk,
        backend=render.backend,
    )
