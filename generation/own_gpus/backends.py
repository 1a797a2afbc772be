"""Spreading takes over the team's ComfyUI backends.

Each backend has one slot per job it runs at once (STUDIO_COMFY_JOBS_<NAME>, default 1). A take
about to be sent claims a free slot of a healthy backend by a conditional update (`render` from
null to the take: two workers can never hold one slot) and keeps it while its job is on the GPU
(submitting, reconciling, rendering); any other state gives it back. A take that finds none
waits in the queue with its place in line shown. A backend that cannot be reached is marked
down, shown on the providers page, and skipped until a check finds it up again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from generation.own_gpus.records import Backend, BackendKind, BackendSlot

# The states a take holds its slot in: its job may be on the GPU.
HOLDING = ("submitting", "reconciling", "in_progress")
# A backend marked down is tried again after this long (a take's send is the check).
RECHECK = timedelta(seconds=30)


def configured(kind: str | None = None) -> dict[str, dict[str, Any]]:
    """The backends the settings name (of one kind, or all), each with its kind."""
    found: dict[str, dict[str, Any]] = {}
    for each, setting in (
        (BackendKind.COMFY, "COMFY_BACKENDS"),
        (BackendKind.VIDEO_SERVER, "VIDEO_SERVERS"),
    ):
        if kind in (None, each):
            for name, conf in (getattr(settings, setting, {}) or {}).items():
                found[name] = {**conf, "kind": each}
    return found


def config(name: str) -> dict[str, Any] | None:
    """A backend's url, token and jobs, from the settings (the token is never stored)."""
    return configured().get(name)


def sync() -> None:
    """Make the backends and slots in the database match the settings: new backends and slots
    added, a backend no longer named marked so (its busy slots finish), spare free slots of a
    backend that now runs fewer jobs removed. One read when nothing changed."""
    wanted = {(name, b["kind"], b["url"], b["jobs"]) for name, b in configured().items()}
    rows = Backend.objects.filter(configured=True).values_list("name", "kind", "url", "jobs")
    if set(rows) == wanted:
        return
    with transaction.atomic():
        Backend.objects.exclude(name__in=[name for name, *_ in wanted]).update(configured=False)
        for name, kind, url, jobs in wanted:
            backend, _ = Backend.objects.update_or_create(
                name=name, defaults={"kind": kind, "url": url, "jobs": jobs, "configured": True}
            )
            have = set(backend.slots.values_list("number", flat=True))
            BackendSlot.objects.bulk_create(
                [
                    BackendSlot(backend=backend, number=n)
                    for n in range(1, jobs + 1)
                    if n not in have
                ],
                ignore_conflicts=True,
            )
            backend.slots.filter(number__gt=jobs, render__isnull=True).delete()


def claim(render_id: int, names: list[str]) -> str | None:
    """The name of the backend (one of `names`) whose slot the take now holds (the one it
    already held, if any), or None when every usable one is busy."""
    held = BackendSlot.objects.filter(render_id=render_id).values_list("backend__name", flat=True)
    if held:
        return held[0]
    sync()
    now = timezone.now()
    usable = (
        BackendSlot.objects.filter(
            render__isnull=True, backend__configured=True, backend__name__in=names
        )
        .filter(_up(now))
        .order_by("number", "backend__name")
        .values_list("pk", "backend__name")
    )
    for pk, name in usable[:20]:
        try:
            won = BackendSlot.objects.filter(pk=pk, render__isnull=True).update(
                render_id=render_id, claimed_at=now
            )
        except IntegrityError:  # the take got a slot elsewhere a moment ago
            return claim(render_id, names)
        if won:
            return name
    return None


def _up(now: Any) -> Q:
    return Q(backend__healthy=True) | Q(backend__checked_at__lt=now - RECHECK)


def release(render_id: int) -> str:
    """Give back the take's slot; the name of its backend ("" when it held none)."""
    held = list(BackendSlot.objects.filter(render_id=render_id).values_list("pk", "backend__name"))
    if not held or not BackendSlot.objects.filter(pk=held[0][0], render_id=render_id).update(
        render=None, claimed_at=None
    ):
        return ""
    return held[0][1]


def free_stale(now: Any = None) -> int:
    """Slots still held by takes that left the GPU (a worker killed between the two writes);
    a queued take's fresh claim (made just before it is sent) is left alone."""
    now = now or timezone.now()
    return (
        BackendSlot.objects.filter(render__isnull=False)
        .exclude(render__status__in=HOLDING)
        .exclude(render__status="queued", claimed_at__gt=now - timedelta(seconds=60))
        .update(render=None, claimed_at=None)
    )


def mark(name: str, healthy: bool, problem: str = "") -> None:
    Backend.objects.filter(name=name).update(
        healthy=healthy, problem=problem[:300], checked_at=timezone.now()
    )


def overview() -> list[dict[str, Any]]:
    """Each configured backend for the providers page: where, how busy, up or down (never its
    token)."""
    sync()
    busy: dict[int, int] = {}
    for backend_id in BackendSlot.objects.filter(render__isnull=False).values_list(
        "backend_id", flat=True
    ):
        busy[backend_id] = busy.get(backend_id, 0) + 1
    return [
        {
            "name": b.name,
            "kind": b.get_kind_display(),
            "url": b.url,
            "jobs": b.jobs,
            "busy": busy.get(b.pk, 0),
            "healthy": b.healthy,
            "problem": b.problem,
            "checked_at": b.checked_at,
        }
        for b in Backend.objects.filter(configured=True)
    ]


def discovered(name: str, models: list[str]) -> None:
    Backend.objects.filter(name=name).update(discovered=models[:50])
