from __future__ import annotations

import pytest
from django.urls import reverse

from studio.models import Shot
from tests.factories import make_campaign, make_shot, make_take

HTMX = {"HTTP_HX_REQUEST": "true"}


def titles(campaign):
    return list(campaign.shots.order_by("position").values_list("title", flat=True))


def test_it_shows_shots_in_order(client, alice, campaign):
    make_shot(campaign, title="Opening")
    make_shot(campaign, title="Closing")
    client.force_login(alice)
    response = client.get(reverse("studio:campaign_board", args=[campaign.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Opening") < html.index("Closing")


def test_it_adds_a_shot_inline(client, ed, campaign):
    client.force_login(ed)
    response = client.post(
        reverse("studio:shot_create", args=[campaign.pk]),
        {"title": "Steam rising", "scene": "Macro of steam over a cup"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()  # only the partial
    assert 'id="shots"' in response.content.decode()
    shot = campaign.shots.get()
    assert (shot.title, shot.position, shot.prompt["scene"]) == (
        "Steam rising",
        1,
        "Macro of steam over a cup",
    )


def test_an_invalid_shot_keeps_the_input_and_says_why(client, ed, campaign):
    client.force_login(ed)
    response = client.post(
        reverse("studio:shot_create", args=[campaign.pk]),
        {"title": "", "scene": "Kept scene"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "This field is required." in html
    assert "Kept scene" in html
    assert not campaign.shots.exists()


def test_without_htmx_it_redirects_back_to_the_board(client, ed, campaign):
    client.force_login(ed)
    response = client.post(reverse("studio:shot_create", args=[campaign.pk]), {"title": "Plain"})
    assert response.status_code == 302
    assert response["Location"] == campaign.get_absolute_url()


def test_it_edits_a_shot_inline(client, ed, shot):
    client.force_login(ed)
    url = reverse("studio:shot_edit", args=[shot.campaign_id, shot.pk])
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert 'name="title"' in form.content.decode()
    response = client.post(url, {"title": "Renamed", "scene": "New scene"}, **HTMX)
    assert response.status_code == 200
    assert f'id="shot-{shot.pk}"' in response.content.decode()
    shot.refresh_from_db()
    assert (shot.title, shot.prompt["scene"]) == ("Renamed", "New scene")


def test_it_deletes_a_shot_and_renumbers(client, ed, campaign):
    first, second, third = (make_shot(campaign, title=t) for t in ("A", "B", "C"))
    client.force_login(ed)
    response = client.post(reverse("studio:shot_delete", args=[campaign.pk, second.pk]), **HTMX)
    assert response.status_code == 200
    assert not Shot.objects.filter(pk=second.pk).exists()
    assert list(campaign.shots.values_list("title", "position")) == [("A", 1), ("C", 2)]


@pytest.mark.parametrize(
    "moved, direction, expected",
    [
        ("C", "up", ["A", "C", "B"]),
        ("A", "down", ["B", "A", "C"]),
        ("A", "up", ["A", "B", "C"]),
        ("C", "down", ["A", "B", "C"]),
    ],
)
def test_it_reorders_shots(client, ed, campaign, moved, direction, expected):
    shots = {t: make_shot(campaign, title=t) for t in ("A", "B", "C")}
    client.force_login(ed)
    response = client.post(
        reverse("studio:shot_move", args=[campaign.pk, shots[moved].pk]),
        {"direction": direction},
        **HTMX,
    )
    assert response.status_code == 200
    assert titles(campaign) == expected
    html = response.content.decode()
    assert [html.index(f'data-shot-title="{t}"') for t in expected] == sorted(
        html.index(f'data-shot-title="{t}"') for t in expected
    )


def test_a_bad_direction_is_refused(client, ed, shot):
    client.force_login(ed)
    response = client.post(
        reverse("studio:shot_move", args=[shot.campaign_id, shot.pk]), {"direction": "sideways"}
    )
    assert response.status_code == 400


def test_a_shot_of_another_campaign_is_not_found(client, ed, workspace, shot):
    other = make_campaign(workspace, name="Other")
    client.force_login(ed)
    response = client.get(reverse("studio:shot_detail", args=[other.pk, shot.pk]))
    assert response.status_code == 404


def test_viewers_see_no_edit_controls(client, vic, shot):
    client.force_login(vic)
    html = client.get(reverse("studio:campaign_board", args=[shot.campaign_id])).content.decode()
    assert "Add a shot" not in html
    assert "Move" not in html


def test_shot_titles_are_escaped(client, alice, campaign):
    make_shot(campaign, title='<script>alert("x")</script>')
    client.force_login(alice)
    html = client.get(reverse("studio:campaign_board", args=[campaign.pk])).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("count", [1, 50])
def test_board_query_count_is_constant(
    client, alice, rita, campaign, django_assert_num_queries, count
):
    from studio.models import Decision

    for i in range(count):
        shot = make_shot(campaign, title=f"Shot {i}")
        take = make_take(shot, stored=False)
        Decision.objects.create(render=take, reviewer=rita, verdict="approved")
    client.force_login(alice)
    url = reverse("studio:campaign_board", args=[campaign.pk])
    # session, user, campaign with role, memberships for the switcher, shots, takes, decisions,
    # the campaign's required approvers
    with django_assert_num_queries(8):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('class="shot-row"') == count
    assert html.count('data-shot-status="approved"') == count


def test_a_long_board_comes_a_page_at_a_time_with_constant_queries(
    client, alice, campaign, django_assert_num_queries
):
    from studio.views.campaigns import BOARD_PAGE

    Shot.objects.bulk_create(
        Shot(campaign=campaign, title=f"Shot {i}", position=i, prompt={"scene": "x"})
        for i in range(1, 2 * BOARD_PAGE + 31)
    )
    client.force_login(alice)
    url = reverse("studio:campaign_board", args=[campaign.pk])
    # The 8 of a short board, the count of all shots, and no decisions to read (no takes).
    with django_assert_num_queries(8):
        first = client.get(url).content.decode()
    assert first.count('class="shot-row"') == BOARD_PAGE
    assert f'Shots <span class="muted">({2 * BOARD_PAGE + 30})' in first
    assert f'hx-get="{url}?after={BOARD_PAGE}"' in first and 'hx-trigger="revealed"' in first
    with django_assert_num_queries(8):
        second = client.get(f"{url}?after={BOARD_PAGE}", HTTP_HX_REQUEST="true").content.decode()
    assert second.count('class="shot-row"') == BOARD_PAGE
    assert f">Shot {BOARD_PAGE + 1}<" in second and "<h2>" not in second  # rows only
    assert f"?after={2 * BOARD_PAGE}" in second
    last = client.get(f"{url}?after={2 * BOARD_PAGE}", HTTP_HX_REQUEST="true").content.decode()
    assert last.count('class="shot-row"') == 30 and "shot-more" not in last
    plain = client.get(f"{url}?after={BOARD_PAGE}").content.decode()  # without JavaScript
    assert "<h2>" in plain and plain.count('class="shot-row"') == BOARD_PAGE


def test_a_shot_moved_on_a_later_page_stays_in_view(client, ed, campaign):
    from studio.views.campaigns import BOARD_PAGE

    Shot.objects.bulk_create(
        Shot(campaign=campaign, title=f"Shot {i}", position=i, prompt={"scene": "x"})
        for i in range(1, BOARD_PAGE + 21)
    )
    moved = Shot.objects.get(campaign=campaign, position=BOARD_PAGE + 10)
    client.force_login(ed)
    response = client.post(
        reverse("studio:shot_move", args=[campaign.pk, moved.pk]),
        {"direction": "down"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    moved.refresh_from_db()
    assert moved.position == BOARD_PAGE + 11
    assert f'id="shot-{moved.pk}"' in html  # the board grew to the shot, and one past it
    assert html.count('class="shot-row"') == moved.position + 1


def test_the_board_refreshes_its_shots_in_flight_until_none_is(
    client, vic, campaign, django_assert_max_num_queries
):
    from generation.models import Render

    busy = make_shot(campaign, title="Busy")
    idle = make_shot(campaign, title="Idle")
    take = make_take(busy, status="in_progress")
    make_take(idle)
    client.force_login(vic)
    page = client.get(reverse("studio:campaign_board", args=[campaign.pk])).content.decode()
    refresh = f"?refresh={busy.pk}"
    assert f'id="board-poller" hx-get="/c/{campaign.pk}/{refresh}"' in page
    assert "data-working" in page  # the "takes queued" message stays while they render
    url = reverse("studio:campaign_board", args=[campaign.pk]) + refresh
    polled = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f'id="shot-{busy.pk}"' in polled and 'hx-swap-oob="true"' in polled
    assert f'id="shot-{idle.pk}"' not in polled
    assert 'data-shot-status="generating"' in polled and "hx-get" in polled
    Render.objects.filter(pk=take.pk).update(status="completed")
    with django_assert_max_num_queries(8):
        done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-shot-status="in_review"' in done
    assert '<div id="board-poller"></div>' in done  # nothing in flight: the poll stops
    board = reverse("studio:campaign_board", args=[campaign.pk])
    bad = client.get(board + "?refresh=x,²", HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "shot-row" not in bad.content.decode()
