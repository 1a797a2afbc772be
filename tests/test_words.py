"""Right words (issue 11): takes counted as takes, "just now", no repeated facts, hero changes
in the activity feed."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from studio.templatetags.studio_tags import ago
from tests.factories import make_take


def test_the_board_counts_takes_not_retakes(client, vic, shot):
    for n in (1, 2, 3, 4):
        make_take(shot, take=n)
    client.force_login(vic)
    html = client.get(shot.campaign.get_absolute_url()).content.decode()
    assert "4 takes" in html and "retake" not in html


def test_ago_says_just_now_for_the_last_minute():
    now = timezone.now()
    assert ago(now) == "just now"
    assert ago(now - timedelta(seconds=59)) == "just now"
    assert ago(now - timedelta(minutes=5)) == "5\xa0minutes ago"
    assert ago(now - timedelta(days=2, hours=3)) == "2\xa0days ago"


def test_the_take_page_does_not_repeat_facts(client, vic, shot):
    take = make_take(shot, width=1280, height=720)
    client.force_login(vic)
    html = client.get(reverse("studio:take_page", args=[take.pk])).content.decode()
    assert "animatic · animatic" not in html
    assert "1280×720 (16:9)" in html and "stored 1280×720" not in html
    odd = make_take(shot, take=2, width=1272, height=720)
    html = client.get(reverse("studio:take_page", args=[odd.pk])).content.decode()
    assert "stored 1272×720" in html


def test_a_new_hero_take_shows_in_the_activity_feed(client, ed, shot):
    take = make_take(shot)
    client.force_login(ed)
    client.post(reverse("studio:take_hero", args=[take.pk]))
    html = client.get(reverse("studio:campaign_activity", args=[shot.campaign_id])).content.decode()
    assert f"ed made take 1 the hero take of “{shot.title}”" in html


def test_posters_on_the_board_dashboard_review_queue_and_activity(client, rita, shot):
    first = make_take(shot, take=1, thumbnail_key="t/1.jpg")
    newest = make_take(shot, take=2, thumbnail_key="t/2.jpg")
    make_take(shot, take=3)  # no poster yet
    client.force_login(rita)
    board = client.get(shot.campaign.get_absolute_url()).content.decode()
    assert f'src="/takes/{newest.pk}/media/thumbnail/"' in board  # the newest, with a poster
    shot.hero_take = first
    shot.save()
    board = client.get(shot.campaign.get_absolute_url()).content.decode()
    assert f'src="/takes/{first.pk}/media/thumbnail/"' in board  # the hero wins
    dashboard = client.get(reverse("studio:dashboard")).content.decode()
    assert f'src="/takes/{newest.pk}/media/thumbnail/"' in dashboard
    assert f'alt="Cover of {shot.campaign.name}"' in dashboard
    queue = client.get(reverse("studio:review_queue")).content.decode()
    assert f'src="/takes/{first.pk}/media/thumbnail/"' in queue
    client.post(reverse("studio:comment_add", args=[first.pk]), {"body": "Nice"})
    feed = client.get(reverse("studio:campaign_activity", args=[shot.campaign_id])).content.decode()
    assert f'src="/takes/{first.pk}/media/thumbnail/"' in feed
