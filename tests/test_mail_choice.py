"""Each person keeps choosing what reaches their e-mail (issue 39, point 3): mentions and
guests' comments, decisions on their takes, the daily digest; chat channels change none of it."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from studio.models import MailChoice
from studio.review.inbox import send_digests
from tests.factories import make_take


def test_a_person_turns_off_decision_mails_and_the_digest(
    client, ed, rita, shot, django_capture_on_commit_callbacks
):
    client.force_login(ed)
    page = client.get(reverse("studio:mail_choice")).content.decode()
    assert "decisions on takes i made" in page.lower() and "checked" in page
    response = client.post(reverse("studio:mail_choice"), {"mentions": "on"})
    assert response.status_code == 302
    choice = MailChoice.objects.get(user=ed)
    assert (choice.mentions, choice.decisions, choice.digest) == (True, False, False)
    take = make_take(shot, user=ed)
    client.force_login(rita)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("studio:take_decide", args=[take.pk]), {"verdict": "approved"})
    assert [m for m in mail.outbox if "ed@example.com" in m.to] == []
    assert send_digests() == 0  # ed has a new decision, but asked for no digest


def test_everything_reaches_a_person_who_chose_nothing(
    client, ed, rita, shot, django_capture_on_commit_callbacks
):
    take = make_take(shot, user=ed)
    client.force_login(rita)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("studio:take_decide", args=[take.pk]), {"verdict": "approved"})
    assert any("ed@example.com" in m.to for m in mail.outbox)
    assert send_digests() >= 1


def test_mentions_can_be_turned_off(client, alice, rita, shot, django_capture_on_commit_callbacks):
    take = make_take(shot)
    client.force_login(rita)
    url = reverse("studio:comment_add", args=[take.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "@alice look", "at": "1"})
    assert len([m for m in mail.outbox if "alice@example.com" in m.to]) == 1
    MailChoice.objects.create(user=alice, mentions=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "@alice again", "at": "2"})
    assert take.comments.count() == 2
    assert len([m for m in mail.outbox if "alice@example.com" in m.to]) == 1
