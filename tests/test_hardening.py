"""Holes found by trying the studio as an attacker and as a careless user: each test failed
before its fix."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from studio.models import CampaignStatus, Comment
from tests.factories import PASSWORD, guest, make_take

# --------------------------------------------------------------------------- logins


@pytest.mark.parametrize("login_url", ["/login/", "/admin/login/"])
def test_logins_lock_out_after_repeated_failures(login_url, alice, settings):
    alice.is_staff = True
    alice.save()
    settings.AXES_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(3):
        client.post(login_url, {"username": "alice", "password": "wrong"})
    locked = client.post(login_url, {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out of the same account.
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    # An operator unlocks by clearing the attempts (the admin's Access attempts, or axes_reset).
    assert AccessAttempt.objects.filter(username="alice").exists()
    AccessAttempt.objects.all().delete()
    assert client.post(login_url, {"username": "alice", "password": PASSWORD}).status_code == 302


def test_the_admin_lists_access_attempts_for_unlocking(client, db):
    from tests.factories import make_user

    admin = make_user("root", is_staff=True, is_superuser=True)
    Client(REMOTE_ADDR="203.0.113.5").post("/login/", {"username": "vic", "password": "x"})
    client.force_login(admin)
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "vic" in page.content.decode()


# --------------------------------------------------------------------------- redirects


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com",
        "javascript:x",
        "nan",
    ],
)
def test_next_never_leaves_the_site(client, ed, shot, target):
    take = make_take(shot)
    client.force_login(ed)
    response = client.post(reverse("studio:take_hero", args=[take.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == f"/takes/{take.pk}/"


def test_next_on_the_site_is_followed(client, ed, shot):
    take = make_take(shot)
    client.force_login(ed)
    response = client.post(
        reverse("studio:take_hero", args=[take.pk]), {"next": shot.get_absolute_url()}
    )
    assert response["Location"] == shot.get_absolute_url()


# --------------------------------------------------------------------------- archive


def test_an_editor_cannot_unarchive_through_the_edit_form(client, ed, alice, campaign):
    campaign.archive()
    client.force_login(ed)
    response = client.post(
        reverse("studio:campaign_edit", args=[campaign.pk]), {"name": "Back!", "status": "planning"}
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Back!" and campaign.status == CampaignStatus.ARCHIVED
    # The owner's verb does it.
    assert client.post(reverse("studio:campaign_archive", args=[campaign.pk])).status_code == 403
    client.force_login(alice)
    client.post(reverse("studio:campaign_archive", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status != CampaignStatus.ARCHIVED


def test_an_editor_cannot_archive_through_the_edit_form(client, ed, campaign):
    client.force_login(ed)
    response = client.post(
        reverse("studio:campaign_edit", args=[campaign.pk]), {"name": "X", "status": "archived"}
    )
    assert response.status_code == 302  # the status is the owner's to set: ignored
    campaign.refresh_from_db()
    assert campaign.name == "X" and campaign.status != CampaignStatus.ARCHIVED


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "timecode", ["nan", "inf", "-inf", "1e308", "-0", "99:99:99", "1:99", "0x10", "٣", "1_000"]
)
def test_strange_timecodes_are_a_form_error(client, rita, shot, timecode):
    take = make_take(shot)
    client.force_login(rita)
    response = client.post(
        reverse("studio:comment_add", args=[take.pk]), {"body": "here", "timecode": timecode}
    )
    assert response.status_code == 422
    assert "Write the timecode as seconds" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_guest_timecode_error_keeps_the_comment(scoped_link):
    token, take = scoped_link
    response = Client().post(
        guest(token, take.pk), {"body": "Keep me", "guest_name": "Dana", "timecode": "nan"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Keep me</textarea>" in html and 'value="nan"' in html


@pytest.fixture
def scoped_link(campaign, shot):
    from studio.models import ShareLink

    _link, token = ShareLink.create(campaign=campaign, days=1)
    return token, make_take(shot)


@pytest.mark.parametrize("parent", ["abc", "-1", "1e3", "99999999999999999999999"])
def test_a_bad_parent_is_not_found(client, rita, shot, parent):
    take = make_take(shot)
    client.force_login(rita)
    response = client.post(
        reverse("studio:comment_add", args=[take.pk]), {"body": "x", "parent": parent}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("variant", ["poster", "../../etc/passwd", "video.mp4", "VIDEO"])
def test_unknown_media_variants_are_not_found(client, vic, shot, scoped_link, variant):
    token, take = scoped_link
    client.force_login(vic)
    assert client.get(f"/takes/{take.pk}/media/{variant}/").status_code == 404
    assert Client().get(f"/s/{token}/takes/{take.pk}/media/{variant}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/takes/99999999999999999999999/",
        "/c/99999999999999999999999/",
        "/c/1/shots/99999999999999999999999/",
        "/comments/99999999999999999999999/resolve/",
        "/compare/?a=99999999999999999999999&b=1",
        "/review/?campaign=99999999999999999999999",
        "/review/?page=99999999999999999999999",
    ],
)
def test_huge_numbers_are_not_found_not_a_crash(client, vic, shot, path):
    client.force_login(vic)
    method = client.post if "resolve" in path else client.get
    assert method(path).status_code in (200, 404)


def test_huge_poll_ids_are_ignored(client, vic, shot):
    client.force_login(vic)
    url = reverse("studio:takes_poll", args=[shot.campaign_id, shot.pk])
    assert client.get(url, {"ids": "99999999999999999999999,1"}).status_code == 200


def test_guest_media_declares_its_methods(scoped_link):
    token, take = scoped_link
    url = reverse("studio:guest_media", args=[token, take.pk, "video"])
    assert Client().post(url).status_code == 405
    assert Client().get(url).status_code == 200
