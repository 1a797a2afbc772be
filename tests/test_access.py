"""Every view × every role: allowed, 403 for a role that may read but not write, 404 for an
outsider, 405 for a wrong method, CSRF enforced, login required."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from studio.models import (
    Membership,
)
from studio.team.access import ACTIONS, can
from tests.access_matrix import (
    ENDPOINTS,
    NAMESPACES_COVERED_BY_ONE_ROW,
    PERSONAS,
    POST_ONLY,
    READ_ONLY,
    ROLES,
    SPECIAL,
    all_rows,
    expected,
    named_urls,
    table,
)
from tests.factories import make_user


def served(response) -> None:
    """Close the response as a server does once the body is sent (a download frees its slot),
    without Django's end-of-request hook closing the test's database connection (on
    PostgreSQL that ends the test's transaction: the test client does the same)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _call(client, endpoint, ctx):
    url = reverse(endpoint.name, kwargs=endpoint.kwargs(ctx))
    response = getattr(client, endpoint.method)(url, endpoint.data(ctx))
    served(response)
    return response


@pytest.mark.parametrize("role", ROLES + ["outsider"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{e.method}-{e.name}" for e in ENDPOINTS])
def test_it_allows_forbids_or_hides(client, ctx, endpoint, role):
    client.force_login(ctx["team"][role])
    response = _call(client, endpoint, ctx)
    if role == "outsider":
        assert response.status_code == 404
    elif can(role, endpoint.action):
        assert response.status_code in endpoint.ok
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{e.method}-{e.name}" for e in ENDPOINTS])
def test_it_requires_login(client, ctx, endpoint):
    response = _call(client, endpoint, ctx)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", POST_ONLY)
def test_it_refuses_get_on_post_only_views(client, ctx, name):
    endpoint = next(e for e in ENDPOINTS if e.name == name)
    client.force_login(ctx["team"]["owner"])
    response = client.get(reverse(name, kwargs=endpoint.kwargs(ctx)))
    assert response.status_code == 405


@pytest.mark.parametrize("name", READ_ONLY)
def test_it_refuses_post_on_read_only_views(client, ctx, name):
    endpoint = next(e for e in ENDPOINTS if e.name == name)
    client.force_login(ctx["team"]["owner"])
    response = client.post(reverse(name, kwargs=endpoint.kwargs(ctx)))
    assert response.status_code == 405


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if e.method == "post"],
    ids=[e.name for e in ENDPOINTS if e.method == "post"],
)
def test_it_enforces_csrf(ctx, endpoint):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ctx["team"]["owner"])
    before = (
        ctx["campaign"].shots.count(),
        Membership.objects.count(),
        Membership.objects.get(pk=ctx["target"].pk).role,
    )
    response = _call(client, endpoint, ctx)
    assert response.status_code == 403
    assert b"CSRF" in response.content
    after = (
        ctx["campaign"].shots.count(),
        Membership.objects.count(),
        Membership.objects.get(pk=ctx["target"].pk).role,
    )
    assert before == after


def test_campaign_create_needs_an_editor(client, team):
    for role, status in [("owner", 302), ("editor", 302), ("reviewer", 403), ("viewer", 403)]:
        client.force_login(team[role])
        response = client.post(
            reverse("studio:campaign_create"), {"name": f"By {role}", "status": "planning"}
        )
        assert response.status_code == status, role


def test_campaign_create_get_and_405(client, team):
    client.force_login(team["editor"])
    assert client.get(reverse("studio:campaign_create")).status_code == 200
    assert client.put(reverse("studio:campaign_create")).status_code == 405
    client.force_login(team["viewer"])
    assert client.get(reverse("studio:campaign_create")).status_code == 403


@pytest.fixture
def personas(ctx):
    """A client per persona, logged in where the persona has an account."""
    clients = {}
    staff = make_user("olga", is_staff=True)
    for persona in PERSONAS:
        client = Client()
        user = {"outsider": ctx["team"]["outsider"], "staff": staff}.get(
            persona, ctx["team"].get(persona)
        )
        if user is not None:
            client.force_login(user)
        clients[persona] = client
    return clients


def test_every_named_url_has_a_row_in_the_matrix():
    covered = {row.name for row in all_rows()}
    missing = [
        name
        for name in named_urls()
        if name not in covered and name.split(":")[0] not in NAMESPACES_COVERED_BY_ONE_ROW
    ]
    assert missing == [], f"named URLs without a row in tests/access_matrix.py: {missing}"


@pytest.mark.parametrize("row", SPECIAL, ids=[f"{r.method}-{r.name}" for r in SPECIAL])
def test_urls_outside_the_role_rules_answer_each_persona_as_the_matrix_says(ctx, personas, row):
    for persona in PERSONAS:
        url = reverse(row.name, kwargs=row.kwargs(ctx, persona))
        response = getattr(personas[persona], row.method)(url, row.data(ctx))
        served(response)
        want = expected(row, persona)
        if want == "ok":
            assert response.status_code in row.ok, (persona, response.status_code)
        elif want in ("login", "admin-login"):
            login = "/admin/login/" if want == "admin-login" else reverse("login")
            assert response.status_code == 302, (persona, response.status_code)
            assert response["Location"].startswith(login), persona
        else:
            assert response.status_code == want, (persona, response.status_code)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{e.method}-{e.name}" for e in ENDPOINTS])
def test_staff_and_guests_are_outsiders_to_workspaces(ctx, personas, endpoint):
    url = reverse(endpoint.name, kwargs=endpoint.kwargs(ctx))
    assert getattr(personas["staff"], endpoint.method)(url, endpoint.data(ctx)).status_code == 404
    guest = getattr(personas["guest"], endpoint.method)(url, endpoint.data(ctx))
    assert guest.status_code == 302 and guest["Location"].startswith(reverse("login"))


def test_the_security_doc_shows_the_matrix_the_tests_use():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "security.md").read_text()
    assert table() in doc, "docs/security.md is stale: paste `python -m tests.access_matrix`"


def test_every_action_has_a_least_role():
    assert set(ACTIONS) >= {"view", "edit_shot", "generate", "decide", "manage_members"}
    assert can("owner", "manage_members") and not can("editor", "manage_members")
    assert can("reviewer", "decide") and not can("viewer", "decide")
    assert not can(None, "view")


def test_every_url_declares_its_methods(ctx, personas):
    """No view of ours answers a method it did not declare: PUT and DELETE get 405 everywhere
    (Django's own admin index is not ours and answers any method with its page)."""
    for row in all_rows():
        if row.name.startswith("admin:"):
            continue
        special = isinstance(row, type(SPECIAL[0]))
        url = reverse(row.name, kwargs=row.kwargs(ctx, "owner") if special else row.kwargs(ctx))
        persona = "staff" if row.name.startswith(("admin:", "provider_")) else "owner"
        client = personas["anonymous" if row.name == "login" else persona]
        for method in ("put", "delete"):
            assert getattr(client, method)(url).status_code == 405, (method, row.name)
