"""A campaign's activity feed: takes requested, ready, failed; comments; decisions; hero
changes. Newest first, in three queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from generation.models import Render, RenderEvent
from studio.models import Comment, Decision, Verdict


@dataclass
class Activity:
    at: datetime
    kind: str
    text: str
    take: Render | None = None


def activity(campaign, limit: int = 60) -> list[Activity]:
    """What happened in a campaign, newest first, in three queries."""
    events = (
        RenderEvent.objects.filter(render__shot__campaign=campaign)
        .filter(to_status__in=["queued", "completed", "failed", "expired", "cancelled"])
        .filter(kind__in=["transition", "created", "hero"])
        .select_related("render__shot")
        .order_by("-at")[:limit]
    )
    comments = (
        Comment.objects.filter(render__shot__campaign=campaign)
        .select_related("author", "render__shot")
        .order_by("-created_at")[:limit]
    )
    decisions = (
        Decision.objects.filter(render__shot__campaign=campaign)
        .select_related("reviewer", "render__shot")
        .order_by("-created_at")[:limit]
    )
    items = []
    for event in events:
        take = event.render
        if event.kind == "hero":
            who = event.detail.get("by") or "Someone"
            text = f"{who} made take {take.take} the hero take of “{take.shot.title}”"
            items.append(Activity(event.at, "hero", text, take))
            continue
        what = {
            "queued": "was requested",
            "completed": "is ready",
            "failed": "failed",
            "expired": "expired",
            "cancelled": "was cancelled",
        }[event.to_status]
        items.append(
            Activity(
                event.at, event.to_status, f"Take {take.take} of “{take.shot.title}” {what}", take
            )
        )
    for comment in comments:
        take = comment.render
        items.append(
            Activity(
                comment.created_at,
                "comment",
                f"{comment.who} commented on take {take.take} of "
                f"“{take.shot.title}”: {comment.body[:140]}",
                take,
            )
        )
    for decision in decisions:
        take = decision.render
        items.append(
            Activity(
                decision.created_at,
                decision.verdict,
                f"{decision.reviewer.get_username()} "
                f"{'approved' if decision.verdict == Verdict.APPROVED else 'asked for changes to'} "
                f"take {take.take} of “{take.shot.title}”",
                take,
            )
        )
    return sorted(items, key=lambda a: a.at, reverse=True)[:limit]
