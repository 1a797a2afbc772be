"""A campaign's activity feed: takes requested, ready, failed, and the trouble on the way (a
provider refusing, an answer lost, storage failing, a worker gone) with what was done about it;
comments; decisions; hero changes. Newest first, in three queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from generation.models import EventKind, Render, RenderEvent, RenderStatus
from studio.models import Comment, Decision, Verdict, label_formats, live_take


def _in(detail: dict) -> str:
    seconds = detail.get("retry_in_seconds")
    return f"; trying again in {seconds} s" if seconds is not None else ""


# What went wrong on the way, and what the studio did about it (RenderEvent kinds).
TROUBLE: dict[str, Callable[[dict], str]] = {
    EventKind.RETRY: lambda d: f"the provider refused it ({d.get('code', 'error')}){_in(d)}",
    EventKind.POLL_RETRY: lambda d: f"a status check failed ({d.get('code', 'error')}){_in(d)}",
    EventKind.RECONCILE_RETRY: lambda d: (
        f"checking with the provider failed ({d.get('code', 'error')})" + _in(d)
    ),
    EventKind.STORE_RETRY: lambda d: f"storing failed ({d.get('error', 'error')}){_in(d)}",
    EventKind.REAPED: lambda d: d.get("reason", "picked up again after a worker stopped"),
}


def RECONCILING(detail: dict) -> str:
    return (
        f"the provider's answer was lost ({detail.get('reason', 'unknown')}); "
        "checking with the provider before sending anything again"
    )


@dataclass
class Activity:
    at: datetime
    kind: str
    text: str
    take: Render | None = None


def activity(campaign, limit: int = 60) -> list[Activity]:
    """What happened in a campaign, newest first, in three queries."""
    events = (
        RenderEvent.objects.filter(live_take("render"), render__shot__campaign=campaign)
        .filter(
            Q(
                to_status__in=["queued", "completed", "failed", "expired", "cancelled"],
                kind__in=["transition", "created", "hero"],
            )
            | Q(kind__in=list(TROUBLE))
            | Q(kind=EventKind.TRANSITION, to_status=RenderStatus.RECONCILING)
        )
        .select_related("render__shot")
        .order_by("-at")[:limit]
    )
    comments = (
        Comment.objects.filter(live_take("render"), render__shot__campaign=campaign)
        .select_related("author", "render__shot")
        .order_by("-created_at")[:limit]
    )
    decisions = (
        Decision.objects.filter(live_take("render"), render__shot__campaign=campaign)
        .select_related("reviewer", "render__shot")
        .order_by("-created_at")[:limit]
    )
    shown: tuple[list[RenderEvent], list[Comment], list[Decision]] = (
        list(events),
        list(comments),
        list(decisions),
    )
    label_formats([x.render for rows in shown for x in rows])

    def of(take) -> str:
        said = f"take {take.take} of “{take.shot.title}”"
        return f"{said} ({take.format_name})" if take.format_name else said

    def Of(take) -> str:
        return f"Take{of(take)[4:]}"

    items = []
    for event in shown[0]:
        take = event.render
        if event.kind in TROUBLE or event.to_status == RenderStatus.RECONCILING:
            text = TROUBLE.get(event.kind, RECONCILING)(event.detail)
            items.append(Activity(event.at, "trouble", f"{Of(take)}: {text}", take))
            continue
        if event.kind == EventKind.HERO:
            who = event.detail.get("by") or "Someone"
            text = f"{who} made take {take.take} the hero take of “{take.shot.title}”"
            shown_as = getattr(take, "format_name", "")  # set by label_formats on the takes shown
            if shown_as:
                text += f" ({shown_as})"
            items.append(Activity(event.at, "hero", text, take))
            continue
        what = {
            "queued": "was requested",
            "completed": "is ready",
            "failed": "failed",
            "expired": "expired",
            "cancelled": "was cancelled",
        }[event.to_status]
        items.append(Activity(event.at, event.to_status, f"{Of(take)} {what}", take))
    for comment in shown[1]:
        take = comment.render
        items.append(
            Activity(
                comment.created_at,
                "comment",
                f"{comment.who} commented on {of(take)}: {comment.body[:140]}",
                take,
            )
        )
    for decision in shown[2]:
        take = decision.render
        items.append(
            Activity(
                decision.created_at,
                decision.verdict,
                f"{decision.who} "
                f"{'approved' if decision.verdict == Verdict.APPROVED else 'asked for changes to'} "
                f"{of(take)}",
                take,
            )
        )
    return sorted(items, key=lambda a: a.at, reverse=True)[:limit]
