"""The API's access matrix (tests/api_access_matrix.py) against the running API: every
operation × every role × every token scope, outsiders' tokens get 404, and every operation of
the served OpenAPI document has a row."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from generation.models import RenderStatus as S
from studio.models import ApiToken, Shot
from tests.api_access_matrix import OPERATIONS, ROLES, SCOPES, expected, path_of, schema_key
from tests.api_helpers import call

pytestmark = pytest.mark.django_db

ALL = ["outsider", *ROLES]


def _key(user, workspace, scope: str, n: int) -> str:
    """A token of exactly this scope, whatever the member's role now (as a token made before
    its member was demoted would be): the role must still be checked."""
    key = f"rr_{n:08x}_matrix-token-{user.pk}-{scope}"
    ApiToken.objects.create(
        workspace=workspace, user=user, name=f"{user}-{scope}", scopes=[scope],
        prefix=f"rr_{n:08x}", key_hash=ApiToken.hash(key),
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )  # fmt: skip
    return key


@pytest.fixture
def keys(ctx, other_workspace):
    team = ctx["team"]
    made, n = {}, 0
    for persona in ALL:
        workspace = other_workspace if persona == "outsider" else ctx["workspace"]
        for scope in SCOPES:
            n += 1
            made[persona, scope] = _key(team[persona], workspace, scope, n)
    Shot.objects.filter(pk=ctx["shot"].pk).update(prompt={"scene": "A cup on a table"})
    ctx["shot_order"] = list(
        Shot.objects.filter(campaign=ctx["campaign"])
        .order_by("position")
        .values_list("pk", flat=True)
    )
    return made


@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{o.method}-{o.path}" for o in OPERATIONS])
def test_each_role_and_scope_gets_what_the_matrix_says(client, ctx, keys, operation):
    path = path_of(operation, ctx)
    for persona in ALL:
        for scope in SCOPES:
            ctx["take"].__class__.objects.filter(pk=ctx["take"].pk).update(status=S.COMPLETED)
            key = keys[persona, scope]
            if operation.files:  # a multipart upload
                response = client.post(
                    f"/api/v1/{path}", operation.files(ctx), HTTP_AUTHORIZATION=f"Bearer {key}"
                )
            else:
                response = call(client, operation.method, path, key, operation.body(ctx))
            want = expected(operation, persona, scope)
            got = response.status_code
            if want == "ok":
                assert got in operation.ok, (persona, scope, got, response.content[:300])
            else:
                assert got == want, (persona, scope, got, response.content[:300])
                assert response["Content-Type"] == "application/problem+json"


def test_every_operation_of_the_schema_has_a_row(client, ctx, keys):
    def unique(pairs):
        names = [name for name, _ in pairs]
        assert len(names) == len(set(names)), f"a key twice in the document: {names}"
        return dict(pairs)

    served_text = call(client, "get", "openapi.json", keys["owner", "read"]).content
    schema = json.loads(served_text, object_pairs_hook=unique)  # as strict as a YAML parser
    served = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    rows = {schema_key(o) for o in OPERATIONS}
    assert served == rows


def test_a_token_of_one_workspace_finds_nothing_of_another_its_member_belongs_to(
    client, ctx, other_workspace
):
    """A member of two workspaces: the token of the other one opens nothing here."""
    from studio.models import Membership

    owner = ctx["team"]["owner"]
    Membership.objects.create(workspace=other_workspace, user=owner, role="owner")
    key = _key(owner, other_workspace, "read", 999)
    assert call(client, "get", f"campaigns/{ctx['campaign'].pk}", key).status_code == 404
    assert call(client, "get", f"takes/{ctx['take'].pk}", key).status_code == 404
    assert call(client, "get", "takes", key).json()["items"] == []


def test_the_api_doc_shows_the_matrix_the_tests_use():
    from pathlib import Path

    from tests.api_access_matrix import table

    doc = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text()
    assert table() in doc, "docs/api.md is stale: paste `python -m tests.api_access_matrix`"
