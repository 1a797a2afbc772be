"""The API's operations through HTTP with a token: what they make, what they refuse."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generation.models import Render
from studio.models import ApiToken, AuditEntry, Campaign, Shot
from studio.team import tokens
from tests.api_helpers import call, token_for
from tests.factories import make_take, zip_of
from tests.pipeline import settle

pytestmark = pytest.mark.django_db


def test_a_campaign_is_made_read_and_changed(client, team, workspace):
    key = token_for(team["owner"], workspace)
    made = call(client, "post", "campaigns", key, {"name": "Autumn", "brief": "Warm drinks."})
    assert made.status_code == 201, made.content
    campaign = Campaign.objects.get(pk=made.json()["id"])
    assert campaign.workspace == workspace and campaign.brief == "Warm drinks."
    changed = call(client, "patch", f"campaigns/{campaign.pk}", key, {"budget": "12.50"})
    assert changed.status_code == 200, changed.content
    campaign.refresh_from_db()
    assert campaign.budget == Decimal("12.50") and campaign.name == "Autumn"
    listed = call(client, "get", "campaigns", key).json()
    assert [c["id"] for c in listed["items"]] == [campaign.pk]


def test_errors_are_problem_documents_with_field_errors(client, team, workspace):
    key = token_for(team["owner"], workspace)
    bad = call(client, "post", "campaigns", key, {"name": "x" * 500})
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    problem = bad.json()
    assert problem["status"] == 422 and problem["title"]
    assert any(e["field"] == "name" for e in problem["errors"])
    missing = call(client, "get", "campaigns", None)
    assert missing.status_code == 401 and missing["WWW-Authenticate"] == "Bearer"


def test_takes_with_one_idempotency_key_are_made_once(client, team, workspace, campaign, shot):
    key = token_for(team["editor"], workspace)
    path = f"campaigns/{campaign.pk}/shots/{shot.pk}/takes"
    first = call(client, "post", path, key, {"variations": 2}, HTTP_IDEMPOTENCY_KEY="run-1")
    again = call(client, "post", path, key, {"variations": 2}, HTTP_IDEMPOTENCY_KEY="run-1")
    assert first.status_code == 201, first.content
    assert [t["id"] for t in first.json()["items"]] == [t["id"] for t in again.json()["items"]]
    assert Render.objects.filter(shot=shot).count() == 2


def test_a_reviewer_cannot_request_takes_and_an_outsider_sees_nothing(
    client, team, workspace, other_workspace, campaign, shot
):
    reviewer = token_for(team["reviewer"], workspace)
    path = f"campaigns/{campaign.pk}/shots/{shot.pk}/takes"
    assert call(client, "post", path, reviewer, {"variations": 1}).status_code == 403
    outsider = token_for(team["outsider"], other_workspace)
    assert call(client, "get", f"campaigns/{campaign.pk}", outsider).status_code == 404
    assert not Render.objects.exists()


def test_a_token_without_the_scope_is_refused(client, team, workspace, campaign, shot):
    key = token_for(team["owner"], workspace, scopes=["read"])
    path = f"campaigns/{campaign.pk}/shots/{shot.pk}/takes"
    refused = call(client, "post", path, key, {"variations": 1})
    assert refused.status_code == 403 and "generate" in refused.json()["detail"]


def test_tokens_are_stored_hashed_expire_and_are_revoked(client, team, workspace):
    key = token_for(team["owner"], workspace)
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix) and token.key_hash == ApiToken.hash(key)
    assert call(client, "get", "campaigns", key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEntry.objects.filter(action="api.call", changes__token=token.prefix).exists()
    tokens.revoke(token)
    assert call(client, "get", "campaigns", key).status_code == 401


def test_lists_are_cursor_pages_in_a_stable_order(client, team, workspace, shot):
    key = token_for(team["owner"], workspace)
    for n in range(1, 8):
        make_take(shot, take=n)
    seen, cursor = [], None
    while True:
        page = call(client, "get", f"takes?limit=3{'&cursor=' + cursor if cursor else ''}", key)
        assert page.status_code == 200
        seen += [t["id"] for t in page.json()["items"]]
        cursor = page.json()["next"]
        if not cursor:
            break
    assert seen == sorted(Render.objects.values_list("pk", flat=True), reverse=True)
    bad = call(client, "get", "takes?cursor=bm9wZQ", key)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


def test_shots_are_added_changed_and_ordered(client, team, workspace, campaign, shot):
    key = token_for(team["editor"], workspace)
    added = call(client, "post", f"campaigns/{campaign.pk}/shots", key, {"title": "Close"})
    assert added.status_code == 201, added.content
    new = added.json()["id"]
    changed = call(
        client, "patch", f"campaigns/{campaign.pk}/shots/{new}", key,
        {"scene": "Steam over a cup", "camera_movement": "slow push in", "beats": ["Pour"]},
    )  # fmt: skip
    assert changed.status_code == 200, changed.content
    prompt = Shot.objects.get(pk=new).prompt
    assert prompt["scene"] == "Steam over a cup"
    assert prompt["camera"]["movement"] == "slow push in"
    order = call(
        client, "put", f"campaigns/{campaign.pk}/shot-order", key, {"shots": [new, shot.pk]}
    )
    assert order.status_code == 200, order.content
    assert list(Shot.objects.order_by("position").values_list("pk", flat=True)) == [new, shot.pk]
    wrong = call(client, "put", f"campaigns/{campaign.pk}/shot-order", key, {"shots": [new]})
    assert wrong.status_code == 409


def test_a_plan_is_drafted_from_a_brief_and_made(client, team, workspace, campaign):
    key = token_for(team["editor"], workspace)
    settings_ = {"brief": "Cold brew for commuters, bright morning.", "product": "Nitro can"}
    draft = call(client, "post", f"campaigns/{campaign.pk}/plans/draft", key, settings_)
    assert draft.status_code == 200, draft.content
    rows = draft.json()["rows"]
    assert rows and all(r["scene"] for r in rows)
    made = call(
        client, "post", f"campaigns/{campaign.pk}/plans", key, {**settings_, "rows": rows},
        HTTP_IDEMPOTENCY_KEY="plan-1",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    assert Shot.objects.filter(campaign=campaign).count() == len(rows)
    again = call(
        client, "post", f"campaigns/{campaign.pk}/plans", key, {**settings_, "rows": rows},
        HTTP_IDEMPOTENCY_KEY="plan-1",
    )  # fmt: skip
    assert again.status_code == 409
    assert Shot.objects.filter(campaign=campaign).count() == len(rows)


def test_the_docs_walk_from_brief_to_delivered_spot(
    client, team, workspace, django_capture_on_commit_callbacks
):
    """docs/api.md's curl walk-through, call by call: a campaign, a plan made into shots with a
    take each (rendered by the animatic), the takes approved, the spot made and approved, the
    signed package downloaded."""
    key = token_for(team["owner"], workspace)
    capture = django_capture_on_commit_callbacks
    brief = {"brief": "Commuters grab a can of Nitro cold brew on a bright morning.",
             "product": "Nitro can", "target": 8}  # fmt: skip
    new = {"name": "Cold brew launch", "brief": brief["brief"], "product": brief["product"]}
    made = call(client, "post", "campaigns", key, {**new, "channels": ["youtube-in-stream"]})
    assert made.status_code == 201, made.content
    campaign = made.json()["id"]
    draft = call(client, "post", f"campaigns/{campaign}/plans/draft", key, brief).json()
    with capture(execute=True):
        plan = call(
            client, "post", f"campaigns/{campaign}/plans", key,
            {**brief, "rows": draft["rows"], "generate": True}, HTTP_IDEMPOTENCY_KEY="plan-1",
        )  # fmt: skip
    assert plan.status_code == 201, plan.content
    takes = settle(
        capture, list(Render.objects.filter(pk__in=[t["id"] for t in plan.json()["takes"]]))
    )
    assert takes and all(t.status == "completed" for t in takes)
    done = call(client, "get", f"takes?campaign_id={campaign}&status=completed", key).json()
    assert {t["id"] for t in done["items"]} == {t.pk for t in takes}
    for take in takes:
        with capture(execute=True):
            decided = call(
                client, "post", f"takes/{take.pk}/decisions", key, {"verdict": "approved"}
            )
        assert decided.status_code == 201, decided.content
    with capture(execute=True):
        spots = call(client, "post", f"campaigns/{campaign}/spots", key, {})
    assert spots.status_code == 202 and spots.json()["problems"] == [], spots.content
    (spot,) = spots.json()["spots"]
    shown = call(client, "get", f"campaigns/{campaign}/spots/{spot['id']}", key).json()
    assert shown["status"] == "completed", shown
    with capture(execute=True):
        approved = call(
            client, "post", f"campaigns/{campaign}/spots/{spot['id']}/decisions", key,
            {"verdict": "approved"},
        )  # fmt: skip
    assert approved.status_code == 201, approved.content
    with capture(execute=True):
        ready = call(client, "get", f"campaigns/{campaign}/delivery", key).json()
    ready = call(client, "get", f"campaigns/{campaign}/delivery", key).json()
    assert ready["download_url"], ready
    package = call(client, "get", ready["download_url"].removeprefix("/api/v1/"), key)
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"
    names = zip_of(package).namelist()
    assert any(n.endswith(".mp4") for n in names) and any("manifest" in n for n in names)


def test_the_reference_page_and_document_are_for_members_and_tokens(client, team, workspace):
    assert client.get("/api/v1/docs")["Location"].startswith("/login/")
    assert client.get("/api/v1/openapi.json").status_code == 302
    key = token_for(team["viewer"], workspace, scopes=["read"])
    document = call(client, "get", "openapi.json", key)
    assert document.status_code == 200 and document.json()["openapi"].startswith("3.1")
    client.force_login(team["viewer"])
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"swagger-ui" in page.content
    assert b"https://" not in page.content  # served by the studio itself, no CDN


def test_a_reference_image_is_checked_by_its_content(client, team, workspace, campaign, shot):
    from tests.images import bomb_bytes, upload

    key = token_for(team["editor"], workspace)
    url = f"/api/v1/campaigns/{campaign.pk}/shots/{shot.pk}/reference"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    for bad in (upload(data=b"<svg onload=alert(1)>"), upload(data=bomb_bytes())):
        refused = client.post(url, {"image": bad}, **auth)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "image"
    shot.refresh_from_db()
    assert not shot.reference_image
    taken = client.post(url, {"image": upload(size=(640, 480))}, **auth)
    assert taken.status_code == 200 and taken.json()["reference_image"] is True
