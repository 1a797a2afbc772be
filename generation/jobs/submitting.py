"""Sending a take to its provider, and reconciling a send whose outcome is unknown.

Invariant 1, one paid job per take: the idempotency key (and the webhook token's hash) are
saved before anything is sent, and a create whose outcome is unknown is reconciled with the
provider before anything is sent again. A job is adopted only when exactly one of the
provider's matching jobs belongs to no other take."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from generation import catalog, liveness, queue, webhooks
from generation.jobs import gpu_line
from generation.jobs.requesting import spec_for
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
from generation.providers.base import KEY_TAKEN, JobStatus, OutcomeUnknown, Provider

logger = logging.getLogger(__name__)


def submit(render_id: int) -> None:
    render = load(render_id)
    if render is None or render.status != S.QUEUED:
        return
    if render.cancel_requested_at:
        advance(
            render,
            S.QUEUED,
            S.CANCELLED,
            detail={"reason": "cancelled before sending"},
            billed=False,
            next_poll_at=None,
        )
        return
    model = catalog.get(render.model_key)
    image_size = None
    if render.reference_image_key:
        image_size = _stored_image_size(render.reference_image_key)
        if image_size is None:
            advance(
                render,
                S.QUEUED,
                S.FAILED,
                billed=False,
                next_poll_at=None,
                error_code="reference_missing",
                error_message="The reference image was replaced or removed before this "
                "take was sent. Generate the take again.",
            )
            return
    problems = catalog.validate(
        render.model_key,
        render.size,
        render.seconds,
        render.prompt_text,
        image_size=image_size,
        remix=render.remix_of_id is not None,
    )
    if model is None or problems:
        message = problems[0].message if problems else "This model no longer exists."
        advance(
            render,
            S.QUEUED,
            S.FAILED,
            billed=False,
            next_poll_at=None,
            error_code="invalid_request",
            error_message=message,
        )
        return
    provider = get_provider(render.provider)
    backend = provider.place(render.pk)
    if backend is None:
        gpu_line.wait(render)
        return
    was_waiting = render.queue_place is not None
    webhook_url, token_hash = webhooks.url_for(provider.name)
    # The idempotency key (and the webhook token's hash) are saved before anything is sent.
    if not advance(
        render,
        S.QUEUED,
        S.SUBMITTING,
        backend=backend or render.backend,
        queue_place=None,
        attempts=render.attempts + 1,
        submitted_at=render.submitted_at or timezone.now(),
        last_attempt_at=timezone.now(),
        next_poll_at=None,
        webhook_token_hash=token_hash,
        held_by=liveness.mark(),
    ):
        return
    if was_waiting:  # it was in line for a GPU: the line moves up
        gpu_line.renumber(render.provider)
    spec = spec_for(render, webhook_url)
    try:
        if render.remix_of_id:
            status = provider.remix(spec.remix_of_job_id, spec)
        else:
            status = provider.submit(spec)
    except OutcomeUnknown as error:
        _to_reconcile(render, error.message, error.retry_after, error.code)
        return
    except ProviderError as error:
        _submit_failed(render, provider, error)
        return
    except Exception as error:  # anything unexpected after sending: the outcome is unknown
        logger.exception("submit of take %s ended unexpectedly", render.pk)
        _to_reconcile(render, f"unexpected {error.__class__.__name__}")
        return
    accepted(render, provider, status, S.SUBMITTING)


def _stored_image_size(key: str) -> tuple[int, int] | None:
    try:
        with default_storage.open(key, "rb") as handle, Image.open(handle) as image:
            return image.size
    except Exception:
        return None


def _submit_failed(render: Render, provider: Provider, error: ProviderError) -> None:
    if error.permanent:
        advance(render, S.SUBMITTING, S.FAILED, detail={"code": error.code}, **error_fields(error))
    elif not error.sent:
        # Provably no job (refused, rate limited at create): safe to send again later, under a
        # new idempotency key: a provider that keeps refused keys (Runware's taskUUID) answers
        # the old one with a conflict.
        if render.attempts >= MAX_SENDS:
            error.message = (
                f"{error.message} Reelroom tried {render.attempts} times; try again later."
            )
            advance(render, S.SUBMITTING, S.FAILED, **error_fields(error, billed=False))
            return
        delay = error.retry_after or poll_delay(provider, render.attempts)
        advance(
            render,
            S.SUBMITTING,
            S.QUEUED,
            kind=EventKind.RETRY,
            detail={
                "code": error.code,
                "retry_in_seconds": round(delay, 1),
                "refused_key": str(render.idempotency_key),
            },
            idempotency_key=uuid.uuid4(),
            **due_in(delay),
        )
    else:
        _to_reconcile(render, error.message, error.retry_after, error.code)


def _to_reconcile(
    render: Render, reason: str, wait: float | None = None, code: str = "outcome_unknown"
) -> None:
    """Ask the provider about the job before anything is sent again: in 2 s, or when the
    provider said it can answer (a 503's Retry-After)."""
    delay = max(2.0, wait or 0)
    advance(
        render,
        S.SUBMITTING,
        S.RECONCILING,
        detail={"reason": reason, "code": code},
        **due_in(delay),
    )


def accepted(render: Render, provider: Provider, status: JobStatus, expected: str) -> bool:
    """The provider has a job for this take: record it and start polling."""
    return advance(
        render,
        expected,
        S.IN_PROGRESS,
        detail={"job_id": status.job_id},
        provider_job_id=status.job_id,
        progress=status.progress,
        polls=0,
        **due_in(provider.first_poll),
    )


# --------------------------------------------------------------------------- reconcile


def reconcile(render_id: int) -> None:
    """The create's outcome is unknown: ask the provider before anything is sent again."""
    render = load(render_id)
    if render is None or render.status != S.RECONCILING:
        return
    provider = get_provider(render.provider)
    try:
        found = provider.find(spec_for(render))
    except ProviderError as error:
        if past_deadline(render):
            _unconfirmed(render, error)
            return
        delay = error.retry_after or poll_delay(provider, render.polls)
        Render.objects.filter(pk=render.pk, status=S.RECONCILING).update(
            polls=render.polls + 1, **due_in(delay)
        )
        note(render, EventKind.RECONCILE_RETRY, {"code": error.code, "retry_in_seconds": delay})
        return
    owned = set(
        Render.objects.filter(
            provider=render.provider, provider_job_id__in=[f.job_id for f in found]
        )
        .exclude(pk=render.pk)
        .values_list("provider_job_id", flat=True)
    )
    unowned = [f for f in found if f.job_id not in owned]
    if len(unowned) > 1:
        # Variations share model, size, seconds and prompt: with several jobs that no take
        # owns, any choice could take another take's job. Say so instead of guessing.
        advance(
            render,
            S.RECONCILING,
            S.FAILED,
            detail={"reason": "ambiguous", "candidates": [f.job_id for f in unowned]},
            billed=None,
            next_poll_at=None,
            error_code="reconcile_ambiguous",
            error_message=(
                "The connection broke while this take was being sent, and the provider has "
                f"{len(unowned)} jobs that match it (variations share one prompt), so Reelroom "
                "cannot tell which one is this take's. Nothing was sent again. It may have been "
                "billed: check the provider's dashboard, then generate again if you need it."
            ),
        )
        return
    if unowned:
        try:
            accepted(render, provider, unowned[0], S.RECONCILING)
        except IntegrityError:
            # Another take adopted the same job a moment earlier: look again next time.
            Render.objects.filter(pk=render.pk, status=S.RECONCILING).update(**due_in(2))
        return
    if found:
        note(render, EventKind.RECONCILE_OWNED, {"jobs": [f.job_id for f in found]})
    # A create can reach the provider after our side gave up on it (a read that timed out, a
    # worker killed mid-send and found dead only after a restart): "no job" counts as proof
    # only once the grace period has passed since the send was given up — since the take came
    # here, which is never before the give-up — not since the send began.
    waited = (timezone.now() - render.updated_at).total_seconds()
    grace = settings.STUDIO_RECONCILE_GRACE
    if waited < grace:
        Render.objects.filter(pk=render.pk, status=S.RECONCILING).update(
            polls=render.polls + 1, **due_in(min(5.0, grace - waited))
        )
        note(render, EventKind.RECONCILE_WAIT, {"seconds_left": round(grace - waited, 1)})
    else:
        # The same key again, so that a create still on its way is caught by the provider as a
        # duplicate — unless the provider already holds the key with no job under it (it
        # answered the send with a key conflict): then the key is spent, and a new one is safe.
        fresh: dict[str, Any] = {"idempotency_key": uuid.uuid4()} if _key_taken(render) else {}
        advance(
            render,
            S.RECONCILING,
            S.QUEUED,
            detail={
                "reason": "the provider has no job for this take: safe to send",
                **({"spent_key": str(render.idempotency_key)} if fresh else {}),
            },
            # Due at once, as a new take is: the sweep sends it beside its submit task, so a
            # task lost with its worker (a cluster killed) costs nothing.
            next_poll_at=timezone.now(),
            **fresh,
        )
        transaction.on_commit(lambda: queue.enqueue("submit", render.pk))


def _key_taken(render: Render) -> bool:
    """The send being reconciled was answered "this key is already used" (KEY_TAKEN)."""
    last = (
        render.events.filter(to_status=S.RECONCILING, from_status=S.SUBMITTING)
        .order_by("-at", "-pk")
        .values_list("detail", flat=True)
        .first()
    )
    return isinstance(last, dict) and last.get("code") == KEY_TAKEN


def _unconfirmed(render: Render, error: ProviderError) -> None:
    """The provider gave no usable answer about the take's job for RENDER_DEADLINE: nothing was
    sent again, and whether a job exists (and was billed) is unknown. A take whose cancel was
    asked for ends cancelled; any other fails."""
    advance(
        render,
        S.RECONCILING,
        S.CANCELLED if render.cancel_requested_at else S.FAILED,
        detail={"reason": "unconfirmed", "code": error.code},
        billed=None,
        next_poll_at=None,
        error_code="reconcile_unconfirmed",
        error_message=(
            "The connection broke while this take was being sent, and "
            f"{RENDER_DEADLINE_HOURS} hours after the take was first sent the provider still "
            f"could not say whether it has the job (it answered with errors: {error.code}). "
            "Nothing was sent again. It may have been billed: check the provider's dashboard, "
            "then generate again if you need it."
        ),
    )
