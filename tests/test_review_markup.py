"""Drawings on the frame and range comments (issue 24, points 1–2) through the comment views:
stored in normalised coordinates with their frame's timecode, shown to the player, kept on a
guest page; anything malformed is a clear 422 with nothing stored and the form kept."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from studio.models import Comment, ShareLink
from tests.factories import guest, stored_take

pytestmark = pytest.mark.django_db

RECT = {"kind": "rect", "color": "red", "points": [[0.1, 0.2], [0.4, 0.5]]}
ARROW = {"kind": "arrow", "color": "yellow", "points": [[0.9, 0.9], [0.5, 0.55]]}


def post(client, take, **data):
    return client.post(reverse("studio:comment_add", args=[take.pk]), {"body": "Look here", **data})


def test_a_drawing_and_a_range_are_stored_and_given_to_the_player(client, ed, shot):
    take = stored_take(shot, 1, "1280x720", b"draw")
    client.force_login(ed)
    text = {"kind": "text", "color": "white", "points": [[0.2, 0.8]], "text": "<b>logo</b>"}
    drawing = json.dumps([RECT, ARROW, text])
    response = post(client, take, timecode="00:01.5", end_timecode="00:03.0", drawing=drawing)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.timecode_ms, comment.end_ms) == (1500, 3000)
    assert [s["kind"] for s in comment.drawing] == ["rect", "arrow", "text"]
    assert comment.drawing[0]["points"] == [[0.1, 0.2], [0.4, 0.5]]
    page = client.get(reverse("studio:take_page", args=[take.pk])).content.decode()
    assert (
        'data-seek="1.500" data-seek-end="3.000"' in page and f'data-drawing="{comment.pk}"' in page
    )
    assert "00:01.5–00:03.0" in page
    assert "\\u003Cb\\u003Elogo" in page and "<b>logo" not in page  # escaped for the player
    assert 'id="player-drawings"' in page and '"end": 3.0' in page


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"drawing": json.dumps([{**RECT, "points": [[0.1, 0.2], [1.4, 0.5]]}])}, "from 0 to 1"),
        ({"drawing": json.dumps([{**RECT, "points": [[0.1, "x"], [0.4, 0.5]]}])}, "from 0 to 1"),
        ({"drawing": json.dumps([{**RECT, "points": [[0.1, None], [0.4, 0.5]]}])}, "from 0 to 1"),
        ({"drawing": json.dumps([{**RECT, "color": "#123456"}])}, "colours are"),
        ({"drawing": json.dumps([{**RECT, "kind": "script"}])}, "shapes are"),
        (
            {
                "drawing": json.dumps(
                    [{"kind": "path", "color": "red", "points": [[0.5, 0.5]] * 401}]
                )
            },
            "wrong number",
        ),  # fmt: skip
        ({"drawing": json.dumps([RECT] * 41)}, "at most 40"),
        ({"drawing": "[" + ",".join([json.dumps(RECT)] * 2000) + "]"}, "too large"),
        ({"drawing": "{not json"}, "could not be read"),
        ({"drawing": json.dumps({"kind": "rect"})}, "list of shapes"),
        (
            {"drawing": json.dumps([{**RECT, "kind": "text", "points": [[0.1, 0.1]], "text": ""}])},
            "1 to 120",
        ),  # fmt: skip
        ({"end_timecode": "00:01.0"}, "ends after it starts"),
        ({"end_timecode": "00:59.0"}, "outside the take"),
        ({"timecode": "", "end_timecode": "00:02.0"}, "needs its in point"),
        ({"timecode": "", "drawing": json.dumps([RECT])}, "belongs to a frame"),
    ],
)
def test_a_bad_drawing_or_range_is_a_clear_422_and_nothing_is_stored(client, ed, shot, data, said):
    take = stored_take(shot, 1, "1280x720", b"bad")
    client.force_login(ed)
    response = post(client, take, **{"timecode": "00:01.5", **data})
    html = response.content.decode()
    assert response.status_code == 422 and said in html
    assert "Look here" in html  # what was typed is kept
    assert not Comment.objects.exists()


def test_a_guest_draws_when_the_link_lets_them_comment(shot):
    take = stored_take(shot, 1, "1280x720", b"guest")
    _link, token = ShareLink.create(campaign=shot.campaign, days=3)
    visitor = Client()
    visitor.get(guest(token))
    url = guest(token, take.pk)
    page = visitor.get(url).content.decode()
    assert "data-draw-tool" in page
    response = visitor.post(url, {"guest_name": "Cleo", "body": "Brighter here",
                                  "timecode": "1.5", "drawing": json.dumps([ARROW])})  # fmt: skip
    assert response.status_code == 302
    assert Comment.objects.get().drawing[0]["kind"] == "arrow"
    refused = visitor.post(url, {"guest_name": "Cleo", "body": "x", "timecode": "1.5",
                                 "drawing": "[1]"})  # fmt: skip
    assert refused.status_code == 422 and Comment.objects.count() == 1
