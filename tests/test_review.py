from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from generation.models import RenderEvent, RenderStatus
from studio.models import Comment, Decision, ShareLink, Verdict, Workspace
from studio.review.states import campaign_states
from tests.factories import guest, make_campaign, make_shot, make_take

S = RenderStatus
XSS = '<script>alert("x")</script><img src=x onerror="alert(1)">'


def test_the_take_page_shows_facts_prompt_events_and_player(client, vic, shot):
    take = make_take(shot, prompt_text=XSS)
    RenderEvent.objects.create(render=take, from_status="storing", to_status="completed")
    client.force_login(vic)
    html = client.get(reverse("studio:take_page", args=[take.pk])).content.decode()
    assert f'src="/takes/{take.pk}/media/video/"' in html and "data-step" in html
    assert "storing → completed" in html
    assert XSS not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Approve" not in html and 'id="comment-body"' not in html  # a viewer only reads


def test_comments_with_replies_timecodes_resolve_and_mentions(
    client, rita, ed, shot, django_capture_on_commit_callbacks
):
    take = make_take(shot, user=ed)
    client.force_login(rita)
    url = reverse("studio:comment_add", args=[take.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"body": "Steam is late here, @ed", "timecode": "00:02.5"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    comment = Comment.objects.get()
    assert (comment.timecode_ms, comment.author) == (2500, rita)
    button = 'data-seek="2.500" aria-label="Play from 00:02.5">00:02.5</button>'
    assert button in response.content.decode()
    assert [m.to for m in mail.outbox] == [["ed@example.com"]]
    assert "rita mentioned you" in mail.outbox[0].subject

    client.post(url, {"body": "Agreed", "parent": comment.pk})
    reply = Comment.objects.get(parent=comment)
    assert reply.render == take
    client.post(reverse("studio:comment_resolve", args=[comment.pk]), {"resolved": "1"})
    comment.refresh_from_db()
    assert comment.resolved_at is not None
    client.post(reverse("studio:comment_resolve", args=[comment.pk]), {"resolved": "0"})
    comment.refresh_from_db()
    assert comment.resolved_at is None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"body": "  "}, "Write something first."),
        ({"body": "ok", "timecode": "soon"}, "Write the timecode as seconds"),
        ({"body": "ok", "timecode": "00:09"}, "outside the take"),
    ],
)
def test_a_bad_comment_keeps_the_text_and_says_why(client, rita, shot, data, message):
    take = make_take(shot)
    client.force_login(rita)
    response = client.post(
        reverse("studio:comment_add", args=[take.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_text_is_inert(client, rita, shot):
    take = make_take(shot)
    client.force_login(rita)
    client.post(reverse("studio:comment_add", args=[take.pk]), {"body": XSS})
    html = client.get(reverse("studio:take_page", args=[take.pk])).content.decode()
    assert XSS not in html and 'onerror="alert(1)"' not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_decisions_newest_per_reviewer_counts(
    client, rita, alice, ed, shot, django_capture_on_commit_callbacks
):
    take = make_take(shot, user=ed)
    client.force_login(rita)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("studio:take_decide", args=[take.pk]),
            {"verdict": "changes_requested", "note": "Warmer light"},
        )
    assert campaign_states(shot.campaign, [shot])[shot.pk].status == "changes_requested"
    assert "asked for changes" in mail.outbox[-1].subject and mail.outbox[-1].to == [
        "ed@example.com"
    ]
    client.post(reverse("studio:take_decide", args=[take.pk]), {"verdict": "approved"})
    assert campaign_states(shot.campaign, [shot])[shot.pk].status == "approved"
    client.force_login(alice)
    client.post(reverse("studio:take_decide", args=[take.pk]), {"verdict": "changes_requested"})
    assert campaign_states(shot.campaign, [shot])[shot.pk].status == "changes_requested"
    assert Decision.objects.count() == 3


def test_a_take_in_flight_cannot_be_decided(client, rita, shot):
    take = make_take(shot, status=S.IN_PROGRESS)
    client.force_login(rita)
    response = client.post(
        reverse("studio:take_decide", args=[take.pk]), {"verdict": "approved"}, follow=True
    )
    assert "Only a finished take" in response.content.decode()
    assert not Decision.objects.exists()


def test_shot_status_follows_from_its_takes(rita, campaign):
    draft = make_shot(campaign, title="draft")
    generating = make_shot(campaign, title="generating")
    make_take(generating, status=S.QUEUED)
    in_review = make_shot(campaign, title="review")
    make_take(in_review)
    make_take(in_review, take=2)
    changes = make_shot(campaign, title="changes")
    sent_back = make_take(changes)
    Decision.objects.create(render=sent_back, reviewer=rita, verdict=Verdict.CHANGES_REQUESTED)
    approved = make_shot(campaign, title="approved")
    hero = make_take(approved)
    Decision.objects.create(render=hero, reviewer=rita, verdict=Verdict.APPROVED)
    states = campaign_states(campaign, [draft, generating, in_review, changes, approved])
    assert {
        s.pk: states[s.pk].status for s in [draft, generating, in_review, changes, approved]
    } == {
        draft.pk: "draft",
        generating.pk: "generating",
        in_review.pk: "in_review",
        changes.pk: "changes_requested",
        approved.pk: "approved",
    }
    assert states[in_review.pk].retakes == 1


def test_editors_choose_the_hero_take(client, ed, rita, shot):
    take = make_take(shot)
    client.force_login(rita)
    assert client.post(reverse("studio:take_hero", args=[take.pk])).status_code == 403
    client.force_login(ed)
    client.post(reverse("studio:take_hero", args=[take.pk]))
    shot.refresh_from_db()
    assert shot.hero_take == take


def test_compare_shows_two_synced_players(client, vic, shot, charlie, other_workspace):
    a, b = make_take(shot), make_take(shot, take=2)
    client.force_login(vic)
    html = client.get(reverse("studio:compare"), {"a": a.pk, "b": b.pk}).content.decode()
    assert html.count("data-sync") == 2
    foreign = make_take(make_shot(make_campaign(other_workspace)), take=1)
    assert client.get(reverse("studio:compare"), {"a": a.pk, "b": foreign.pk}).status_code == 404


def test_the_review_queue_lists_what_waits_for_me(client, rita, vic, workspace, shot):
    other = make_shot(make_campaign(workspace, name="Other campaign"), title="Other shot")
    waiting, mine_done, elsewhere = make_take(shot), make_take(shot, take=2), make_take(other)
    make_take(shot, take=3, status=S.IN_PROGRESS)
    Decision.objects.create(render=mine_done, reviewer=rita, verdict=Verdict.APPROVED)
    client.force_login(rita)
    html = client.get(reverse("studio:review_queue")).content.decode()
    assert f"/takes/{waiting.pk}/" in html and f"/takes/{elsewhere.pk}/" in html
    assert f"/takes/{mine_done.pk}/" not in html
    filtered = client.get(reverse("studio:review_queue"), {"campaign": shot.campaign_id})
    assert f"/takes/{elsewhere.pk}/" not in filtered.content.decode()
    client.force_login(vic)  # a viewer decides nothing, so nothing waits for them
    assert "Nothing is waiting" in client.get(reverse("studio:review_queue")).content.decode()


@pytest.mark.parametrize("count", [1, 50])
def test_review_queue_query_count_is_constant(
    client, rita, campaign, count, django_assert_num_queries
):
    for i in range(count):
        make_take(make_shot(campaign, title=f"S{i}"))
    client.force_login(rita)
    # session, user, memberships (chrome), queue and its count (pages), campaigns and formats
    # for the filters, the takes' formats, their decisions and their campaigns' approvers
    with django_assert_num_queries(10):
        response = client.get(reverse("studio:review_queue"))
    assert response.content.decode().count("/media/") == 0
    assert response.content.decode().count('href="/takes/') == count


def test_the_review_queue_comes_a_page_at_a_time(client, rita, campaign):
    from studio.views.review import QUEUE_PAGE

    takes = [make_take(make_shot(campaign, title=f"S{i}")) for i in range(QUEUE_PAGE + 3)]
    client.force_login(rita)
    first = client.get(reverse("studio:review_queue")).content.decode()
    assert first.count('href="/takes/') == QUEUE_PAGE
    assert f"1–{QUEUE_PAGE} of {QUEUE_PAGE + 3}" in first and 'rel="next"' in first
    second = client.get(reverse("studio:review_queue"), {"page": 2, "campaign": campaign.pk})
    html = second.content.decode()
    assert html.count('href="/takes/') == 3 and 'rel="prev"' in html
    shown = {int(part.split("/")[0]) for part in (first + html).split('href="/takes/')[1:]}
    assert shown == {t.pk for t in takes}  # every take once, on one page or the other


def test_a_queue_past_the_cap_counts_no_further(client, rita, campaign, monkeypatch):
    """A big workspace's queue is not counted to its end: past the cap it says "N+"."""
    from studio.views import CappedPaginator
    from studio.views.review import QUEUE_PAGE

    monkeypatch.setattr(CappedPaginator, "CAP", QUEUE_PAGE + 1)
    for i in range(QUEUE_PAGE + 5):
        make_take(make_shot(campaign, title=f"S{i}"))
    client.force_login(rita)
    first = client.get(reverse("studio:review_queue")).content.decode()
    assert f"1–{QUEUE_PAGE} of {QUEUE_PAGE + 1}+" in first and 'rel="next"' in first


@pytest.mark.parametrize("count", [1, 50])
def test_take_page_query_count_is_constant(
    client, rita, ed, shot, count, django_assert_num_queries
):
    take = make_take(shot)
    for n in range(2, count + 2):  # the shot's other takes (N / P walk through them)
        make_take(shot, take=n)
    for i in range(count):
        parent = Comment.objects.create(render=take, author=ed, body=f"c{i}")
        Comment.objects.create(render=take, author=rita, body=f"r{i}", parent=parent)
        Decision.objects.create(render=take, reviewer=rita, verdict=Verdict.APPROVED)
    client.force_login(rita)
    # session, user, take with role, comments, decisions, events, members, memberships (chrome),
    # the campaign's formats and approvers; the shot's finished takes before and after (N / P)
    # are read with the take
    with django_assert_num_queries(10):
        response = client.get(reverse("studio:take_page", args=[take.pk]))
    assert response.content.decode().count('class="comment') >= 2 * count


def test_the_activity_feed(client, vic, rita, shot):
    take = make_take(shot)
    RenderEvent.objects.create(render=take, from_status="storing", to_status="completed")
    Comment.objects.create(render=take, author=rita, body=XSS)
    Decision.objects.create(render=take, reviewer=rita, verdict=Verdict.APPROVED)
    client.force_login(vic)
    html = client.get(reverse("studio:campaign_activity", args=[shot.campaign_id])).content.decode()
    assert "Take 1 of “Hero pour” is ready" in html
    assert "rita approved take 1" in html
    assert "rita commented on take 1" in html and XSS not in html


def test_daily_digest(rita, ed, shot):
    take = make_take(shot, user=ed)
    Comment.objects.create(render=take, author=rita, body="Looks good")
    mail.outbox.clear()
    call_command("send_digests")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert "rita@example.com" in recipients  # a take waits for her review
    ed_mail = next(m for m in mail.outbox if m.to == ["ed@example.com"])
    assert "1 new comment on your takes" in ed_mail.body


# --------------------------------------------------------------------------- guests


@pytest.fixture
def scoped(campaign, shot):
    """A link to one shot; a take of it, a take of a sibling shot, one of another campaign."""
    sibling = make_shot(campaign, title="Sibling")
    other = make_shot(make_campaign(campaign.workspace, name="Another"), title="Elsewhere")
    link, token = ShareLink.create(campaign=campaign, shot=shot, days=3)
    return {
        "link": link,
        "token": token,
        "take": make_take(shot),
        "sibling": make_take(sibling),
        "other": make_take(other),
    }


def test_a_guest_sees_only_the_links_scope(scoped):
    client = Client()
    token = scoped["token"]
    page = client.get(guest(token)).content.decode()
    assert f"/s/{token}/takes/{scoped['take'].pk}/" in page
    assert f"/takes/{scoped['sibling'].pk}/" not in page
    assert client.get(guest(token, scoped["take"].pk)).status_code == 200
    assert client.get(guest(token, scoped["sibling"].pk)).status_code == 404
    assert client.get(guest(token, scoped["other"].pk)).status_code == 404
    media = reverse("studio:guest_media", args=[token, scoped["sibling"].pk, "video"])
    assert client.get(media).status_code == 404
    assert client.get(reverse("studio:take_page", args=[scoped["take"].pk])).status_code == 302


def test_expired_and_revoked_links_are_gone_and_unknown_ones_not_found(scoped, settings):
    """One designed page, whatever DEBUG says: 410 for an expired or revoked link, 404 for a
    link that never existed; never Django's debug page with the studio's routes."""
    settings.DEBUG = True
    client = Client()
    ShareLink.objects.filter(pk=scoped["link"].pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired = client.get(guest(scoped["token"]))
    assert expired.status_code == 410
    assert "has expired or was revoked" in expired.content.decode()
    link, token = ShareLink.create(campaign=scoped["link"].campaign, days=1)
    assert client.get(guest(token)).status_code == 200
    link.revoke()
    assert client.get(guest(token)).status_code == 410
    assert client.get(guest(token, scoped["take"].pk)).status_code == 410
    unknown = client.get(guest("made-up-token"))
    assert unknown.status_code == 404
    assert "has expired or was revoked" in unknown.content.decode()
    assert "URLconf" not in unknown.content.decode()


def test_a_password_protected_link(campaign, shot):
    make_take(shot)
    _link, token = ShareLink.create(campaign=campaign, days=1, password="espresso")
    client = Client()
    assert 'name="password"' in client.get(guest(token)).content.decode()
    wrong = client.post(guest(token), {"password": "latte"})
    assert wrong.status_code == 422 and "That password is not right." in wrong.content.decode()
    right = client.post(guest(token), {"password": "espresso"})
    assert right.status_code == 302
    assert "Hero pour" in client.get(guest(token)).content.decode()


def test_repeated_password_tries_are_throttled(campaign):
    _link, token = ShareLink.create(campaign=campaign, days=1, password="espresso")
    client = Client()
    for _ in range(5):
        assert client.post(guest(token), {"password": "nope"}).status_code == 422
    blocked = client.post(guest(token), {"password": "espresso"})
    assert blocked.status_code == 429 and blocked["Retry-After"]


def test_unknown_tokens_never_lock_out_a_valid_link(db):
    """Unknown tokens are refused by a hashed lookup and not counted: a visitor who mistyped a
    link many times still opens the right one."""
    client = Client()
    for i in range(50):
        assert client.get(guest(f"guess-{i}")).status_code == 404
    _link, token = ShareLink.create(
        campaign=make_campaign(Workspace.objects.create(name="W")), days=1
    )
    assert client.get(guest(token)).status_code == 200


def test_a_guest_comments_under_a_name_but_cannot_decide(scoped):
    client = Client(enforce_csrf_checks=False)
    url = guest(scoped["token"], scoped["take"].pk)
    missing = client.post(url, {"body": "Love it", "guest_name": ""})
    assert missing.status_code == 422 and "Tell us your name" in missing.content.decode()
    assert "Love it</textarea>" in missing.content.decode()
    client.post(url, {"body": XSS, "guest_name": "Dana from Brand", "timecode": "1.5"})
    comment = Comment.objects.get()
    assert (comment.guest_name, comment.author, comment.timecode_ms) == (
        "Dana from Brand",
        None,
        1500,
    )
    html = client.get(url).content.decode()
    assert "Dana from Brand (guest)" in html and XSS not in html
    assert "Approve" not in html
    decide = client.post(
        reverse("studio:take_decide", args=[scoped["take"].pk]), {"verdict": "approved"}
    )
    assert decide.status_code == 302 and "/login/" in decide["Location"]
    assert not Decision.objects.exists()


def test_comments_can_be_switched_off(campaign, shot):
    take = make_take(shot)
    _link, token = ShareLink.create(campaign=campaign, days=1, allow_comments=False)
    client = Client()
    assert "switched off" in client.get(guest(token, take.pk)).content.decode()
    response = client.post(guest(token, take.pk), {"body": "hi", "guest_name": "X"})
    assert response.status_code == 403 and not Comment.objects.exists()


def test_owners_make_and_revoke_links(client, alice, campaign, shot):
    client.force_login(alice)
    response = client.post(
        reverse("studio:share_links", args=[campaign.pk]),
        {
            "label": "Brand team",
            "shot": shot.pk,
            "days": "5",
            "password": "",
            "allow_comments": "on",
        },
    )
    html = response.content.decode()
    assert "it is shown only once" in html
    link = ShareLink.objects.get()
    url = html.split('id="new-link-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert link.token_hash == ShareLink.hash(token) and token not in link.token_hash
    again = client.get(reverse("studio:share_links", args=[campaign.pk])).content.decode()
    assert token not in again  # never shown twice
    client.post(reverse("studio:share_revoke", args=[campaign.pk, link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_behind_the_proxy_throttles_follow_the_forwarded_client(campaign, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    _link, token = ShareLink.create(campaign=campaign, days=1, password="espresso")
    attacker, colleague = Client(), Client()
    for _ in range(5):
        attacker.post(guest(token), {"password": "nope"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert (
        attacker.post(
            guest(token), {"password": "espresso"}, HTTP_X_FORWARDED_FOR="203.0.113.9"
        ).status_code
        == 429
    )
    ok = colleague.post(guest(token), {"password": "espresso"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert ok.status_code == 302  # another client behind the same proxy is not blocked
