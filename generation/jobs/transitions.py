"""Every change of a take's state: a conditional update (one row or nothing), recorded as a
RenderEvent. Duplicate deliveries, two workers, a poll and a webhook at once: the first wins,
the rest are no-ops."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from generation.jobs import gpu_line
from generation.models import EventKind, Render, RenderEvent, RenderStatus
from generation.providers import ProviderError
from generation.providers.base import Provider

S = RenderStatus
# A take is sent at most this many times, whatever failed passingly in between (a refused
# create, a provider's own timeout): then it fails and says so.
MAX_SENDS = 5
# A take is followed at its provider for at most this long after its first send: a render not
# finished, or a provider that gives no usable answer about it, then fails and says so.
RENDER_DEADLINE_HOURS = 6
RENDER_DEADLINE = timedelta(hours=RENDER_DEADLINE_HOURS)
# One line per transition, as key=value pairs a log collector can parse (logfmt).
take_log = logging.getLogger("reelroom.takes")


def advance(
    render: Render,
    expected: str,
    to: str,
    *,
    kind: str = EventKind.TRANSITION,
    detail: dict[str, Any] | None = None,
    only_if: dict[str, Any] | None = None,
    **fields: Any,
) -> bool:
    """Move the take from `expected` to `to` if, and only if, it is still in `expected` (and
    its fields still match `only_if`). Returns False when another worker, a webhook or a user
    got there first."""
    now = timezone.now()
    with transaction.atomic():
        moved = Render.objects.filter(pk=render.pk, status=expected, **(only_if or {})).update(
            status=to, updated_at=now, **fields
        )
        if moved:
            gpu_line.moved(render, to)
            RenderEvent.objects.create(
                render_id=render.pk,
                at=now,
                from_status=expected,
                to_status=to,
                kind=kind,
                detail=detail or {},
            )
    if moved:
        _log(render, expected, to, kind, now)
        render.status = to
        render.updated_at = now  # the next transition's time in state starts here
        for name, value in fields.items():
            setattr(render, name, value)
    return bool(moved)


def _log(render: Render, expected: str, to: str, kind: str, now: datetime) -> None:
    since = getattr(render, "updated_at", None)
    take_log.info(
        "take=%s provider=%s job=%s from=%s to=%s kind=%s seconds_in_state=%s",
        render.pk,
        render.provider or "-",
        render.provider_job_id or "-",
        expected,
        to,
        kind,
        f"{(now - since).total_seconds():.1f}" if since else "-",
        extra={
            "take": render.pk,
            "provider_job_id": render.provider_job_id,
            "from_status": expected,
            "to_status": to,
        },
    )


def note(render: Render, kind: str, detail: dict[str, Any]) -> None:
    """An event that is not a transition (a retry, a poll error): provenance all the same."""
    RenderEvent.objects.create(
        render_id=render.pk,
        from_status=render.status,
        to_status=render.status,
        kind=kind,
        detail=detail,
    )


def error_fields(error: ProviderError, billed: bool | None = None) -> dict[str, Any]:
    return {
        "error_code": error.code[:64],
        "error_message": error.message,
        "billed": error.billed if billed is None else billed,
        "next_poll_at": None,
        "lease_until": None,
    }


def load(render_id: int) -> Render | None:
    return Render.objects.select_related("remix_of").filter(pk=render_id).first()


def due_in(seconds: float) -> dict[str, Any]:
    return {"next_poll_at": timezone.now() + timedelta(seconds=seconds)}


def poll_delay(provider: Provider, polls: int) -> float:
    return float(min(provider.max_poll, provider.first_poll * (provider.backoff ** max(0, polls))))


def past_deadline(render: Render) -> bool:
    """Whether the take has been at its provider longer than RENDER_DEADLINE."""
    return timezone.now() - (render.submitted_at or render.created_at) > RENDER_DEADLINE
