"""Fake Slack and Microsoft Teams webhook servers on 127.0.0.1 that check what they are sent
as the real services do, and answer as they do (including 429 with Retry-After and 500 when a
test asks for them).

Slack (incoming webhooks, POST /services/T…/B…/…): a JSON object with `text` and at most 50
Block Kit blocks of known types; a header's plain text at most 150 characters, a section's text
at most 3000; in mrkdwn, &, < and > only as Slack's escapes or inside a <https://…|label> link
(an unescaped < would let a name like "<!channel>" ping everyone). Answers 200 "ok", or 400
"invalid_blocks" as Slack does.

Teams (Workflows, POST /workflows/…/triggers/manual/paths/invoke): a "message" with one
attachment of contentType application/vnd.microsoft.card.adaptive whose content is an
AdaptiveCard of version 1.4 or later with elements of known types (TextRun inlines with text,
Action.OpenUrl with an absolute URL). A retired Office 365 connector card (MessageCard) is
refused. Answers 202 as Workflows does.
"""

from __future__ import annotations

import json
import re
import threading

from tests.fakes.base import FakeServer, JSONHandler

SLACK_BLOCKS = {"header", "section", "context", "divider", "actions", "image"}
CARD_ELEMENTS = {"TextBlock", "RichTextBlock", "ActionSet", "Container", "FactSet", "ColumnSet"}
LINK = re.compile(r"<https?://[^|<>\s]+\|[^<>]*>|<https?://[^|<>\s]+>")
ENTITY = re.compile(r"&(amp|lt|gt);")


def slack_problems(body) -> list[str]:
    problems = []
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    if not isinstance(body.get("text"), str) or not body["text"].strip():
        problems.append("no_text: a message with blocks needs `text` for notifications")
    blocks = body.get("blocks", [])
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 50:
        return [*problems, "invalid_blocks: 1 to 50 blocks"]
    for block in blocks:
        kind = block.get("type")
        if kind not in SLACK_BLOCKS:
            problems.append(f"invalid_blocks: unknown block type {kind!r}")
            continue
        texts = []
        if kind == "header":
            text = block.get("text", {})
            if text.get("type") != "plain_text" or not 0 < len(text.get("text", "")) <= 150:
                problems.append("invalid_blocks: a header is plain_text of 1–150 characters")
        if kind == "section":
            text = block.get("text", {})
            if text.get("type") not in ("mrkdwn", "plain_text"):
                problems.append("invalid_blocks: a section's text needs a type")
            if not 0 < len(text.get("text", "")) <= 3000:
                problems.append("invalid_blocks: a section's text is 1–3000 characters")
            if text.get("type") == "mrkdwn":
                texts.append(text.get("text", ""))
        if kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 10:
                problems.append("invalid_blocks: a context has 1–10 elements")
            texts += [e.get("text", "") for e in elements if e.get("type") == "mrkdwn"]
        for text in texts:
            bare = ENTITY.sub("", LINK.sub("", text))
            if set("<>&") & set(bare):
                problems.append(f"unescaped mrkdwn control characters in {text[:80]!r}")
    return problems


def _card_problems(element) -> list[str]:
    kind = element.get("type")
    if kind not in CARD_ELEMENTS:
        return [f"unknown card element {kind!r}"]
    problems = []
    if kind == "TextBlock" and not isinstance(element.get("text"), str):
        problems.append("a TextBlock needs text")
    if kind == "RichTextBlock":
        for inline in element.get("inlines", []):
            if inline.get("type") != "TextRun" or not isinstance(inline.get("text"), str):
                problems.append("a RichTextBlock's inlines are TextRuns with text")
    if kind == "ActionSet":
        for action in element.get("actions", []):
            if action.get("type") != "Action.OpenUrl" or not re.match(
                r"https?://", action.get("url", "")
            ):
                problems.append("an Action.OpenUrl needs an absolute URL")
            if not action.get("title"):
                problems.append("an action needs a title")
    return problems


def teams_problems(body) -> list[str]:
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    if body.get("@type") == "MessageCard":
        return ["Office 365 connector cards (MessageCard) are retired"]
    if body.get("type") != "message":
        return ["the Workflows envelope is {type: message, attachments: [...]}"]
    attachments = body.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        return ["one attachment expected"]
    attachment = attachments[0]
    if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
        return ["the attachment is not an Adaptive Card"]
    card = attachment.get("content") or {}
    problems = []
    if card.get("type") != "AdaptiveCard":
        problems.append("content.type must be AdaptiveCard")
    try:
        version = tuple(int(x) for x in str(card.get("version", "")).split("."))
    except ValueError:
        version = ()
    if version < (1, 4):
        problems.append(f"schema version 1.4 or later expected, not {card.get('version')!r}")
    body_elements = card.get("body")
    if not isinstance(body_elements, list) or not body_elements:
        problems.append("a card needs a body")
    for element in body_elements or []:
        problems += _card_problems(element)
    return problems


# The secret parts of the webhook URLs (whoever has them can post): never in a page or a log.
SLACK_SECRET = "slackSecretPart0123456789ab"
TEAMS_SECRET = "teamsSignature0123456789abcd"


class FakeChat(FakeServer):
    """Both services on one port. `answers` is a queue of statuses to answer with next (429
    with Retry-After: 1, 500, 404) before answering well again; `always` answers every request
    with one status."""

    def __init__(self):
        self.received: list[tuple[str, dict]] = []
        self.violations: list[str] = []
        self.answers: list[int] = []
        self.always: int | None = None
        self.lock = threading.Lock()
        fake = self

        class Handler(JSONHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service = "slack" if self.path.startswith("/services/") else "teams"
                with fake.lock:
                    status = fake.always or (fake.answers.pop(0) if fake.answers else None)
                if status == 429:
                    return self._send(429, raw=b"rate_limited", headers={"Retry-After": "1"})
                if status is not None:
                    return self._send(status, raw=b"server_error", content_type="text/plain")
                if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
                    fake.violations.append("Content-Type is not application/json")
                try:
                    body = json.loads(raw)
                except ValueError:
                    fake.violations.append("the body is not JSON")
                    return self._send(400, raw=b"invalid_payload", content_type="text/plain")
                problems = slack_problems(body) if service == "slack" else teams_problems(body)
                if problems:
                    fake.violations.extend(problems)
                    return self._send(400, raw=b"invalid_blocks", content_type="text/plain")
                with fake.lock:
                    fake.received.append((service, body))
                if service == "slack":
                    return self._send(200, raw=b"ok", content_type="text/plain")
                return self._send(202, raw=b"", content_type="text/plain")

        super().__init__(Handler)

    @property
    def slack_url(self) -> str:
        return f"{self.root}/services/T000TEST/B000TEST/{SLACK_SECRET}"

    @property
    def teams_url(self) -> str:
        return f"{self.root}/workflows/0123abcd/triggers/manual/paths/invoke?sig={TEAMS_SECRET}"

    def texts(self, service: str = "slack") -> list[str]:
        """What each message said, as one string."""
        return [json.dumps(body, ensure_ascii=False) for s, body in self.received if s == service]
