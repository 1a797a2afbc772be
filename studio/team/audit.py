"""Writing the audit log (studio/models/audit.py): `record()` from anywhere in the studio,
with who and from where taken from the request being served (AuditMiddleware keeps it for the
request's duration), or said explicitly (a queue task, a guest, a sign-in)."""

from __future__ import annotations

import contextvars
from decimal import Decimal
from typing import Any

from generation import text
from studio.models import Area, AuditEntry
from studio.team.throttle import client_ip

_request: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_request", default=None)

# A value in `changes` is kept short: the log says what changed, it is not a copy of the brief.
MAX_VALUE = 300


class AuditMiddleware:
    """Keeps the request being served, so an entry written during it knows who and where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def who(request) -> tuple[int | None, str]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk, user.get_username()
    return None, "anonymous"


def _value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return text.line(str(value))[:MAX_VALUE]


def record(
    area: Area | str,
    action: str,
    *,
    workspace_id: int | None,
    target: str = "",
    changes: dict | None = None,
    actor: str | None = None,
    actor_id: int | None = None,
    request=None,
) -> None:
    """One entry, written with the change it records: in the same transaction when there is
    one (a change rolled back leaves no entry), at once otherwise."""
    request = request if request is not None else _request.get()
    ip = None
    if request is not None:
        ip = client_ip(request)
        if actor is None:
            actor_id, actor = who(request)
    entry = AuditEntry(
        workspace_id=workspace_id,
        actor_id=actor_id,
        actor=text.line(actor or "system")[:200],
        ip=None if ip in (None, "0.0.0.0") else ip,
        area=area,
        action=action,
        target=text.line(target)[:300],
        changes={text.line(str(k))[:60]: _value(v) for k, v in (changes or {}).items()},
    )
    entry.save(force_insert=True)


def exported(workspace_id: int | None, what: str, actor: str | None = None, **changes) -> None:
    """Something left the studio as a file: a package, a CSV, a timeline."""
    record(
        Area.EXPORTS,
        "exported",
        workspace_id=workspace_id,
        target=what,
        actor=actor,
        changes=changes,
    )
