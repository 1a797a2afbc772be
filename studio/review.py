"""Team review: comments with mentions, decisions, what a shot's status is, the review queue,
the activity feed, and the e-mails they send."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from generation.models import IN_FLIGHT, Render, RenderEvent, RenderStatus
from studio import notifications
from studio.access import RANK
from studio.models import (
    Campaign,
    CampaignStatus,
    Comment,
    Decision,
    Deliverable,
    Format,
    Membership,
    Role,
    Shot,
    Verdict,
)

MAX_COMMENT = 4000


# --------------------------------------------------------------------------- status


def verdicts(decisions) -> dict[int, str]:
    """The verdict of each take: the newest decision of each reviewer counts, and one
    request for changes outweighs approvals."""
    newest: dict[tuple[int, int], Decision] = {}
    for decision in decisions:
        key = (decision.render_id, decision.reviewer_id)
        if key not in newest or (decision.created_at, decision.pk) > (
            newest[key].created_at,
            newest[key].pk,
        ):
            newest[key] = decision
    result: dict[int, str] = {}
    for (render_id, _), decision in newest.items():
        if result.get(render_id) != Verdict.CHANGES_REQUESTED:
            result[render_id] = decision.verdict
    return result


@dataclass(frozen=True)
class ShotState:
    status: str  # draft | generating | in_review | changes_requested | approved
    label: str
    takes: int
    retakes: int
    poster: Render | None = None  # the hero take, else the newest finished one with a poster


LABELS = {
    "draft": "Draft",
    "generating": "Generating",
    "in_review": "In review",
    "changes_requested": "Changes requested",
    "approved": "Approved",
}


def shot_state(shot: Shot, takes: list[Render], take_verdicts: dict[int, str]) -> ShotState:
    """A shot's status follows from its takes."""
    mine = [t for t in takes if t.shot_id == shot.pk]
    completed = [t for t in mine if t.status == RenderStatus.COMPLETED]
    hero_verdict = take_verdicts.get(shot.hero_take_id) if shot.hero_take_id else None
    if hero_verdict == Verdict.APPROVED or any(
        take_verdicts.get(t.pk) == Verdict.APPROVED for t in completed
    ):
        status = "approved"
    elif any(t.status in IN_FLIGHT for t in mine):
        status = "generating"
    elif completed and take_verdicts.get(max(completed, key=lambda t: t.take).pk) == (
        Verdict.CHANGES_REQUESTED
    ):
        status = "changes_requested"
    elif any(t.pk not in take_verdicts for t in completed):
        status = "in_review"
    elif completed:
        status = "changes_requested"
    else:
        status = "draft"
    with_poster = [t for t in completed if t.thumbnail_key]
    hero = next((t for t in with_poster if t.pk == shot.hero_take_id), None)
    poster = hero or max(with_poster, key=lambda t: t.take, default=None)
    return ShotState(status, LABELS[status], len(mine), max(0, len(mine) - 1), poster)


FOLLOWED = (
    CampaignStatus.PLANNING,
    CampaignStatus.IN_PRODUCTION,
    CampaignStatus.IN_REVIEW,
    CampaignStatus.APPROVED,
)


def work_status(campaign) -> str:
    """Where the work of a campaign stands: planning until the first take is requested, in
    production while takes are made, in review once every shot has a finished take and none is
    in flight, approved when every shot's hero take is approved. Asked at every take's end, so
    it asks the database questions rather than reading every take (constant work per take)."""
    takes = Render.objects.filter(shot__campaign=campaign, shot__deleted_at__isnull=True)
    if not takes.exists():
        return CampaignStatus.PLANNING
    shots = campaign.shots.all()
    heroes = list(shots.values_list("hero_take_id", flat=True))
    if heroes and None not in heroes:
        approved = verdicts(Decision.objects.filter(render_id__in=heroes))
        if all(approved.get(hero) == Verdict.APPROVED for hero in heroes):
            return CampaignStatus.APPROVED
    if (
        heroes
        and not takes.filter(status__in=IN_FLIGHT).exists()
        and not shots.exclude(renders__status=RenderStatus.COMPLETED).exists()
    ):
        return CampaignStatus.IN_REVIEW
    return CampaignStatus.IN_PRODUCTION


def refresh_status(campaign_id: int) -> None:
    """Let the campaign's status follow the work, unless an owner set it by hand or it is
    delivered or archived. A conditional update: a concurrent manual change wins."""
    campaign = Campaign.objects.filter(
        pk=campaign_id, status_follows_work=True, status__in=FOLLOWED
    ).first()
    if campaign is None:
        return
    status = work_status(campaign)
    if status != campaign.status:
        Campaign.objects.filter(
            pk=campaign_id, status_follows_work=True, status=campaign.status
        ).update(status=status, updated_at=timezone.now())


def campaign_states(campaign, shots: list[Shot]) -> dict[int, ShotState]:
    """Every shot's state in three queries, whatever the number of shots and takes."""
    takes = list(
        Render.objects.filter(shot__campaign=campaign).only(
            "pk", "shot_id", "take", "status", "thumbnail_key"
        )
    )
    decisions = Decision.objects.filter(render__shot__campaign=campaign).only(
        "pk", "render_id", "reviewer_id", "verdict", "created_at"
    )
    take_verdicts = verdicts(decisions)
    by_shot: dict[int, list[Render]] = {}
    for take in takes:  # grouped once: each shot reads only its own takes (linear, not n × m)
        by_shot.setdefault(take.shot_id, []).append(take)
    return {shot.pk: shot_state(shot, by_shot.get(shot.pk, []), take_verdicts) for shot in shots}


# --------------------------------------------------------------------------- comments


TIMECODE = re.compile(
    r"^(?:(?P<minutes>[0-9]{1,3}):(?P<ss>[0-5]?[0-9](?:\.[0-9]{1,3})?)"
    r"|(?P<s>[0-9]{1,5}(?:\.[0-9]{1,3})?))$"
)


def parse_timecode(value: str | None) -> int | None:
    """ "2.5", "00:02.5" or "1:02.25" -> milliseconds; empty -> None. Anything else (a
    negative, nan, an exponent, 99:99) is a clear form error."""
    value = (value or "").strip()
    if not value:
        return None
    match = TIMECODE.match(value)
    if match is None:
        raise ValidationError("Write the timecode as seconds (2.5) or mm:ss.s (00:02.5).")
    if match["s"] is not None:
        return round(Decimal(match["s"]) * 1000)
    return int(match["minutes"]) * 60_000 + round(Decimal(match["ss"]) * 1000)


def markers(comments: list[Comment]) -> list[dict]:
    """The scrub bar's markers: each time-coded comment, who said what."""
    return [
        {
            "time": c.timecode_ms / 1000,
            "label": f"{getattr(c, 'display_name', None) or c.who}: {c.body[:80]}",
        }
        for c in comments
        if c.timecode_ms is not None
    ]


def thread(comments: list[Comment]) -> list[Comment]:
    """Top-level comments, each with `.thread_replies` in order."""
    by_parent: dict[int | None, list[Comment]] = {}
    for comment in comments:
        by_parent.setdefault(comment.parent_id, []).append(comment)
    for comment in comments:
        comment.thread_replies = by_parent.get(comment.pk, [])
    return by_parent.get(None, [])


def clean_guest_name(name: str) -> str:
    """A guest's display name on one line: no control characters (a newline would end up in a
    mail header), spaces collapsed, at most 80 characters."""
    return " ".join(notifications.CONTROL.sub(" ", name or "").split())[:80]


def add_comment(
    take: Render,
    body: str,
    *,
    author=None,
    guest_name: str = "",
    share_link=None,
    timecode_ms: int | None = None,
    parent: Comment | None = None,
    visible_to_guests: bool = False,
) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ValidationError("Write something first.")
    if len(body) > MAX_COMMENT:
        raise ValidationError(f"Keep comments under {MAX_COMMENT} characters.")
    if parent is not None and parent.render_id != take.pk:
        raise ValidationError("You can only reply to a comment on the same take.")
    if timecode_ms is not None and (timecode_ms < 0 or timecode_ms > take.seconds * 1000 + 999):
        raise ValidationError("The timecode is outside the take.")
    if author is None and not clean_guest_name(guest_name):
        raise ValidationError("Tell us your name so the team knows who commented.")
    comment = Comment.objects.create(
        render=take,
        author=author,
        guest_name=clean_guest_name(guest_name) if not author else "",
        share_link=share_link,
        body=body,
        timecode_ms=timecode_ms,
        parent=parent,
        visible_to_guests=visible_to_guests or author is None,
    )
    if notifications.comment_recipients(comment):
        notifications.enqueue("notify_comment", comment.pk)
    return comment


def set_resolved(comment: Comment, resolved: bool) -> None:
    comment.resolved_at = timezone.now() if resolved else None
    comment.save(update_fields=["resolved_at"])


def decide(take: Render, reviewer, verdict: str, note: str = "") -> Decision:
    if take.status != RenderStatus.COMPLETED:
        raise ValidationError("Only a finished take can be approved or sent back.")
    if verdict not in Verdict.values:
        raise ValidationError("Choose approve or request changes.")
    decision = Decision.objects.create(
        render=take, reviewer=reviewer, verdict=verdict, note=note.strip()[:2000]
    )
    if take.created_by_id and take.created_by_id != reviewer.pk and take.created_by.email:
        notifications.enqueue("notify_decision", decision.pk)
    refresh_status(take.shot.campaign_id)
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
            kind="hero",
            detail={"by": user.get_username() if user else ""},
        )
    refresh_status(take.shot.campaign_id)


# --------------------------------------------------------------------------- queue & feed


def review_queue(user, campaign_id: int | None = None):
    """Finished takes in the user's workspaces (where they may decide) that still wait for
    their decision, newest first."""
    may_decide = [r for r, rank in RANK.items() if rank >= RANK[Role.REVIEWER]]
    workspaces = Membership.objects.filter(user=user, role__in=may_decide).values("workspace_id")
    takes = (
        Render.objects.filter(
            status=RenderStatus.COMPLETED,
            shot__campaign__workspace_id__in=workspaces,
            shot__deleted_at__isnull=True,
        )
        .exclude(shot__campaign__status="archived")
        .annotate(mine=Exists(Decision.objects.filter(render=OuterRef("pk"), reviewer=user)))
        .filter(mine=False)
        .select_related("shot__campaign")
        .order_by("-completed_at", "-pk")
    )
    if campaign_id:
        takes = takes.filter(shot__campaign_id=campaign_id)
    return takes


# --------------------------------------------------------------------------- digest


def send_digests(now: datetime | None = None) -> int:
    """One e-mail per person with something new in the last day: takes waiting for their
    decision, comments and decisions on takes they made. Returns how many were sent."""
    now = now or timezone.now()
    since = now - timedelta(days=1)
    sent = 0
    for user in (
        get_user_model()
        .objects.filter(is_active=True, memberships__isnull=False)
        .exclude(email="")
        .distinct()
    ):
        waiting = review_queue(user).count()
        comments = (
            Comment.objects.filter(render__created_by=user, created_at__gte=since)
            .exclude(author=user)
            .count()
        )
        decisions = (
            Decision.objects.filter(render__created_by=user, created_at__gte=since)
            .exclude(reviewer=user)
            .count()
        )
        if not (waiting or comments or decisions):
            continue
        lines = []
        if waiting:
            lines.append(
                f"- {waiting} take{'s' if waiting != 1 else ''} wait for your review: "
                f"{notifications.link('/review/')}"
            )
        if comments:
            lines.append(f"- {comments} new comment{'s' if comments != 1 else ''} on your takes")
        if decisions:
            lines.append(f"- {decisions} new decision{'s' if decisions != 1 else ''} on your takes")
        send_mail("Your Reelroom day", "\n".join(lines) + "\n", None, [user.email])
        sent += 1
    return sent
