"""Review news in Slack and Microsoft Teams (issue 39, points 3–5): channels added on the
workspace's settings page, the events they hear, sent from the queue to fake Slack and Teams
servers on 127.0.0.1 that check the payloads as the services do and answer 429 and 500 when
asked; the webhook URL rules (server-side request forgery)."""

from __future__ import annotations

import json
import socket

import pytest
from django.db import transaction
from django.urls import reverse

from generation.jobs.transitions import advance
from generation.models import RenderStatus
from studio.models import AuditEntry, ChannelNotice, NotificationChannel
from studio.team import channel_urls, chat_sending
from tests.factories import make_shot, make_take
from tests.fakes.chat_hooks_fake import SLACK_SECRET, FakeChat

S = RenderStatus


@pytest.fixture
def chat():
    fake = FakeChat().start()
    yield fake
    fake.stop()
    assert fake.violations == [], "the studio sent a payload the service would refuse"


def add_channel(client, workspace, url, kind="slack", events=None, capture=None):
    data = {"kind": kind, "name": "#launch-review", "url": url}
    data["events"] = events or [
        "takes_ready", "approved", "changes", "spot_ready", "spot_approved", "client",
        "budget", "failed_billed",
    ]  # fmt: skip
    return client.post(reverse("studio:channel_list", args=[workspace.slug]), data)


def test_an_owner_adds_a_channel_whose_url_is_never_shown_again(client, alice, workspace, chat):
    client.force_login(alice)
    response = add_channel(client, workspace, chat.slack_url)
    assert response.status_code == 302
    channel = NotificationChannel.objects.get()
    assert chat.slack_url not in channel.url_sealed  # sealed, not stored as written
    assert channel_urls.unseal(channel.url_sealed) == chat.slack_url
    page = client.get(reverse("studio:channel_list", args=[workspace.slug])).content.decode()
    assert SLACK_SECRET not in page and channel.url_hint in page
    entry = AuditEntry.objects.get(action="channel.added")
    assert entry.actor == "alice" and entry.workspace_id == workspace.pk
    assert SLACK_SECRET not in json.dumps(entry.changes)


def test_a_decision_reaches_slack_as_block_kit_and_teams_as_an_adaptive_card(
    client, alice, rita, ed, workspace, shot, chat, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    add_channel(client, workspace, chat.slack_url)
    add_channel(client, workspace, chat.teams_url, kind="teams")
    take = make_take(shot, user=ed)
    client.force_login(rita)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("studio:take_decide", args=[take.pk]),
            {"verdict": "changes_requested", "note": "Warmer <light> & *less* blue"},
        )
    assert response.status_code in (200, 302)
    slack, teams = chat.texts("slack"), chat.texts("teams")
    assert len(slack) == 1 and len(teams) == 1
    assert "rita asked for changes to take 1" in slack[0]
    assert "&lt;light&gt; &amp; *less*" in slack[0]  # escaped: no markup from a note
    card = chat.received[-1][1] if chat.received[-1][0] == "teams" else chat.received[0][1]
    assert "Warmer <light> & *less* blue" in json.dumps(card, ensure_ascii=False)
    assert f"/takes/{take.pk}/" in slack[0] and f"/takes/{take.pk}/" in teams[0]


def test_many_takes_ready_at_once_are_one_message_with_a_count(
    client, alice, workspace, campaign, shot, chat, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    add_channel(client, workspace, chat.slack_url)
    takes = [make_take(shot, take=n, status=S.IN_PROGRESS) for n in range(1, 13)]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for take in takes:
            advance(take, S.IN_PROGRESS, S.COMPLETED)
    (message,) = chat.texts("slack")
    assert f"12 takes ready for review in “{campaign.name}”" in message
    assert "and 7 more" in message  # five lines said, the rest counted
    assert f"/review/?campaign={campaign.pk}" in message
    assert not ChannelNotice.objects.filter(sent_at__isnull=True).exists()


def test_429_and_500_are_waited_out_and_nothing_is_lost(
    client, alice, workspace, shot, chat, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    add_channel(client, workspace, chat.slack_url)
    chat.answers = [429, 500]
    take = make_take(shot, status=S.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        advance(take, S.IN_PROGRESS, S.COMPLETED)
    assert len(chat.texts("slack")) == 1 and chat.answers == []
    channel = NotificationChannel.objects.get()
    assert channel.failures == 0 and channel.sent_messages == 1
    assert "server_error" in channel.last_error  # the last trouble is kept to be seen


def test_a_failing_channel_shows_its_error_and_never_fails_the_request(
    client, alice, rita, ed, workspace, shot, chat, django_capture_on_commit_callbacks,
    monkeypatch,
):  # fmt: skip
    monkeypatch.setattr(chat_sending, "RUN_SECONDS", 0.5)
    client.force_login(alice)
    add_channel(client, workspace, chat.slack_url)
    chat.always = 500
    take = make_take(shot, user=ed)
    client.force_login(rita)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("studio:take_decide", args=[take.pk]), {"verdict": "approved"}
        )
    assert response.status_code in (200, 302)
    channel = NotificationChannel.objects.get()
    assert channel.failures >= 1 and "500" in channel.last_error
    assert ChannelNotice.objects.filter(sent_at__isnull=True).count() == 1  # kept, not lost
    client.force_login(alice)
    page = client.get(reverse("studio:channel_list", args=[workspace.slug])).content.decode()
    assert "Failing since" in page and "500" in page
    chat.always = None
    channel.next_send_at = channel.last_error_at
    channel.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert chat_sending.send_due() == 1  # the every-minute schedule sends it after all
    assert "rita approved take 1" in chat.texts("slack")[0]


def test_a_test_message_goes_to_that_channel_only(
    client, alice, workspace, chat, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    add_channel(client, workspace, chat.slack_url, events=["budget"])
    add_channel(client, workspace, chat.teams_url, kind="teams", events=["budget"])
    slack = NotificationChannel.objects.get(kind="slack")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("studio:channel_test", args=[workspace.slug, slack.pk]))
    assert len(chat.texts("slack")) == 1 and chat.texts("teams") == []
    assert "alice sent a test message" in chat.texts("slack")[0]


def test_the_budget_is_said_once_at_80_and_once_at_100_percent(
    client, alice, ed, workspace, campaign, chat, runware_fake, django_capture_on_commit_callbacks
):
    from generation import budget
    from studio.shots import editing

    veo = "veo-3.1-fast"
    client.force_login(alice)
    add_channel(client, workspace, chat.slack_url, events=["budget"])
    campaign.budget = budget.estimate(veo, "1920x1080", 8, True) * 5
    campaign.save()
    said = []
    for n in range(1, 6):  # each take is a fifth of the budget
        shot = make_shot(
            campaign, title=f"Shot {n}", model_key=veo, size="1920x1080", seconds=8,
            prompt={"scene": f"Cold brew poured over ice, angle {n}."},
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            editing.request_takes(shot, ed)
        said.append(len(chat.texts("slack")))
    assert said == [0, 0, 0, 1, 2]  # 80 % at the fourth take, 100 % at the fifth, once each
    assert "80%" in chat.texts("slack")[0] and "100%" in chat.texts("slack")[1]


def test_a_failed_take_that_was_billed_is_said(
    client, alice, workspace, shot, chat, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    add_channel(client, workspace, chat.slack_url, events=["failed_billed"])
    take = make_take(shot, status=S.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        advance(take, S.IN_PROGRESS, S.FAILED, billed=True, error_message="content policy")
    (message,) = chat.texts("slack")
    assert "failed and was billed: content policy" in message


# --------------------------------------------------------------------------- the URL rules


@pytest.fixture
def no_loopback(settings):
    settings.STUDIO_OUTGOING_ALLOW_LOOPBACK = False


def resolving_to(monkeypatch, address):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "kind, url, said",
    [
        ("slack", "http://hooks.slack.com/services/T0/B0/x", "must start with https://"),
        ("slack", "https://evil.example.com/services/T0/B0/x", "on hooks.slack.com"),
        ("slack", "https://hooks.slack.com.evil.example/services/x", "on hooks.slack.com"),
        ("slack", "https://user:pw@hooks.slack.com/services/x", "user name or password"),
        ("slack", "http://127.0.0.1:8000/services/x", "must start with https://"),
        ("teams", "https://acme.webhook.office.com/webhookb2/x", "connector webhooks are retired"),
        ("teams", "https://hooks.slack.com/services/x", "on logic.azure.com"),
        ("slack", "https://[::1/services/x", "not a web address"),
        ("slack", "https://hooks.slack.com:99999/services/x", "not a web address"),
        ("slack", "javascript:alert(1)", "must start with https://"),
    ],
)
def test_webhook_urls_outside_the_rules_are_refused_and_the_form_is_kept(
    client, alice, workspace, no_loopback, monkeypatch, kind, url, said
):
    resolving_to(monkeypatch, "34.200.10.10")
    client.force_login(alice)
    response = add_channel(client, workspace, url, kind=kind)
    assert response.status_code == 422
    page = response.content.decode()
    assert said in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert "#launch-review" in page  # what was typed stays
    assert not NotificationChannel.objects.exists()


def test_a_service_host_resolving_inside_the_network_is_refused(
    client, alice, workspace, no_loopback, monkeypatch
):
    client.force_login(alice)
    for inside in ("10.0.0.5", "127.0.0.1", "169.254.169.254", "192.168.1.1"):
        resolving_to(monkeypatch, inside)
        response = add_channel(client, workspace, "https://hooks.slack.com/services/T0/B0/x")
        assert (
            response.status_code == 422
            and "does not resolve to a public" in response.content.decode()
        )
    resolving_to(monkeypatch, "34.200.10.10")
    url = (
        "https://prod-27.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke"
    )
    assert add_channel(client, workspace, url, kind="teams").status_code == 302


def test_a_name_that_later_points_inside_is_refused_before_sending(
    workspace, alice, no_loopback, monkeypatch, django_capture_on_commit_callbacks
):
    url = "https://hooks.slack.com/services/T0/B0/x"
    channel = NotificationChannel.objects.create(
        workspace=workspace, kind="slack", name="#x",
        url_sealed=channel_urls.seal(url), url_hint=channel_urls.hint(url),
    )  # fmt: skip
    resolving_to(monkeypatch, "10.1.2.3")
    with django_capture_on_commit_callbacks(execute=True):
        chat_sending.announce(workspace.pk, "test", "hello", channel_id=channel.pk)
    channel.refresh_from_db()
    assert "does not resolve to a public address" in channel.last_error
    assert channel.notices.filter(sent_at__isnull=True).count() == 1


def test_one_sender_at_a_time(workspace):
    channel = NotificationChannel.objects.create(
        workspace=workspace, kind="slack", name="#x", url_sealed="x", url_hint="x"
    )
    assert chat_sending._lease(channel.pk)
    assert not chat_sending._lease(channel.pk)  # a second worker finds it taken
    chat_sending._release(channel.pk)
    assert chat_sending._lease(channel.pk)
