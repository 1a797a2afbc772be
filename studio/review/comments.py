"""Comments on takes: timecodes and markers, threads, mentions and guest names, resolving."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from generation import text
from generation.models import Render
from studio.models import (
    Comment,
)
from studio.review import notifications
from studio.review.drawings import parse as drawings_parse

MAX_COMMENT = 4000

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


def posted(data) -> dict:
    """The comment form's time fields and drawing, checked: timecode (the in point), end
    timecode (a range's out point), drawing (JSON shapes). Raises ValidationError."""
    return {
        "timecode_ms": parse_timecode(data.get("timecode")),
        "end_ms": parse_timecode(data.get("end_timecode")),
        "drawing": drawings_parse(data.get("drawing")),
    }


def kept(data) -> dict:
    """What the comment form held, to show it again with its error: nothing typed is lost."""
    return {
        "body": data.get("body", ""),
        "timecode": data.get("timecode", ""),
        "end_timecode": data.get("end_timecode", ""),
        "drawing": data.get("drawing", ""),
        "visible_to_guests": data.get("visible_to_guests") == "on",
    }


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


def drawings(comments: list[Comment]) -> list[dict]:
    """What the player draws and spans: each time-coded comment with a drawing or a range."""
    return [
        {
            "id": c.pk,
            "time": c.timecode_ms / 1000,
            "end": c.end_ms / 1000 if c.end_ms is not None else None,
            "shapes": c.drawing or [],
        }
        for c in comments
        if c.timecode_ms is not None and (c.drawing or c.end_ms is not None)
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
    return " ".join(text.line(name or "").split())[:80]


def add_comment(
    take: Render,
    body: str,
    *,
    author=None,
    guest_name: str = "",
    share_link=None,
    timecode_ms: int | None = None,
    end_ms: int | None = None,
    drawing: list | None = None,
    parent: Comment | None = None,
    visible_to_guests: bool = False,
) -> Comment:
    body = text.typed(body or "", multiline=True)
    if not body:
        raise ValidationError("Write something first.")
    if len(body) > MAX_COMMENT:
        raise ValidationError(f"Keep comments under {MAX_COMMENT} characters.")
    if parent is not None and parent.render_id != take.pk:
        raise ValidationError("You can only reply to a comment on the same take.")
    if timecode_ms is not None and (timecode_ms < 0 or timecode_ms > take.seconds * 1000 + 999):
        raise ValidationError("The timecode is outside the take.")
    if end_ms is not None:
        if timecode_ms is None:
            raise ValidationError("A range needs its in point (At) as well as its out point.")
        if end_ms <= timecode_ms:
            raise ValidationError("A range ends after it starts: put the out point later.")
        if end_ms > take.seconds * 1000 + 999:
            raise ValidationError("The range's out point is outside the take.")
    if drawing and timecode_ms is None:
        raise ValidationError("A drawing belongs to a frame: give its timecode (At).")
    if author is None and not clean_guest_name(guest_name):
        raise ValidationError("Tell us your name so the team knows who commented.")
    comment = Comment.objects.create(
        render=take,
        author=author,
        guest_name=clean_guest_name(guest_name) if not author else "",
        share_link=share_link,
        body=body,
        timecode_ms=timecode_ms,
        end_ms=end_ms,
        drawing=drawing or [],
        parent=parent,
        visible_to_guests=visible_to_guests or author is None,
    )
    if notifications.comment_recipients(comment):
        notifications.enqueue("notify_comment", comment.pk)
    return comment


def set_resolved(comment: Comment, resolved: bool) -> None:
    comment.resolved_at = timezone.now() if resolved else None
    comment.save(update_fields=["resolved_at"])


def can_delete(comment: Comment, user) -> bool:
    """A member who may comment deletes a guest's comment (what a client's link let in is the
    team's to clear) or their own; another member's words stay theirs."""
    return comment.author_id is None or comment.author_id == user.pk


def delete_comment(comment: Comment, user) -> None:
    """The comment and its replies, gone (a guest's, or the member's own)."""
    if not can_delete(comment, user):
        raise ValidationError("You can delete your own comments and guests' comments.")
    comment.delete()
