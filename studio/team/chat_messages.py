"""What a chat message says: the notices waiting for a channel, grouped by campaign and kind
(twelve takes ready in one campaign are one line with a count, not twelve messages), as Slack
Block Kit or as an Adaptive Card (schema 1.4) in the envelope Teams' Workflows webhooks take.

Text from people (campaign and shot names, notes) is never read as markup: Slack's mrkdwn has
&, < and > escaped; the card carries it in TextRuns, which Teams shows as plain text."""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.models import ChannelEvent, ChannelNotice

GROUPS_PER_MESSAGE = 20
LINES_PER_GROUP = 5
SLACK_SECTION_MAX = 3000
SLACK_HEADER_MAX = 150

WORDS = {
    ChannelEvent.TAKES_READY: ("take ready for review", "takes ready for review"),
    ChannelEvent.APPROVED: ("take approved", "takes approved"),
    ChannelEvent.CHANGES: ("request for changes", "requests for changes"),
    ChannelEvent.SPOT_READY: ("spot ready", "spots ready"),
    ChannelEvent.SPOT_APPROVED: ("spot approved", "spots approved"),
    ChannelEvent.CLIENT: ("client decision", "client decisions"),
    ChannelEvent.BUDGET: ("budget alert", "budget alerts"),
    ChannelEvent.FAILED_BILLED: ("failed take billed", "failed takes billed"),
    ChannelEvent.TEST: ("test message", "test messages"),
}


@dataclass
class Group:
    event: str
    campaign: str
    link: str
    notices: list[ChannelNotice] = field(default_factory=list)

    @property
    def title(self) -> str:
        n = len(self.notices)
        one, many = WORDS[ChannelEvent(self.event)]
        where = f" in “{self.campaign}”" if self.campaign else ""
        return f"{n} {many if n > 1 else one}{where}"

    @property
    def lines(self) -> list[str]:
        said = [n.said for n in self.notices[:LINES_PER_GROUP]]
        more = len(self.notices) - len(said)
        return said + ([f"and {more} more"] if more > 0 else [])


def grouped(notices: list[ChannelNotice]) -> tuple[list[Group], list[int]]:
    """The groups of one message (at most GROUPS_PER_MESSAGE, in the order their first notice
    came) and the ids of the notices they say."""
    groups: dict[tuple, Group] = {}
    covered: list[int] = []
    for notice in notices:
        key = (notice.event, notice.campaign_id)
        if key not in groups:
            if len(groups) == GROUPS_PER_MESSAGE:
                continue
            groups[key] = Group(notice.event, notice.campaign_name, notice.link)
        groups[key].notices.append(notice)
        covered.append(notice.pk)
    return list(groups.values()), covered


def _mrkdwn(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def slack(workspace: str, groups: list[Group]) -> dict:
    """An incoming webhook's payload: `text` (notifications, screen readers) and the blocks."""
    blocks: list[dict] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _clip(f"Reelroom · {workspace}", 150)},
        }
    ]
    for group in groups:
        lines = "\n".join(f"• {_mrkdwn(line)}" for line in group.lines)
        title = f"*{_mrkdwn(group.title)}*"
        if group.link:
            title += f"  <{group.link}|Open>"
        said = _clip(f"{title}\n{lines}", SLACK_SECTION_MAX)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": said}})
    total = sum(len(g.notices) for g in groups)
    summary = "; ".join(g.title for g in groups)
    return {
        "text": _clip(f"Reelroom · {workspace}: {summary}", 3000),
        "blocks": blocks
        + [
            {
                "type": "context",
                "elements": [
                    {"type": "plain_text", "text": f"{total} update{'s' if total > 1 else ''}"}
                ],
            }
        ],
    }


def _runs(text: str, **style) -> dict:
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **style}]}


def teams(workspace: str, groups: list[Group]) -> dict:
    """A Workflows webhook's payload: a message with one Adaptive Card attachment."""
    body: list[dict] = [_runs(f"Reelroom · {workspace}", weight="Bolder", size="Medium")]
    for group in groups:
        body.append(_runs(group.title, weight="Bolder"))
        body.append(_runs("\n".join(f"• {x}" for x in group.lines)))
        if group.link:
            body.append(
                {
                    "type": "ActionSet",
                    "actions": [{"type": "Action.OpenUrl", "title": "Open", "url": group.link}],
                }
            )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }
