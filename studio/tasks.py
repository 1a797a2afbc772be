"""django-q2 entry points of the studio: e-mail (sent from the queue, never from a request), the
daily digest, and cuts (rendered, and made again when a hero changes). Each takes a primary
key and re-reads the row (a task can be delivered twice;
a comment deleted in between sends nothing)."""

from __future__ import annotations

from django_q.models import Schedule

from generation.jobs import signing
from studio.models import Comment, Decision, Invitation
from studio.production import cuts, one_take_split, spots
from studio.review import inbox, notifications
from studio.team import audit_log, chat_sending, webhooks_out


def sign(render_id: int, labelled: int = 0) -> None:
    """A delivered take's missing copy, signed (with the visible label where asked)."""
    signing.sign(render_id, bool(labelled))


def notify_comment(comment_id: int) -> int:
    comment = (
        Comment.objects.select_related("author", "render__shot__campaign", "share_link__created_by")
        .filter(pk=comment_id)
        .first()
    )
    return notifications.notify_comment(comment) if comment else 0


def notify_decision(decision_id: int) -> None:
    decision = (
        Decision.objects.select_related("reviewer", "render__shot", "render__created_by")
        .filter(pk=decision_id)
        .first()
    )
    if decision:
        notifications.notify_decision(decision)


def send_invitation(invitation_id: int) -> None:
    invitation = (
        Invitation.pending()
        .select_related("workspace", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation:
        notifications.send_invitation(invitation)


def render_cut(cut_id: int) -> None:
    cuts.render_cut(cut_id)


def render_spot(spot_id: int) -> None:
    spots.render_spot(spot_id)


def split_one_take(render_id: int) -> int:
    return one_take_split.split(render_id)


def recut(campaign_id: int) -> None:
    cuts.recut(campaign_id)


def send_to_channel(channel_id: int) -> int:
    return chat_sending.send(channel_id)


def send_to_due_channels() -> int:
    return chat_sending.send_due()


def send_webhook(delivery_id: int) -> str:
    return webhooks_out.deliver(delivery_id)


def send_due_webhooks() -> int:
    return webhooks_out.send_due()


def purge_audit_log() -> int:
    return audit_log.purge()


def send_digests() -> int:
    return inbox.send_digests()


# name -> (task, how often, extra fields of the schedule)
SCHEDULES = {
    "reelroom-daily-digest": ("send_digests", Schedule.DAILY, {}),
    "reelroom-chat-retries": ("send_to_due_channels", Schedule.MINUTES, {"minutes": 1}),
    "reelroom-audit-retention": ("purge_audit_log", Schedule.DAILY, {}),
    "reelroom-webhook-retries": ("send_due_webhooks", Schedule.MINUTES, {"minutes": 1}),
}


def ensure_schedules(**kwargs) -> None:
    """The daily digest, the chat channels' retries (every minute) and the audit log's
    retention (daily), created once by name (after every migrate)."""
    for name, (task, every, extra) in SCHEDULES.items():
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": f"studio.tasks.{task}",
                "schedule_type": every,
                "repeats": -1,
                **extra,
            },
        )
