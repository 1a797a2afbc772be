"""API tokens on the workspace's API page (made, shown once, limited to the maker's role,
revoked), the rate limit per token, and list operations whose query count does not grow."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studio.models import ApiToken, Membership, Role, Spot, TokenKind
from studio.production.deliverables import add_format
from tests.api_helpers import call, token_for
from tests.factories import make_campaign, make_shot, make_take

pytestmark = pytest.mark.django_db


def _key_on(page) -> str:
    found = re.search(r"rr_[0-9a-f]{8}_[A-Za-z0-9_-]+", page.content.decode())
    assert found, "the new key is on the page"
    return found.group(0)


def test_a_token_is_shown_once_and_kept_only_as_a_hash(client, team, workspace):
    client.force_login(team["editor"])
    made = client.post(
        f"/w/{workspace.slug}/api/tokens/",
        {"name": "Planning sync", "scopes": ["read", "generate"], "days": 30},
    )
    assert made.status_code == 200
    key = _key_on(made)
    token = ApiToken.objects.get()
    assert token.user == team["editor"] and token.scopes == ["read", "generate"]
    assert key not in str(ApiToken.objects.values_list().get())
    again = client.get(f"/w/{workspace.slug}/api/").content.decode()
    assert key not in again and token.prefix in again
    assert call(client, "get", "campaigns", key).status_code == 200


def test_a_personal_token_never_carries_more_than_its_members_role(client, team, workspace):
    client.force_login(team["reviewer"])
    page = client.post(
        f"/w/{workspace.slug}/api/tokens/", {"name": "Mine", "scopes": ["generate"], "days": 30}
    )
    assert page.status_code == 422 and "cannot use the scope generate" in page.content.decode()
    service = client.post(
        f"/w/{workspace.slug}/api/tokens/",
        {"name": "Bot", "scopes": ["read"], "days": 30, "kind": "service"},
    )
    assert not ApiToken.objects.filter(kind=TokenKind.SERVICE).exists()
    assert service.status_code == 200  # the field is not offered: a personal token is made


def test_a_service_token_outlives_its_maker_and_revoking_ends_its_account(
    client, team, workspace, campaign
):
    client.force_login(team["owner"])
    made = client.post(
        f"/w/{workspace.slug}/api/tokens/",
        {"name": "DAM sync", "scopes": ["read", "deliver"], "days": 30, "kind": "service"},
    )
    key = _key_on(made)
    token = ApiToken.objects.get()
    assert token.kind == TokenKind.SERVICE and token.user != team["owner"]
    assert Membership.objects.get(user=token.user).role == Role.EDITOR  # what deliver needs
    Membership.objects.filter(user=team["owner"]).update(role=Role.VIEWER)  # the maker steps down
    assert call(client, "get", f"campaigns/{campaign.pk}/delivery", key).status_code == 200
    Membership.objects.filter(user=team["owner"]).update(role=Role.OWNER)
    members = client.get(f"/w/{workspace.slug}/members/").content.decode()
    assert "DAM sync" in members and "the service account of an API token" in members
    client.post(f"/w/{workspace.slug}/api/tokens/{token.pk}/revoke/")
    assert call(client, "get", f"campaigns/{campaign.pk}", key).status_code == 401
    assert not Membership.objects.filter(user=token.user).exists()


def test_a_member_cannot_revoke_anothers_token(client, team, workspace):
    token_for(team["owner"], workspace)
    token = ApiToken.objects.get()
    client.force_login(team["editor"])
    assert client.post(f"/w/{workspace.slug}/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_opens_nothing(client, team, workspace):
    key = token_for(team["owner"], workspace)
    ApiToken.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert call(client, "get", "campaigns", key).status_code == 401


def test_a_token_over_its_rate_is_told_when_to_come_back(client, team, workspace, settings):
    settings.STUDIO_API_RATE = "3/m"
    key = token_for(team["owner"], workspace)
    other = token_for(team["editor"], workspace)
    answers = [call(client, "get", "campaigns", key) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert answers[-1]["Content-Type"] == "application/problem+json"
    assert call(client, "get", "campaigns", other).status_code == 200  # per token


@pytest.mark.parametrize(
    "path",
    ["campaigns", "takes", "campaigns/{campaign}/shots", "takes/{take}/decisions",
     "campaigns/{campaign}/spots"],
)  # fmt: skip
def test_lists_cost_the_same_queries_however_many_rows(client, team, workspace, path):
    key = token_for(team["owner"], workspace)
    campaign = make_campaign(workspace, name="Busy")
    shot = make_shot(campaign)
    take = make_take(shot)
    take.decisions.create(verdict="approved", reviewer=team["editor"])
    Spot.objects.create(
        campaign=campaign, format=add_format(campaign, "YouTube", "16:9"), signature="s"
    )

    def queries() -> int:
        url = path.format(campaign=campaign.pk, take=take.pk)
        with CaptureQueriesContext(connection) as seen:
            assert call(client, "get", url, key).status_code == 200
        return len(seen)

    call(client, "get", "campaigns", key)  # the token's last use written: not counted below
    few = queries()
    fmt = campaign.formats.get()
    for n in range(2, 30):
        make_campaign(workspace, name=f"C{n}")
        make_take(make_shot(campaign, title=f"S{n}"), take=1)
        take.decisions.create(verdict="approved", reviewer=team["owner"])
        Spot.objects.create(campaign=campaign, format=fmt, signature=f"s{n}")
    assert queries() == few
