"""Review at a producer's speed (issue 21), through the views: decisions in place with undo,
a selection decided at once, approve and next, the queue's filters and links, required
approvers and the client's sign-off through a guest link, status that follows the grid,
"make all rough cuts", link presets and the client's portal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from studio.models import CampaignStatus, Cut, Decision, ShareLink
from studio.production.deliverables import add_format
from studio.review.activity import activity
from studio.review.states import required_for, verdicts
from tests.factories import generate, guest, make_campaign, make_shot, make_take, stored_take

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def decide(client, take, verdict="approved", **data):
    return client.post(
        reverse("studio:take_decide", args=[take.pk]), {"verdict": verdict, **data}, **HTMX
    )


def status(campaign) -> str:
    campaign.refresh_from_db()
    return campaign.status


# --------------------------------------------------------------------------- in place


def test_an_in_place_decision_answers_the_take_s_control_with_undo(client, rita, ed, shot):
    take = make_take(shot, user=ed)
    ed.email = "ed@example.com"
    ed.save()
    client.force_login(rita)
    response = decide(client, take)
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger"] == "decided"
    assert f'id="decide-{take.pk}"' in html and 'data-verdict="approved"' in html
    assert "Approved by rita" in html and "data-undo" in html
    decision = Decision.objects.get()
    assert decision.reviewer == rita and decision.verdict == "approved"
    undo = client.post(reverse("studio:decision_undo", args=[decision.pk]), **HTMX)
    assert undo.status_code == 200 and not Decision.objects.exists()
    assert 'data-verdict="pending"' in undo.content.decode()


def test_nobody_undoes_another_s_decision_nor_an_old_one(client, rita, alice, shot):
    take = make_take(shot)
    theirs = Decision.objects.create(render=take, reviewer=rita, verdict="approved")
    client.force_login(alice)
    assert client.post(reverse("studio:decision_undo", args=[theirs.pk])).status_code == 404
    old = Decision.objects.create(
        render=take,
        reviewer=alice,
        verdict="approved",
        created_at=timezone.now() - timedelta(hours=1),
    )
    response = client.post(reverse("studio:decision_undo", args=[old.pk]), follow=True)
    assert "too old to undo" in response.content.decode()
    assert Decision.objects.count() == 2


def test_the_take_card_grid_cell_and_storyboard_card_offer_the_decision(
    client, rita, campaign, shot
):
    add_format(campaign, "YouTube", "16:9")
    take = make_take(shot, thumbnail_key="t/poster.jpg")
    client.force_login(rita)
    for url in (
        shot.get_absolute_url(),
        reverse("studio:deliverables", args=[campaign.pk]),
        reverse("studio:storyboard", args=[campaign.pk]),
        reverse("studio:review_queue"),
    ):
        html = client.get(url).content.decode()
        assert f'id="decide-{take.pk}"' in html, url
        assert 'aria-label="Approve take 1 (YouTube)"' in html, url


def test_viewers_see_where_a_take_stands_but_cannot_decide(client, vic, shot):
    take = make_take(shot)
    client.force_login(vic)
    html = client.get(shot.get_absolute_url()).content.decode()
    assert f'id="decide-{take.pk}"' in html and "Approve take" not in html
    assert decide(client, take).status_code == 403


# --------------------------------------------------------------------------- a selection


def test_a_selection_gets_one_decision_per_take_told_like_single_ones(
    client, rita, ed, campaign, shot, django_capture_on_commit_callbacks
):
    ed.email = "ed@example.com"
    ed.save()
    takes = [make_take(shot, take=n, user=ed) for n in (1, 2, 3)]
    client.force_login(rita)
    grid = reverse("studio:deliverables", args=[campaign.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("studio:decide_selected"),
            {
                "take": [t.pk for t in takes],
                "verdict": "changes_requested",
                "note": "Warmer light",
                "next": grid,
            },
            follow=True,
        )
    assert response.redirect_chain[-1][0] == grid
    assert "3 takes sent back." in response.content.decode()
    found = Decision.objects.filter(reviewer=rita)
    assert sorted(d.render_id for d in found) == sorted(t.pk for t in takes)
    assert {d.note for d in found} == {"Warmer light"}
    assert len(mail.outbox) == 3
    assert all("rita asked for changes to take" in m.subject for m in mail.outbox)
    said = [a.text for a in activity(campaign) if a.kind == "changes_requested"]
    assert len(said) == 3 and all(s.startswith("rita asked for changes to take") for s in said)


def test_a_selection_with_a_take_of_another_workspace_decides_nothing(
    client, rita, shot, other_workspace
):
    mine = make_take(shot)
    theirs = make_take(make_shot(make_campaign(other_workspace)))
    client.force_login(rita)
    response = client.post(
        reverse("studio:decide_selected"), {"take": [mine.pk, theirs.pk], "verdict": "approved"}
    )
    assert response.status_code == 404 and not Decision.objects.exists()


def test_a_selection_with_an_unfinished_take_decides_nothing(client, rita, shot):
    done, running = make_take(shot), make_take(shot, take=2, status="in_progress")
    client.force_login(rita)
    response = client.post(
        reverse("studio:decide_selected"),
        {"take": [done.pk, running.pk], "verdict": "approved"},
        follow=True,
    )
    assert "Only a finished take" in response.content.decode()
    assert not Decision.objects.exists()


# --------------------------------------------------------------------------- the queue


def test_approve_and_next_walks_the_queue_with_its_filters(client, rita, campaign, shot):
    add_format(campaign, "Reels", "9:16")
    first = make_take(shot, take=1, size="720x1280")
    second = make_take(shot, take=2, size="720x1280")
    make_take(shot, take=3, size="1280x720")  # another format: not in this walk
    client.force_login(rita)
    walk = f"from=queue&campaign={campaign.pk}&aspect=9%3A16"
    page = client.get(reverse("studio:take_page", args=[second.pk]) + "?" + walk)
    html = page.content.decode()
    assert 'data-key="n"' in html and f"/takes/{first.pk}/?{walk.replace('&', '&amp;')}" in html
    assert "Reels · 720×1280 (9:16)" in html
    response = client.post(
        reverse("studio:take_decide", args=[second.pk]) + "?then=next",
        {"verdict": "approved", "from": "queue", "campaign": campaign.pk, "aspect": "9:16"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("studio:take_page", args=[first.pk]) + "?" + walk
    response = client.post(
        reverse("studio:take_decide", args=[first.pk]) + "?then=next",
        {"verdict": "approved", "from": "queue", "campaign": campaign.pk, "aspect": "9:16"},
    )
    assert response["Location"] == reverse("studio:review_queue") + "?" + walk[len("from=queue&") :]


def test_approve_and_next_outside_the_queue_walks_the_shot(client, rita, shot):
    one, two = make_take(shot, take=1), make_take(shot, take=2)
    client.force_login(rita)
    response = client.post(
        reverse("studio:take_decide", args=[one.pk]) + "?then=next", {"verdict": "approved"}
    )
    assert response["Location"] == reverse("studio:take_page", args=[two.pk])


def test_the_queue_says_each_take_s_format_links_its_shot_and_filters_by_format(
    client, rita, campaign, shot
):
    add_format(campaign, "Reels", "9:16")
    add_format(campaign, "YouTube", "16:9")
    tall = make_take(shot, take=1, size="720x1280")
    wide = make_take(shot, take=2, size="1280x720")
    client.force_login(rita)
    html = client.get(reverse("studio:review_queue")).content.decode()
    assert "Reels · 720×1280 (9:16)" in html and "YouTube · 1280×720 (16:9)" in html
    assert f'href="{shot.get_absolute_url()}"' in html
    assert f'href="{campaign.get_absolute_url()}"' in html
    assert "Reels (9:16)" in html  # the format filter names the formats
    only_tall = client.get(reverse("studio:review_queue") + "?aspect=9:16").content.decode()
    assert f'data-take="{tall.pk}"' in only_tall and f'data-take="{wide.pk}"' not in only_tall


def test_the_queue_costs_the_same_queries_whatever_its_length(
    client, rita, campaign, shot, django_assert_num_queries
):
    add_format(campaign, "Reels", "9:16")
    make_take(shot)
    client.force_login(rita)
    url = reverse("studio:review_queue")
    client.get(url)
    with django_assert_num_queries(10) as few:
        client.get(url)
    for n in range(2, 30):
        make_take(make_shot(campaign, title=f"Shot {n}"), size="720x1280")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


# --------------------------------------------------------------------------- approvers


def test_with_approvers_named_a_take_is_approved_when_all_of_them_approved(
    client, alice, ed, rita, campaign, shot
):
    campaign.approvers.set([alice, rita])
    take = make_take(shot)
    client.force_login(rita)
    decide(client, take)
    client.force_login(ed)  # not required: their approval does not count
    html = decide(client, take).content.decode()
    assert 'data-verdict="pending"' in html and "Waiting for alice" in html
    client.force_login(alice)
    assert 'data-verdict="approved"' in decide(client, take).content.decode()
    assert status(campaign) == CampaignStatus.APPROVED
    # Someone asks for changes after: the take is no longer approved, and the approvers who
    # signed before it look again.
    client.force_login(ed)
    html = decide(client, take, "changes_requested").content.decode()
    assert 'data-verdict="changes_requested"' in html and "Still to decide: alice, rita" in html
    assert status(campaign) != CampaignStatus.APPROVED
    for user in (rita, alice):
        client.force_login(user)
        decide(client, take)
    assert verdicts(take.decisions.all(), required_for(campaign.pk)) == {take.pk: "approved"}


def test_without_approvers_any_reviewer_s_approval_approves(client, rita, campaign, shot):
    take = make_take(shot)
    client.force_login(rita)
    assert 'data-verdict="approved"' in decide(client, take).content.decode()


def test_the_campaign_form_names_the_approvers(client, alice, rita, vic, campaign):
    client.force_login(alice)
    form = client.get(reverse("studio:campaign_edit", args=[campaign.pk])).content.decode()
    assert f'value="{rita.pk}"' in form and f'value="{vic.pk}"' not in form  # viewers can't
    client.post(
        reverse("studio:campaign_edit", args=[campaign.pk]),
        {
            "name": campaign.name,
            "status": campaign.status,
            "status_follows_work": "on",
            "approvers": [rita.pk],
            "client_must_approve": "on",
        },
    )
    campaign.refresh_from_db()
    assert list(campaign.approvers.all()) == [rita] and campaign.client_must_approve


# --------------------------------------------------------------------------- the client


def test_the_client_approves_through_a_link_that_lets_them_and_counts_as_the_client(
    client, rita, campaign, shot
):
    campaign.approvers.set([rita])
    campaign.client_must_approve = True
    campaign.save()
    take = make_take(shot)
    _link, token = ShareLink.create(campaign=campaign, days=3, allow_decisions=True)
    client.force_login(rita)
    decide(client, take)
    assert 'data-verdict="pending"' in decide(client, take).content.decode()
    visitor = Client()
    page = visitor.get(guest(token, take.pk)).content.decode()
    assert "Waiting for the client's decision" in page and 'id="client-approve"' in page
    nameless = visitor.post(
        reverse("studio:guest_decide", args=[token, take.pk]),
        {"verdict": "approved", "note": "Love it"},
    )
    assert nameless.status_code == 422 and "Give your name" in nameless.content.decode()
    assert 'value="Love it"' in nameless.content.decode()  # kept
    visitor.post(
        reverse("studio:guest_decide", args=[token, take.pk]),
        {"verdict": "approved", "guest_name": "Dana from Brand"},
    )
    decision = Decision.objects.get(reviewer__isnull=True)
    assert decision.guest_name == "Dana from Brand" and decision.share_link == _link
    html = client.get(reverse("studio:take_page", args=[take.pk])).content.decode()
    assert "Approved by rita, the client" in html or "Approved by the client, rita" in html
    assert "Dana from Brand (client)" in html
    assert status(campaign) == CampaignStatus.APPROVED
    said = [a.text for a in activity(campaign) if a.kind == "approved"]
    assert any(s.startswith("Dana from Brand (client) approved take 1") for s in said)


def test_a_link_without_approval_lets_the_client_decide_nothing(campaign, shot):
    take = make_take(shot)
    _link, token = ShareLink.create(campaign=campaign, days=3)
    visitor = Client()
    assert 'id="client-approve"' not in visitor.get(guest(token, take.pk)).content.decode()
    response = visitor.post(
        reverse("studio:guest_decide", args=[token, take.pk]),
        {"verdict": "approved", "guest_name": "Dana"},
    )
    assert response.status_code == 403 and not Decision.objects.exists()


# --------------------------------------------------------------------------- status


def test_the_campaign_is_approved_when_every_cell_has_an_approved_take_without_heroes(
    client, rita, campaign
):
    add_format(campaign, "YouTube", "16:9")
    add_format(campaign, "Reels", "9:16")
    pour = make_shot(campaign, title="Pour")
    wide, tall = stored_take(pour, 1, "1280x720", b"w" * 50), stored_take(pour, 2, "720x1280", b"t")
    client.force_login(rita)
    client.post(reverse("studio:decide_selected"), {"take": [wide.pk], "verdict": "approved"})
    assert status(campaign) == CampaignStatus.IN_REVIEW  # the Reels cell is still to approve
    client.post(reverse("studio:decide_selected"), {"take": [tall.pk], "verdict": "approved"})
    assert status(campaign) == CampaignStatus.APPROVED
    grid = client.get(reverse("studio:deliverables", args=[campaign.pk])).content.decode()
    assert grid.count('data-status="approved"') == 2


def test_make_all_rough_cuts_makes_one_per_format_in_one_action(client, ed, rita, campaign):
    add_format(campaign, "YouTube", "16:9")
    add_format(campaign, "Reels", "9:16")
    pour = make_shot(campaign, title="Pour")
    for take in (stored_take(pour, 1, "1280x720", b"w"), stored_take(pour, 2, "720x1280", b"t")):
        Decision.objects.create(render=take, reviewer=rita, verdict="approved")
    client.force_login(ed)
    response = client.post(
        reverse("studio:cut_request", args=[campaign.pk]), {"format": "all"}, follow=True
    )
    assert sorted(Cut.objects.values_list("format__name", flat=True)) == ["Reels", "YouTube"]
    html = response.content.decode()
    assert "2 rough cuts queued: YouTube, Reels." in html and "while-working" in html
    assert 'id="make-all-cuts"' in html


def test_a_queued_message_is_marked_to_go_when_the_work_is_done(
    client, ed, campaign, shot, django_capture_on_commit_callbacks
):
    client.force_login(ed)
    response, _ = generate(client, shot, django_capture_on_commit_callbacks)
    html = client.get(response["Location"]).content.decode()
    # studio.js removes a "while-working" message once nothing on the page is in progress
    # (the browser test watches it go).
    assert 'class="message while-working success">Take 1 queued.' in html


# --------------------------------------------------------------------------- links


def test_link_presets_set_what_the_guest_may_do(client, alice, campaign, shot):
    client.force_login(alice)
    url = reverse("studio:share_links", args=[campaign.pk])
    for preset in ("review", "approve", "download"):
        client.post(url, {"preset": preset, "days": "7", "label": preset})
    links = {link.label: link for link in ShareLink.objects.all()}
    assert (links["review"].allow_comments, links["review"].allow_decisions) == (True, False)
    assert links["approve"].allow_decisions and links["approve"].allow_comments
    download = links["download"]
    assert download.allow_download and not download.allow_comments
    assert not download.allow_decisions
    page = client.get(url).content.decode()
    assert "Watch the spots and the takes, download the delivery package" in page
    one_shot = client.post(url, {"preset": "download", "days": "7", "shot": shot.pk})
    assert one_shot.status_code == 422 and "cannot be for one shot" in one_shot.content.decode()


def test_a_download_link_does_not_invite_comments(campaign, shot, rita):
    add_format(campaign, "YouTube", "16:9")
    take = stored_take(shot, 1, "1280x720", b"x" * 2048)
    Decision.objects.create(render=take, reviewer=rita, verdict="approved")
    _link, token = ShareLink.create(
        campaign=campaign, days=3, allow_comments=False, allow_download=True
    )
    visitor = Client()
    page = visitor.get(guest(token)).content.decode()
    assert (
        "With this link you can watch the spots and the takes, download the delivery package."
        in page
    )
    assert "comment" not in page.lower()
    weighs = filesizeformat(take.delivered()["bytes"])  # the signed copy the package holds
    assert f"ZIP, {weighs}: 1 video with manifest.json" in page


def test_the_client_s_page_groups_by_format_with_format_length_and_approval(campaign, shot, rita):
    add_format(campaign, "YouTube", "16:9")
    add_format(campaign, "Reels", "9:16")
    wide = stored_take(shot, 1, "1280x720", b"w", duration_ms=4000)
    stored_take(shot, 2, "720x1280", b"t", duration_ms=4000)
    Decision.objects.create(render=wide, reviewer=rita, verdict="approved")
    _link, token = ShareLink.create(campaign=campaign, days=3)
    page = Client().get(guest(token)).content.decode()
    assert page.index("YouTube · 16:9") < page.index("Reels · 9:16")
    assert "YouTube · 1280×720 (16:9)" in page and "Reels · 720×1280 (9:16)" in page
    assert page.count(">Approved<") == 1 and page.count(">To review<") == 1
    assert "rita" not in page  # members are not named to guests
    by_shot, token2 = ShareLink.create(campaign=campaign, days=3, group_by="shot")
    page = Client().get(guest(token2)).content.decode()
    assert f"1. {shot.title}" in page and "YouTube · 16:9" not in page


def test_a_link_s_comments_and_decisions_are_limited(campaign, shot, settings):
    settings.STUDIO_GUEST_WRITE_RATE = "2/h"
    take = make_take(shot)
    _link, token = ShareLink.create(campaign=campaign, days=3, allow_decisions=True)
    visitor = Client()
    url = reverse("studio:guest_decide", args=[token, take.pk])
    for verdict in ("approved", "changes_requested"):
        assert visitor.post(url, {"verdict": verdict, "guest_name": "Dana"}).status_code == 302
    third = Client().post(url, {"verdict": "approved", "guest_name": "Mallory"})
    assert third.status_code == 429 and third["Retry-After"] == "3600"
    comment = Client().post(guest(token, take.pk), {"body": "hi", "guest_name": "M"})
    assert comment.status_code == 429
    assert Decision.objects.count() == 2
