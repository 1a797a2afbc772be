"""The company's sign-in (issue 39, points 1–2), against a real OpenID provider started by the
test on 127.0.0.1 (tests/oidc_server.py): the authorisation-code flow with PKCE, the state and
the nonce checked, just-in-time accounts, roles from the groups claim (and following them at
every sign-in), no group no access, forged and expired ID tokens refused, SSO-only mode with a
break-glass owner, and all of it in the audit log."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from studio.models import AuditEntry, Membership, Role, Workspace
from tests.factories import PASSWORD
from tests.oidc_server import (
    EDITORS,
    OWNERS,
    REVIEWERS,
    OIDCProvider,
    TokenTamperer,
    expired,
    forged,
    other_nonce,
    sign_in,
    walk_provider,
)

CALLBACK = "http://testserver/sso/company/login/callback/"
PEOPLE = {
    "dana": {"email": "dana@acme.example", "name": "Dana Lee", "preferred_username": "dana",
             "groups": [REVIEWERS, "everyone"]},
    "olu": {"email": "olu@acme.example", "name": "Olu Ade", "preferred_username": "olu",
            "groups": [OWNERS, REVIEWERS]},
    "sam": {"email": "sam@acme.example", "name": "Sam", "preferred_username": "sam",
            "groups": ["marketing"]},
}  # fmt: skip


@pytest.fixture
def oidc(tmp_path, settings, workspace):
    provider = OIDCProvider(tmp_path, [CALLBACK], {k: dict(v) for k, v in PEOPLE.items()})
    provider.start()
    provider.settings(settings)
    yield provider
    provider.stop()


def role_in(workspace, username):
    return (
        Membership.objects.filter(workspace=workspace, user__username=username)
        .values_list("role", flat=True)
        .first()
    )


def test_the_login_page_offers_the_company_sign_in(client, oidc):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Acme SSO" in page and 'action="/sso/company/login/"' in page


def test_a_first_sign_in_makes_the_person_with_the_role_their_groups_give(client, oidc, workspace):
    response = sign_in(client, "dana")
    assert response.status_code == 302 and response["Location"] == "/"
    dana = get_user_model().objects.get(username="dana")
    assert dana.email == "dana@acme.example" and not dana.has_usable_password()
    assert role_in(workspace, "dana") == Role.REVIEWER
    assert client.get("/").status_code == 200  # signed in, in the provider's workspace
    entry = AuditEntry.objects.get(action="sso.sign_in")
    assert entry.actor == "dana" and entry.workspace_id == workspace.pk


def test_the_request_carries_pkce_state_and_nonce(client, oidc):
    from urllib.parse import parse_qs, urlsplit

    started = client.post("/sso/company/login/")
    query = parse_qs(urlsplit(started["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 12 and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == [CALLBACK]


def test_the_highest_group_wins_and_roles_follow_the_groups_at_every_sign_in(
    client,
    oidc,
    workspace,
    alice,  # another owner: the workspace keeps one when olu goes
):
    sign_in(client, "olu")
    assert role_in(workspace, "olu") == Role.OWNER
    client.logout()
    oidc.set_groups("olu", [EDITORS])  # taken out of the owners' group
    sign_in(client, "olu")
    assert role_in(workspace, "olu") == Role.EDITOR
    change = AuditEntry.objects.get(action="member.role_changed")
    assert change.changes == {"role": ["owner", "editor"]}


def test_no_group_no_access_and_a_removed_group_takes_the_access_away(client, oidc, workspace):
    refused = sign_in(client, "sam")
    assert refused.status_code == 403
    assert "None of your groups gives access" in refused.content.decode()
    assert not Membership.objects.filter(user__username="sam").exists()
    assert client.get("/").status_code == 302  # not signed in
    sign_in(client, "dana")
    client.logout()
    oidc.set_groups("dana", ["everyone"])
    assert sign_in(client, "dana").status_code == 403
    assert role_in(workspace, "dana") is None
    assert AuditEntry.objects.filter(action="sso.refused").count() == 2


def test_a_member_with_the_same_verified_e_mail_signs_in_as_themselves(client, oidc, workspace):
    from tests.factories import make_user

    local = make_user("dana-local")
    local.email = "dana@acme.example"
    local.save()
    Membership.objects.create(workspace=workspace, user=local, role=Role.EDITOR)
    sign_in(client, "dana")
    assert get_user_model().objects.filter(email="dana@acme.example").count() == 1
    assert role_in(workspace, "dana-local") == Role.REVIEWER  # the groups decide now


def test_a_wrong_or_missing_state_is_refused(client, oidc):
    started = client.post("/sso/company/login/")
    callback = walk_provider(started["Location"], "dana", "http://testserver")
    forged_state = callback.replace("state=", "state=x")
    response = client.get(forged_state.removeprefix("http://testserver"))
    assert response.status_code == 401
    assert not get_user_model().objects.filter(username="dana").exists()


@pytest.mark.parametrize("attack", [forged, expired, other_nonce])
def test_a_forged_expired_or_replayed_id_token_is_refused(client, oidc, settings, attack):
    tamperer = TokenTamperer(oidc, attack(oidc)).start()
    try:
        oidc.settings(settings, openid_configuration_overrides={
            "token_endpoint": tamperer.token_endpoint()
        })  # fmt: skip
        response = sign_in(client, "dana")
    finally:
        tamperer.stop()
    assert tamperer.exchanged == 1  # the attack was delivered
    assert response.status_code == 401
    assert "could not" in response.content.decode() or "failed" in response.content.decode()
    assert not get_user_model().objects.filter(username="dana").exists()
    assert client.get("/").status_code == 302


def test_sso_only_turns_passwords_off_but_for_the_break_glass_owner(
    client, oidc, settings, alice, ed
):
    settings.STUDIO_SSO_ONLY = True
    settings.STUDIO_SSO_BREAK_GLASS = "alice"
    refused = client.post(reverse("login"), {"username": "ed", "password": PASSWORD})
    assert refused.status_code == 200 and "Passwords are off" in refused.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="sign_in.refused", target="ed").exists()
    page = client.get(reverse("login")).content.decode()
    assert "break-glass account only" in page
    assert (
        client.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code
        == 302
    )
    assert client.get("/").status_code == 200


def test_failed_sign_ins_still_lock_out(client, oidc, settings, alice):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert locked.status_code in (403, 429)


def test_without_a_provider_there_is_no_company_sign_in(client, db):
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    assert client.post("/sso/company/login/").status_code == 404
    assert not Workspace.objects.exists()


def test_a_provider_that_does_not_answer_is_said_plainly(client, oidc):
    oidc.stop()
    response = client.post("/sso/company/login/")
    assert response.status_code == 503 and "is not answering" in response.content.decode()


def test_sso_only_makes_no_password_account_from_an_invitation(client, oidc, settings, alice):
    from studio.models import Invitation

    settings.STUDIO_SSO_ONLY, settings.STUDIO_SSO_BREAK_GLASS = True, "alice"
    invitation = Invitation.open(
        alice.memberships.get().workspace, "new@acme.example", "editor", alice
    )
    url = reverse("studio:invitation_accept", args=[invitation.token])
    page = client.get(url).content.decode()
    assert "Sign in with your company's account first" in page and "password1" not in page
    data = {"username": "newbie", "password1": "a long pass 123!", "password2": "a long pass 123!"}
    assert client.post(url, data).status_code == 403
    assert not get_user_model().objects.filter(username="newbie").exists()
