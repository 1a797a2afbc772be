"""Following a take at its provider: polls with backoff, the provider's verdict, and cancelling
(which a provider may or may not honour, and may still bill)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from generation import budget, queue
from generation.jobs.transitions import (
    MAX_SENDS,
    RENDER_DEADLINE_HOURS,
    S,
    advance,
    due_in,
    error_fields,
    load,
    note,
    past_deadline,
    poll_delay,
)
from generation.models import EventKind, Render
from generation.providers import ProviderError, get_provider
from generation.providers.base import JOB_LOST, JobStatus, Provider


def poll(render_id: int) -> None:
    render = load(render_id)
    if render is None or render.status != S.IN_PROGRESS:
        return
    provider = get_provider(render.provider)
    if render.cancel_requested_at:
        _cancel_in_progress(render, provider)
        return
    try:
        status = provider.poll(render.provider_job_id)
    except ProviderError as error:
        if error.permanent:
            target = S.EXPIRED if error.code == "expired" else S.FAILED
            # The job was accepted: whether it was billed is the provider's to say.
            advance(
                render,
                S.IN_PROGRESS,
                target,
                **{**error_fields(error), "billed": _billed_if_lost(provider, error)},
            )
            return
        if past_deadline(render):
            _timed_out(render, provider, f"At the end it answered only with errors ({error.code}).")
            return
        delay = max(error.retry_after or 0, poll_delay(provider, render.polls))
        Render.objects.filter(pk=render.pk, status=S.IN_PROGRESS).update(
            polls=render.polls + 1, **due_in(delay)
        )
        note(
            render, EventKind.POLL_RETRY, {"code": error.code, "retry_in_seconds": round(delay, 1)}
        )
        return
    apply_status(render, provider, status)


def _billed_if_lost(provider: Provider, error: ProviderError) -> bool | None:
    """A job that failed after it was accepted: billed is the provider's to say, except for a
    free provider or a job the team's GPU forgot (JOB_LOST: it never finished)."""
    return False if provider.free or error.code == JOB_LOST else None


def apply_status(render: Render, provider: Provider, status: JobStatus) -> None:
    if status.state == "completed":
        cost, rejected = budget.accepted_cost(status.cost, render.cost_estimate)
        moved = advance(
            render,
            S.IN_PROGRESS,
            S.STORING,
            detail={"cost_rejected": rejected} if rejected else None,
            progress=100,
            billed=not provider.free,
            cost_actual=cost,
            cost_rejected=rejected,
            provider_expires_at=status.expires_at,
            provider_output_id=status.output_id or status.job_id,
            next_poll_at=timezone.now(),
        )
        if moved:
            transaction.on_commit(lambda: queue.enqueue("store", render.pk))
    elif status.state == "failed":
        error = status.error or ProviderError(
            "The provider reported a failure without a reason.", code="failed", permanent=True
        )
        if not error.permanent and _may_send_again(render):
            _send_again(render, provider, error)
            return
        advance(render, S.IN_PROGRESS, S.FAILED, detail={"code": error.code}, **error_fields(error))
    elif status.state == "expired":
        advance(
            render,
            S.IN_PROGRESS,
            S.EXPIRED,
            billed=False,  # gone before it was made available: not billed unless it says so
            next_poll_at=None,
            error_code="expired",
            error_message="The provider let this video expire before Reelroom could store it. "
            "Generate the take again.",
        )
    elif status.state == "cancelled":
        # Stopped at the provider (by the studio's own cancel, or by the provider): recorded
        # as the studio records a cancel while rendering.
        by_provider = "" if render.cancel_requested_at else "cancelled_by_provider"
        _record_cancelled(render, provider, error_code=by_provider)
    else:
        if past_deadline(render):
            _timed_out(render, provider)
            return
        Render.objects.filter(pk=render.pk, status=S.IN_PROGRESS).update(
            progress=max(render.progress, min(99, status.progress)),
            queue_place=status.queue_position if status.state == "queued" else None,
            polls=render.polls + 1,
            updated_at=timezone.now(),
            **due_in(poll_delay(provider, render.polls)),
        )


def _may_send_again(render: Render) -> bool:
    return render.attempts < MAX_SENDS and not past_deadline(render)


def _send_again(render: Render, provider: Provider, error: ProviderError) -> None:
    """The provider failed the job for a passing reason (a timeout of its own, no server free)
    and billed nothing: the take goes back to the queue under a new idempotency key (the failed
    job keeps the old one), to be sent again after a backoff, within the take's deadline."""
    delay = max(error.retry_after or 0, poll_delay(provider, render.attempts))
    advance(
        render,
        S.IN_PROGRESS,
        S.QUEUED,
        kind=EventKind.RETRY,
        detail={
            "code": error.code,
            "failed_job": render.provider_job_id,
            "retry_in_seconds": round(delay, 1),
        },
        idempotency_key=uuid.uuid4(),
        provider_job_id="",
        progress=0,
        **due_in(delay),
    )


def _timed_out(render: Render, provider: Provider, last_answer: str = "") -> None:
    """Still not finished (or no usable answer about it) RENDER_DEADLINE after it was sent."""
    words = [
        f"The provider did not finish this take within {RENDER_DEADLINE_HOURS} hours.",
        last_answer,
    ]
    if not provider.free:
        words.append("It may still have been billed; check the provider's dashboard.")
    advance(
        render,
        S.IN_PROGRESS,
        S.FAILED,
        billed=False if provider.free else None,
        next_poll_at=None,
        error_code="timeout",
        error_message=" ".join(w for w in words if w),
    )


def request_cancel(render: Render, user: Any) -> bool:
    """Cancel a take while it is queued or in progress. Returns False when it is too late."""
    who = {"by": user.get_username() if user else ""}
    if advance(render, S.QUEUED, S.CANCELLED, detail=who, billed=False, next_poll_at=None):
        return True
    now = timezone.now()
    marked = Render.objects.filter(
        pk=render.pk,
        status__in=[S.SUBMITTING, S.RECONCILING, S.IN_PROGRESS],
        cancel_requested_at__isnull=True,
    ).update(cancel_requested_at=now, next_poll_at=now)
    if marked:
        render.refresh_from_db()
        note(render, EventKind.CANCEL_REQUESTED, who)
        transaction.on_commit(lambda: queue.enqueue("cancel", render.pk))
    return bool(marked)


def cancel(render_id: int) -> None:
    render = load(render_id)
    if render is None or render.status != S.IN_PROGRESS or not render.cancel_requested_at:
        return  # submitting / reconciling takes are cancelled once their job is known
    _cancel_in_progress(render, get_provider(render.provider))


def _cancel_in_progress(render: Render, provider: Provider) -> None:
    try:
        provider.cancel(render.provider_job_id)
    except ProviderError as error:
        note(render, EventKind.CANCEL_ERROR, {"code": error.code})
    _record_cancelled(render, provider)


def _record_cancelled(render: Render, provider: Provider, **fields: Any) -> None:
    """Cancelled while rendering: a paid provider may still bill it (billing unknown)."""
    free = provider.free
    advance(
        render,
        S.IN_PROGRESS,
        S.CANCELLED,
        billed=False if free else None,
        next_poll_at=None,
        error_message="" if free else "Cancelled while rendering; the provider may still bill it.",
        **fields,
    )
