"""The e-mails the studio sends: mentions and guest comments, decisions, invitations, the
daily digest. They are built here and sent by the workers (studio/tasks.py), never from a
request."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from generation import text
from studio import queue
from studio.models import Comment, Decision, MailChoice, Membership, Verdict

MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")


def comment_recipients(comment: Comment) -> list:
    """Who hears of a comment by e-mail. A member's @mentions reach the members named; a
    guest mentions nobody: their comment makes one notification, to the link's owner."""
    if comment.author_id is None:
        owner = comment.share_link.created_by if comment.share_link else None
        wanted = owner is not None and owner.is_active and owner.email
        return [owner] if wanted and MailChoice.wants(owner, "mentions") else []
    workspace_id = comment.render.shot.campaign.workspace_id
    return [
        user
        for user in mentioned_members(workspace_id, comment.body)
        if user.pk != comment.author_id and user.email and MailChoice.wants(user, "mentions")
    ]


def mentioned_members(workspace_id: int, body: str):
    names = {m.lower() for m in MENTION.findall(body)}
    if not names:
        return []
    return [
        m.user
        for m in Membership.objects.filter(workspace_id=workspace_id).select_related("user")
        if m.user.username.lower() in names
    ]


def enqueue(name: str, pk: int) -> None:
    """Mail goes through the queue: a slow or failing mail server never holds up a page."""
    queue.enqueue(name, pk, group="mail")


def link(path: str) -> str:
    return f"{settings.STUDIO_BASE_URL}{path}"


def take_link(pk: int) -> str:
    """The absolute address of a take's page, for an e-mail."""
    return link(reverse("studio:take_page", args=[pk]))


def _subject(said: str) -> str:
    """A mail subject on one line, whatever names and titles it quotes."""
    return " ".join(text.line(said).split())


def notify_comment(comment: Comment) -> int:
    """The mails a comment makes (see comment_recipients); returns how many were sent."""
    take = comment.render
    users = comment_recipients(comment)
    what = "commented" if comment.author_id is None else "mentioned you"
    for user in users:
        send_mail(
            _subject(f"{comment.who} {what} on take {take.take} of “{take.shot.title}”"),
            f"{comment.who} wrote:\n\n{comment.body}\n\nOpen the take: {take_link(take.pk)}\n",
            None,
            [user.email],
        )
    return len(users)


def send_invitation(invitation) -> None:
    who = invitation.invited_by.get_username() if invitation.invited_by else "A team member"
    send_mail(
        _subject(f"{who} invites you to {invitation.workspace.name} on Reelroom"),
        f"{who} invites you to join {invitation.workspace.name} as {invitation.role}.\n\n"
        f"Accept (the link works once, until {invitation.expires_at:%Y-%m-%d %H:%M} UTC):\n"
        f"{link(reverse('studio:invitation_accept', args=[invitation.token]))}\n\n"
        "If you did not expect this, ignore this e-mail: nothing happens until you accept.\n",
        None,
        [invitation.email],
    )


def notify_decision(decision: Decision) -> None:
    take = decision.render
    if take.created_by is None or not MailChoice.wants(take.created_by, "decisions"):
        return
    verdict = "approved" if decision.verdict == Verdict.APPROVED else "asked for changes to"
    send_mail(
        _subject(f"{decision.who} {verdict} take {take.take} of “{take.shot.title}”"),
        f"{decision.note or '(no note)'}\n\nOpen the take: {take_link(take.pk)}\n",
        None,
        [take.created_by.email],
    )
