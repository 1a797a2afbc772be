"""Decisions on takes and the hero choice of a shot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from generation import text
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
from studio.review.states import UNDO_SECONDS
from studio.review.status import refresh_status


def _check(take: Render, verdict: str) -> None:
    if take.status != RenderStatus.COMPLETED:
        raise ValidationError("Only a finished take can be approved or sent back.")
    if verdict not in Verdict.values:
        raise ValidationError("Choose approve or request changes.")


def standing(take: Render, reviewer=None) -> Decision | None:
    """The decider's decision that counts on the take now: a member's, or (None) the client's."""
    mine = Decision.objects.filter(render=take)
    mine = mine.filter(reviewer=reviewer) if reviewer else mine.filter(reviewer__isnull=True)
    return mine.order_by("-created_at", "-pk").first()


def _record(take: Render, verdict: str, note: str, **who) -> Decision:
    """The decision, recorded and told. One that repeats the decider's standing decision (the
    same verdict, with no note or the same note) while nobody has decided on the take since (a
    take ticked again in a selection) is that one, not recorded twice; after another's
    decision, the same verdict again is a new look, and recorded."""
    note = text.typed(note, multiline=True)[:2000]
    current = standing(take, who.get("reviewer"))
    if (
        current is not None
        and current.verdict == verdict
        and note in ("", current.note)
        and not Decision.objects.filter(render=take, pk__gt=current.pk).exists()
    ):
        current.repeated = True
        return current
    decision = Decision.objects.create(render=take, verdict=verdict, note=note, **who)
    if verdict == Verdict.APPROVED:
        queue.sign_for_delivery(take)  # its labelled copy, where a format asks for one
    author = take.created_by
    reviewer = who.get("reviewer")
    if author is not None and author.email and (reviewer is None or author.pk != reviewer.pk):
        notifications.enqueue("notify_decision", decision.pk)
    return decision


def _settled(campaign_ids) -> None:
    for campaign_id in set(campaign_ids):
        refresh_status(campaign_id)
        queue.recut_later(campaign_id)  # the newest approved take may be delivered now


def decide(take: Render, reviewer, verdict: str, note: str = "") -> Decision:
    """A member's decision on a take: recorded, its author told, the campaign's status and
    cuts brought up to date."""
    _check(take, verdict)
    decision = _record(take, verdict, note, reviewer=reviewer)
    _settled([take.shot.campaign_id])
    return decision


def decide_many(takes: Sequence[Render], reviewer, verdict: str, note: str = "") -> list[Decision]:
    """One decision per take, each recorded and told exactly like a single one; every take
    must be finished, else nothing is recorded."""
    if not takes:
        raise ValidationError("Select the takes to decide on.")
    for take in takes:
        _check(take, verdict)
    with transaction.atomic():
        decisions = [_record(take, verdict, note, reviewer=reviewer) for take in takes]
    _settled(take.shot.campaign_id for take in takes)
    return decisions


def decide_as_client(take: Render, link, guest_name: str, verdict: str, note: str = "") -> Decision:
    """The client's decision through a guest link that allows it: recorded with the name they
    gave and the link; it counts as "the client" for the campaign's required approvers."""
    if not link.allow_decisions:
        raise ValidationError("This link does not let you approve takes.")
    if not guest_name:
        raise ValidationError("Give your name with your decision.")
    _check(take, verdict)
    decision = _record(take, verdict, note, guest_name=guest_name, share_link=link)
    _settled([take.shot.campaign_id])
    return decision


def undo(decision_id: int, reviewer) -> Render | None:
    """Take back one's own recent decision (the "Undo" beside it). Returns its take, or None
    when there is nothing of one's own to take back."""
    since = timezone.now() - timedelta(seconds=UNDO_SECONDS)
    decision = (
        Decision.objects.select_related("render__shot")
        .filter(pk=decision_id, reviewer=reviewer, created_at__gte=since)
        .first()
    )
    if decision is None:
        return None
    take = decision.render
    decision.delete()
    _settled([take.shot.campaign_id])
    return take


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
