"""Decisions on takes and the hero choice of a shot."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from generation.models import EventKind, Render, RenderEvent, RenderStatus
from studio import queue
from studio.models import (
    Decision,
    Deliverable,
    Format,
    Shot,
    Verdict,
)
from studio.review import notifications
from studio.review.states import refresh_status


def decide(take: Render, reviewer, verdict: str, note: str = "") -> Decision:
    if take.status != RenderStatus.COMPLETED:
        raise ValidationError("Only a finished take can be approved or sent back.")
    if verdict not in Verdict.values:
        raise ValidationError("Choose approve or request changes.")
    decision = Decision.objects.create(
        render=take, reviewer=reviewer, verdict=verdict, note=note.strip()[:2000]
    )
    author = take.created_by
    if author is not None and author.pk != reviewer.pk and author.email:
        notifications.enqueue("notify_decision", decision.pk)
    refresh_status(take.shot.campaign_id)
    queue.recut_later(take.shot.campaign_id)  # the newest approved take may be delivered now
    return decision


def choose_hero(take: Render, user=None) -> None:
    """Make the take its shot's hero (the one delivered); the choice is kept in its history and
    shows in the activity feed."""
    if take.status != RenderStatus.COMPLETED:
        raise ValidationError("Only a finished take can be the hero take.")
    with transaction.atomic():
        Shot.objects.filter(pk=take.shot_id).update(hero_take=take, updated_at=timezone.now())
        # It is also the hero of every cell of the grid whose format it serves.
        for fmt in Format.objects.filter(campaign_id=take.shot.campaign_id):
            if fmt.accepts(take.size, take.model_key):
                Deliverable.objects.update_or_create(
                    shot_id=take.shot_id,
                    format=fmt,
                    defaults={"hero": take, "chosen_by": user, "chosen_at": timezone.now()},
                )
        RenderEvent.objects.create(
            render=take,
            from_status=take.status,
            to_status=take.status,
            kind=EventKind.HERO,
            detail={"by": user.get_username() if user else ""},
        )
    refresh_status(take.shot.campaign_id)
    queue.recut_later(take.shot.campaign_id)
