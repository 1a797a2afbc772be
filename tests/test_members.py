from __future__ import annotations

from django.urls import reverse

from studio.models import Membership, Role
from tests.conftest import make_user


def members_url(workspace):
    return reverse("member_list", args=[workspace.slug])


def test_it_lists_members(client, team, workspace):
    client.force_login(team["viewer"])
    html = client.get(members_url(workspace)).content.decode()
    assert all(name in html for name in ("alice", "ed", "rita", "vic"))
    assert "charlie" not in html
    assert "Add a member" not in html


def test_owner_adds_by_username_or_email(client, alice, workspace):
    make_user("dora")
    make_user("finn")
    client.force_login(alice)
    client.post(
        reverse("member_add", args=[workspace.slug]), {"identifier": "dora", "role": "editor"}
    )
    client.post(
        reverse("member_add", args=[workspace.slug]),
        {"identifier": "FINN@example.com", "role": "reviewer"},
    )
    roles = dict(workspace.memberships.values_list("user__username", "role"))
    assert roles["dora"] == Role.EDITOR and roles["finn"] == Role.REVIEWER


def test_adding_an_unknown_or_existing_member_says_why(client, alice, ed, workspace):
    client.force_login(alice)
    url = reverse("member_add", args=[workspace.slug])
    response = client.post(url, {"identifier": "nobody", "role": "editor"})
    assert response.status_code == 422
    assert "No account has that username or e-mail" in response.content.decode()
    assert 'value="nobody"' in response.content.decode()
    response = client.post(url, {"identifier": "ed", "role": "editor"})
    assert "ed is already a member." in response.content.decode()


def test_owner_changes_a_role(client, alice, ed, workspace):
    membership = Membership.objects.get(user=ed)
    client.force_login(alice)
    client.post(reverse("member_role", args=[workspace.slug, membership.pk]), {"role": "viewer"})
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_the_last_owner_cannot_be_demoted_or_removed(client, alice, ed, workspace):
    own = Membership.objects.get(user=alice)
    client.force_login(alice)
    response = client.post(
        reverse("member_role", args=[workspace.slug, own.pk]), {"role": "editor"}, follow=True
    )
    assert "at least one owner" in response.content.decode()
    response = client.post(reverse("member_remove", args=[workspace.slug, own.pk]), follow=True)
    assert "last owner cannot be removed" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.OWNER


def test_an_owner_can_step_down_once_another_owner_exists(client, alice, ed, workspace):
    Membership.objects.filter(user=ed).update(role=Role.OWNER)
    own = Membership.objects.get(user=alice)
    client.force_login(alice)
    client.post(reverse("member_role", args=[workspace.slug, own.pk]), {"role": "editor"})
    own.refresh_from_db()
    assert own.role == Role.EDITOR


def test_owner_removes_a_member(client, alice, rita, workspace):
    membership = Membership.objects.get(user=rita)
    client.force_login(alice)
    client.post(reverse("member_remove", args=[workspace.slug, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_membership_of_another_workspace_is_not_found(client, alice, charlie, workspace):
    foreign = Membership.objects.get(user=charlie)
    client.force_login(alice)
    response = client.post(reverse("member_remove", args=[workspace.slug, foreign.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_the_switcher_changes_the_current_workspace(client, alice, workspace, other_workspace):
    from tests.conftest import make_campaign

    Membership.objects.create(workspace=other_workspace, user=alice, role=Role.VIEWER)
    make_campaign(workspace, name="In first")
    make_campaign(other_workspace, name="In second")
    client.force_login(alice)
    first = client.get(reverse("dashboard")).content.decode()
    assert 'id="workspace-switch"' in first
    shown_first = "In first" in first
    client.post(
        reverse("workspace_switch"),
        {"workspace": other_workspace.pk if shown_first else workspace.pk},
    )
    second = client.get(reverse("dashboard")).content.decode()
    assert ("In first" in second) != shown_first


def test_the_switcher_hides_foreign_workspaces(client, alice, other_workspace):
    client.force_login(alice)
    response = client.post(reverse("workspace_switch"), {"workspace": other_workspace.pk})
    assert response.status_code == 404
    assert client.post(reverse("workspace_switch"), {"workspace": "x"}).status_code == 404
    assert client.get(reverse("workspace_switch")).status_code == 405
