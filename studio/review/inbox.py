"""What waits for a reviewer: the review queue and the daily digest of it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from generation.models import Render, RenderStatus
from studio.models import (
    Comment,
    Decision,
    Format,
    Membership,
    Role,
    Take,
)
from studio.review import notifications
from studio.team.access import RANK


def review_queue(user, campaign_id: int | None = None, aspect: str = ""):
    """Finished takes in the user's workspaces (where they may decide) that still wait for
    their decision, newest first; of one campaign, and of one format's aspect, if asked. A
    one-take spot is reviewed as its pieces (each a take of its shot), not as a whole."""
    may_decide = [r for r, rank in RANK.items() if rank >= RANK[Role.REVIEWER]]
    workspaces = Membership.objects.filter(user=user, role__in=may_decide).values("workspace_id")
    takes = (
        Take.objects.live()
        .finished()
        .filter(shot__campaign__workspace_id__in=workspaces)
        .exclude(shot__campaign__status="archived")
        .exclude(shot__one_take=True)
        .annotate(mine=Exists(Decision.objects.filter(render=OuterRef("pk"), reviewer=user)))
        .filter(mine=False)
        .select_related("shot__campaign")
        .order_by("-completed_at", "-pk")
    )
    if campaign_id:
        takes = takes.filter(shot__campaign_id=campaign_id)
    if aspect:
        takes = takes.filter(of_aspect(takes, aspect))
    return takes


def of_aspect(takes, aspect: str) -> Q:
    """The takes that serve a format of this aspect: one query for the few (size, model)
    pairs among them, each asked as a format would ask it."""
    probe = Format(aspect=aspect)
    pairs = takes.order_by().values_list("size", "model_key").distinct()
    wanted = Q(pk__in=[])
    for size, model_key in pairs:
        if size and probe.accepts(size, model_key):
            wanted |= Q(size=size, model_key=model_key)
    return wanted


def shot_neighbours() -> dict[str, Subquery]:
    """Annotations for a take: the pks of its shot's finished takes just before and after it
    (by take number), so that the take page reads them with the take itself."""
    finished = Take.objects.filter(shot_id=OuterRef("shot_id"), status=RenderStatus.COMPLETED)
    return {
        "previous_pk": Subquery(
            finished.filter(take__lt=OuterRef("take")).order_by("-take").values("pk")[:1]
        ),
        "following_pk": Subquery(
            finished.filter(take__gt=OuterRef("take")).order_by("take").values("pk")[:1]
        ),
    }


def neighbours(queue, take: Render) -> tuple[Render | None, Render | None]:
    """The takes before and after `take` in the queue's order (newest first), whether or not
    `take` itself is still in it."""
    at = take.completed_at
    if at is None:
        return None, None
    later = Q(completed_at__gt=at) | Q(completed_at=at, pk__gt=take.pk)
    earlier = Q(completed_at__lt=at) | Q(completed_at=at, pk__lt=take.pk)
    previous = queue.filter(later).exclude(pk=take.pk).order_by("completed_at", "pk").first()
    following = queue.filter(earlier).exclude(pk=take.pk).first()
    return previous, following


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
        .exclude(mail_choice__digest=False)
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
