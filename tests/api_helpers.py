"""Tokens and calls for the API's tests."""

from __future__ import annotations

import json

from studio.models import Membership, Scope, TokenKind
from studio.team import tokens

ALL_SCOPES = list(Scope.values)


def token_for(user, workspace, scopes=None, kind=TokenKind.PERSONAL, days=30) -> str:
    """A token's key for `user` in `workspace` (made as the owner would make it)."""
    role = Membership.objects.get(user=user, workspace=workspace).role
    made = tokens.make(
        workspace,
        user,
        name=f"{user.username} script",
        scopes=scopes or tokens.usable_scopes(role),
        days=days,
        kind=kind,
        role="owner" if kind == TokenKind.SERVICE else role,
    )
    return made.key


def call(client, method: str, path: str, key: str | None, body=None, **headers):
    """One API call; `path` under /api/v1/."""
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    send = getattr(client, method.lower())
    url = f"/api/v1/{path.lstrip('/')}"
    if body is None:
        return send(url, **headers)
    return send(url, data=json.dumps(body), content_type="application/json", **headers)
