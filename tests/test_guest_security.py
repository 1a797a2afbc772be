"""Guest links and review mail, tried as an attacker and a careless visitor would."""

from __future__ import annotations

import socket
import threading

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_q.models import OrmQ

from studio.models import Comment, ShareLink
from tests.factories import guest, make_take


@pytest.fixture
def locked(campaign, shot, alice):
    take = make_take(shot)
    link, token = ShareLink.create(campaign=campaign, days=1, password="espresso", user=alice)
    return {"link": link, "token": token, "take": take}


def test_wrong_passwords_are_limited_per_link_and_address(locked, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    token = locked["token"]
    attacker = Client()
    for _ in range(5):
        response = attacker.post(
            guest(token), {"password": "nope"}, HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
        assert response.status_code == 422
    blocked = attacker.post(
        guest(token), {"password": "espresso"}, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert blocked.status_code == 429 and "Too many wrong passwords" in blocked.content.decode()
    # Another link from the same address is not affected ...
    _other, other_token = ShareLink.create(campaign=locked["link"].campaign, days=1, password="x")
    assert (
        attacker.post(
            guest(other_token), {"password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.9"
        ).status_code
        == 302
    )
    # ... and a visitor elsewhere still gets in with the right password.
    colleague = Client()
    ok = colleague.post(guest(token), {"password": "espresso"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert ok.status_code == 302


def test_guessing_one_links_password_from_many_addresses_is_limited(locked, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.STUDIO_GUEST_PASSWORD_LINK_RATE = "10/15m"
    token = locked["token"]
    for i in range(10):
        Client().post(guest(token), {"password": f"try{i}"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    late = Client().post(
        guest(token), {"password": "espresso"}, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert late.status_code == 429


def test_a_visitor_who_unlocked_keeps_watching_while_guessers_are_blocked(locked, settings):
    settings.STUDIO_GUEST_PASSWORD_LINK_RATE = "3/15m"
    token, take = locked["token"], locked["take"]
    client = Client()
    assert client.post(guest(token), {"password": "espresso"}).status_code == 302
    for _ in range(5):
        Client(REMOTE_ADDR="10.9.9.9").post(guest(token), {"password": "nope"})
    assert client.get(guest(token)).status_code == 200
    assert client.get(guest(token, take.pk)).status_code == 200


def test_guests_see_only_comments_marked_for_them_and_members_by_role(
    client, alice, ed, campaign, shot
):
    take = make_take(shot)
    client.force_login(ed)
    client.post(
        reverse("studio:comment_add", args=[take.pk]), {"body": "Internal: budget is tight"}
    )
    client.post(
        reverse("studio:comment_add", args=[take.pk]),
        {"body": "For the client: here is the new pour", "visible_to_guests": "on"},
    )
    internal, public = Comment.objects.order_by("pk")
    assert (internal.visible_to_guests, public.visible_to_guests) == (False, True)
    _link, token = ShareLink.create(campaign=campaign, days=1)
    html = Client().get(guest(token, take.pk)).content.decode()
    assert "For the client" in html and "Internal: budget" not in html
    assert "<strong>Team (editor)</strong>" in html and "<strong>ed</strong>" not in html
    # Members see both, and which one the client sees.
    page = client.get(reverse("studio:take_page", args=[take.pk])).content.decode()
    assert "Internal: budget" in page and "visible to guests" in page


def test_a_guest_mention_mails_nobody_but_the_links_owner_once(
    alice, ed, campaign, shot, django_capture_on_commit_callbacks
):
    take = make_take(shot)
    _link, token = ShareLink.create(campaign=campaign, days=1, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            guest(token, take.pk),
            {"body": "Hey @ed and @alice, love it", "guest_name": "Dana"},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert mail.outbox[0].subject.startswith("Dana (guest) commented")


def test_a_newline_in_a_guest_name_cannot_reach_a_mail_header(
    alice, campaign, shot, django_capture_on_commit_callbacks
):
    take = make_take(shot)
    _link, token = ShareLink.create(campaign=campaign, days=1, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            guest(token, take.pk),
            {"body": "Nice", "guest_name": "Dana\r\nBcc: victim@example.com"},
        )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert "\n" not in comment.guest_name and "\r" not in comment.guest_name
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"] and "\n" not in message.subject
    assert "victim@example.com" not in message.recipients()


@pytest.fixture
def real_queue(monkeypatch):
    """Tasks go to the ORM broker, as with a running cluster, instead of running inline."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)


def test_mail_is_queued_not_sent_in_the_request(
    client, rita, ed, shot, real_queue, django_capture_on_commit_callbacks
):
    take = make_take(shot, user=ed)
    client.force_login(rita)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("studio:comment_add", args=[take.pk]), {"body": "See this @ed"}
        )
    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent while the page was answered
    assert OrmQ.objects.count() == 1
    from django_q.signing import SignedPackage

    task = SignedPackage.loads(OrmQ.objects.get().payload)
    assert task["func"] == "studio.tasks.notify_comment"
    from studio import tasks

    assert tasks.notify_comment(*task["args"]) == 1
    assert mail.outbox[0].to == ["ed@example.com"]


def test_a_hanging_mail_server_never_slows_a_page(
    client, rita, ed, shot, settings, real_queue, django_capture_on_commit_callbacks
):
    """An SMTP server that accepts and never answers: the comment is saved and the page answers;
    the mail task gives up after EMAIL_TIMEOUT inside the worker, not the request."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.getsockname()[1]
    settings.EMAIL_TIMEOUT = 1
    take = make_take(shot, user=ed)
    client.force_login(rita)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("studio:comment_add", args=[take.pk]), {"body": "Hello @ed"})
    assert response.status_code == 302 and Comment.objects.count() == 1
    assert not accepted  # the request never touched the mail server
    from studio import tasks

    with pytest.raises((TimeoutError, OSError)):
        tasks.notify_comment(Comment.objects.get().pk)  # bounded by EMAIL_TIMEOUT
    server.close()
