from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from studio.models import Invitation, Membership, Role
from tests.factories import make_user


def members_url(workspace):
    return reverse("studio:member_list", args=[workspace.slug])


def test_it_lists_members(client, team, workspace):
    client.force_login(team["viewer"])
    html = client.get(members_url(workspace)).content.decode()
    assert all(name in html for name in ("alice", "ed", "rita", "vic"))
    assert "charlie" not in html
    assert "Invite a member" not in html


def invite(client, workspace, email, role, capture):
    with capture(execute=True):
        return client.post(
            reverse("studio:member_add", args=[workspace.slug]), {"email": email, "role": role}
        )


def accept_url(message) -> str:
    (url,) = re.findall(r"http\S+/invite/\S+/", message.body)
    return urlsplit(url).path


def test_adding_by_email_sends_an_invitation_and_membership_waits_for_consent(
    client, alice, workspace, django_capture_on_commit_callbacks
):
    dora = make_user("dora")
    client.force_login(alice)
    response = invite(
        client, workspace, "DORA@example.com", "editor", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=dora).exists()  # nothing without consent
    (message,) = mail.outbox
    assert (
        message.to == ["DORA@example.com"] and "invites you to Northwind Coffee" in message.subject
    )
    url = accept_url(message)
    invitation = Invitation.objects.get()
    assert invitation.nonce not in url  # the token is an HMAC, not a stored value
    assert "dora@example.com" in client.get(members_url(workspace)).content.decode().lower()

    client.force_login(dora)
    page = client.get(url)
    assert page.status_code == 200 and "Join as dora" in page.content.decode()
    assert client.post(url).status_code == 302
    assert Membership.objects.get(user=dora, workspace=workspace).role == Role.EDITOR
    # Single use.
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_a_newcomer_makes_an_account_from_the_invitation(
    client, alice, workspace, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    invite(client, workspace, "newbie@example.com", "reviewer", django_capture_on_commit_callbacks)
    url = accept_url(mail.outbox[0])
    client.logout()
    weak = client.post(url, {"username": "newbie", "password1": "123", "password2": "123"})
    assert weak.status_code == 422 and 'value="newbie"' in weak.content.decode()
    assert not Membership.objects.filter(user__username="newbie").exists()
    strong = "a long and unusual passphrase 42"
    response = client.post(url, {"username": "newbie", "password1": strong, "password2": strong})
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="newbie")
    assert membership.role == Role.REVIEWER and membership.user.email == "newbie@example.com"
    assert client.get(reverse("studio:dashboard")).status_code == 200  # logged in


def test_expired_cancelled_and_forged_invitations_are_not_found(
    client, alice, workspace, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    invite(client, workspace, "late@example.com", "viewer", django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    url = accept_url(mail.outbox[0])
    forged = url.replace(invitation.token, f"{invitation.pk}-{'0' * 64}")
    assert client.get(forged).status_code == 404
    assert client.get("/invite/not-a-token/").status_code == 404
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    assert client.get(url).status_code == 404
    invite(client, workspace, "gone@example.com", "viewer", django_capture_on_commit_callbacks)
    second = Invitation.objects.get(email="gone@example.com")
    client.post(reverse("studio:invitation_cancel", args=[workspace.slug, second.pk]))
    assert client.get(accept_url(mail.outbox[-1])).status_code == 404


def test_inviting_a_member_or_a_bad_address_says_why(client, alice, ed, workspace):
    client.force_login(alice)
    url = reverse("studio:member_add", args=[workspace.slug])
    response = client.post(url, {"email": "not an address", "role": "editor"})
    assert response.status_code == 422 and 'value="not an address"' in response.content.decode()
    response = client.post(url, {"email": "ed@example.com", "role": "editor"})
    assert "already a member" in response.content.decode()
    assert not Invitation.objects.exists()


def test_owner_changes_a_role(client, alice, ed, workspace):
    membership = Membership.objects.get(user=ed)
    client.force_login(alice)
    client.post(
        reverse("studio:member_role", args=[workspace.slug, membership.pk]), {"role": "viewer"}
    )
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_the_last_owner_cannot_be_demoted_or_removed(client, alice, ed, workspace):
    own = Membership.objects.get(user=alice)
    client.force_login(alice)
    response = client.post(
        reverse("studio:member_role", args=[workspace.slug, own.pk]),
        {"role": "editor"},
        follow=True,
    )
    assert "at least one owner" in response.content.decode()
    response = client.post(
        reverse("studio:member_remove", args=[workspace.slug, own.pk]), follow=True
    )
    assert "last owner cannot be removed" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.OWNER


def test_an_owner_can_step_down_once_another_owner_exists(client, alice, ed, workspace):
    Membership.objects.filter(user=ed).update(role=Role.OWNER)
    own = Membership.objects.get(user=alice)
    client.force_login(alice)
    client.post(reverse("studio:member_role", args=[workspace.slug, own.pk]), {"role": "editor"})
    own.refresh_from_db()
    assert own.role == Role.EDITOR


def test_owner_removes_a_member(client, alice, rita, workspace):
    membership = Membership.objects.get(user=rita)
    client.force_login(alice)
    client.post(reverse("studio:member_remove", args=[workspace.slug, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_membership_of_another_workspace_is_not_found(client, alice, charlie, workspace):
    foreign = Membership.objects.get(user=charlie)
    client.force_login(alice)
    response = client.post(reverse("studio:member_remove", args=[workspace.slug, foreign.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_the_switcher_changes_the_current_workspace(client, alice, workspace, other_workspace):
    from tests.factories import make_campaign

    Membership.objects.create(workspace=other_workspace, user=alice, role=Role.VIEWER)
    make_campaign(workspace, name="In first")
    make_campaign(other_workspace, name="In second")
    client.force_login(alice)
    first = client.get(reverse("studio:dashboard")).content.decode()
    assert 'id="workspace-switch"' in first
    shown_first = "In first" in first
    client.post(
        reverse("studio:workspace_switch"),
        {"workspace": other_workspace.pk if shown_first else workspace.pk},
    )
    second = client.get(reverse("studio:dashboard")).content.decode()
    assert ("In first" in second) != shown_first


def test_the_switcher_hides_foreign_workspaces(client, alice, other_workspace):
    client.force_login(alice)
    response = client.post(reverse("studio:workspace_switch"), {"workspace": other_workspace.pk})
    assert response.status_code == 404
    assert client.post(reverse("studio:workspace_switch"), {"workspace": "x"}).status_code == 404
    assert client.get(reverse("studio:workspace_switch")).status_code == 405
