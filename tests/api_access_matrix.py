"""Who may call what in /api/v1/: every operation × every role × every token scope, as data.

tests/test_api_access.py checks every row against the running API (and fails when an
operation of the served OpenAPI document has no row); docs/api.md shows the same table
(`python -m tests.api_access_matrix` prints it).

An operation needs a scope on the token and an action of studio.team.access on the token's
member's role: both, or 403. A token of another workspace gets 404 for anything by id; lists
answer each token with its own workspace's rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import django

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()

from studio.team.access import can
from tests.images import upload

ROLES = ["owner", "editor", "reviewer", "viewer"]
SCOPES = ["read", "generate", "review", "deliver", "admin"]


@dataclass
class Operation:
    method: str
    path: str  # with {campaign}, {shot}, {take}, {spot}, {slug} from the world
    scope: str
    action: str  # the page's action the member's role needs
    body: Callable = field(default=lambda ctx: None)
    ok: tuple[int, ...] = (200, 201, 202)
    own: bool = False  # a list: an outsider's token sees its own workspace's rows
    files: Callable | None = None  # a multipart upload instead of a JSON body


def plan_settings(ctx):
    return {"brief": "Cold brew for commuters, bright morning.", "product": "Nitro can"}


OPERATIONS = [
    Operation("get", "workspaces", "read", "view", own=True),
    Operation("get", "workspaces/{slug}", "read", "view"),
    Operation("get", "campaigns", "read", "view", own=True),
    Operation("post", "campaigns", "generate", "edit_campaign", lambda c: {"name": "N"}, own=True),
    Operation("get", "campaigns/{campaign}", "read", "view"),
    Operation(
        "patch", "campaigns/{campaign}", "generate", "edit_campaign", lambda c: {"brief": "B"}
    ),
    Operation("get", "campaigns/{campaign}/spend", "read", "view_spend"),
    Operation("post", "campaigns/{campaign}/plans/draft", "generate", "edit_shot", plan_settings),
    Operation(
        "post",
        "campaigns/{campaign}/plans",
        "generate",
        "edit_shot",
        lambda ctx: {
            **plan_settings(ctx),
            "rows": [{"title": "One", "seconds": 4, "scene": "A cup."}],
        },
        ok=(201, 409, 422),
    ),  # fmt: skip
    Operation("get", "campaigns/{campaign}/shots", "read", "view"),
    Operation(
        "post", "campaigns/{campaign}/shots", "generate", "edit_shot", lambda c: {"title": "T"}
    ),
    Operation("get", "campaigns/{campaign}/shots/{shot}", "read", "view"),
    Operation(
        "patch",
        "campaigns/{campaign}/shots/{shot}",
        "generate",
        "edit_shot",
        lambda ctx: {"scene": "A cup on a table"},
    ),  # fmt: skip
    Operation(
        "post",
        "campaigns/{campaign}/shots/{shot}/reference",
        "generate",
        "edit_shot",
        files=lambda ctx: {"image": upload(size=(640, 480))},
    ),  # fmt: skip
    Operation(
        "put",
        "campaigns/{campaign}/shot-order",
        "generate",
        "edit_shot",
        lambda ctx: {"shots": ctx["shot_order"]},
    ),  # fmt: skip
    Operation("get", "takes", "read", "view", own=True),
    Operation(
        "post",
        "campaigns/{campaign}/shots/{shot}/takes",
        "generate",
        "generate",
        lambda ctx: {"variations": 1},
    ),  # fmt: skip
    Operation("get", "takes/{take}", "read", "view"),
    Operation("post", "takes/{take}/cancel", "generate", "generate", ok=(200, 409)),
    Operation("get", "takes/{take}/decisions", "read", "view"),
    Operation(
        "post",
        "takes/{take}/decisions",
        "review",
        "decide",
        lambda ctx: {"verdict": "approved"},
    ),  # fmt: skip
    Operation("get", "takes/{take}/video", "read", "view"),
    Operation("get", "campaigns/{campaign}/spots", "read", "view"),
    Operation("post", "campaigns/{campaign}/spots", "deliver", "generate", lambda ctx: {}),
    Operation("post", "campaigns/{campaign}/versions", "deliver", "generate"),
    Operation("get", "campaigns/{campaign}/spots/{spot}", "read", "view"),
    Operation(
        "post",
        "campaigns/{campaign}/spots/{spot}/decisions",
        "review",
        "decide",
        lambda ctx: {"verdict": "approved"},
        ok=(201, 409),
    ),  # fmt: skip
    Operation("get", "campaigns/{campaign}/delivery", "deliver", "view"),
    Operation("get", "campaigns/{campaign}/delivery/package", "deliver", "view", ok=(200, 503)),
]


def path_of(operation: Operation, ctx) -> str:
    return operation.path.format(
        slug=ctx["workspace"].slug,
        campaign=ctx["campaign"].pk,
        shot=ctx["shot"].pk,
        take=ctx["take"].pk,
        spot=ctx["spot"].pk,
    )


def expected(operation: Operation, persona: str, scope: str):
    """ "ok", or the status a token of this persona with this one scope gets."""
    if persona == "outsider":  # a member of another workspace, an owner there
        if not operation.own:
            return 404
        persona = "owner"
    if not can(persona, operation.action) or scope != operation.scope:
        return 403
    return "ok"


def schema_key(operation: Operation) -> tuple[str, str]:
    """The operation as the OpenAPI document names it: (method, path template)."""
    path = "/api/v1/" + operation.path
    for name, param in (("campaign", "campaign_id"), ("shot", "shot_id"), ("take", "take_id"),
                        ("spot", "spot_id"), ("slug", "slug")):  # fmt: skip
        path = path.replace("{" + name + "}", "{" + param + "}")
    return operation.method, path


def table() -> str:
    """The operation × role table of docs/api.md (with the scope each needs)."""
    lines = [
        "| operation | scope | " + " | ".join(ROLES) + " | another workspace's token |",
        "|---|---|" + "---|" * (len(ROLES) + 1),
    ]
    for op in OPERATIONS:
        cells = ["yes" if expected(op, r, op.scope) == "ok" else "403" for r in ROLES]
        outsider = "own rows" if op.own else "404"
        method, path = schema_key(op)
        lines.append(
            f"| `{method.upper()} {path}` | {op.scope} | " + " | ".join(cells) + f" | {outsider} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(), end="")
