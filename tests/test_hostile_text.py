"""Text the studio accepts (issue 34, points 1–3): control characters cleaned where text enters
(member and guest forms, a language model's answers), NUL refused with a clear error, every
writer of an exchange format safe on any stored text (read back by parsers other than the
studio's), single-line fields single-line, JSON from outside bounded in depth, and clear
answers where a 500 was. Each test failed before its fix; the suite also runs on PostgreSQL
(`make test`), which refuses NUL outright."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import opentimelineio as otio
import pytest
from django.test import Client
from django.urls import reverse

from generation import text
from studio.models import Campaign, Comment, Decision, ShareLink, Shot
from tests.factories import delivered_campaign, form_fields, guest, make_shot, make_take, zip_of

pytestmark = pytest.mark.django_db

NASTY = "Brighter\x01 here\x0b,\x1b[31m please\x7f\x85 — and\u2028 now\ufffe"
DEEP = "[" * 20_000 + "]" * 20_000  # 40 KB: under every size limit


def _guest_link(campaign, **allow):
    _link, token = ShareLink.create(campaign=campaign, days=3, **allow)
    visitor = Client()
    visitor.get(guest(token))
    return visitor, token


def _no_controls(value: str, multiline: bool = True) -> bool:
    allowed = {"\n", "\t"} if multiline else set()
    return not any(
        (ord(c) < 32 and c not in allowed) or 0x7F <= ord(c) <= 0x9F or c in "\ufffe\u2028"
        for c in value
    )


# --------------------------------------------------------------------------- the rules


def test_the_rules_for_lines_blocks_and_json():
    assert text.line("Hero\npour\t\x01now\r\n001  BL V C") == "Hero pour now 001  BL V C"
    assert text.block("a\r\nb\rc\x01\td\u2028e\ud800") == "a\nb\nc\td\ne"
    assert text.strings({"k\n": ["x\x00y", {"z": "\x1b"}], "n": 3}) == {
        "k": ["xy", {"z": ""}],
        "n": 3,
    }
    with pytest.raises(text.TooDeep):
        text.loads(DEEP)
    with pytest.raises(text.TooDeep):
        text.loads("[" * 40 + "]" * 40)  # parses, but deeper than the studio reads
    assert text.loads('{"a": [[1]]}') == {"a": [[1]]}
    with pytest.raises(Exception) as refused:
        text.typed("a\x00b")
    assert "Null characters" in str(refused.value)


# --------------------------------------------------------------------------- guests and members


def test_a_guest_s_control_characters_never_reach_delivery(client, rita, vic, campaign):
    approved, _ = delivered_campaign(campaign, rita)
    visitor, token = _guest_link(campaign, allow_download=True)
    response = visitor.post(
        guest(token, approved[0].pk),
        {"guest_name": "Cleo\x01\nBcc: x@evil", "body": NASTY, "timecode": "1.5"},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert _no_controls(comment.body) and _no_controls(comment.guest_name, multiline=False)
    assert comment.guest_name == "Cleo Bcc: x@evil"
    client.force_login(vic)
    for url in (
        reverse("studio:package_download", args=[campaign.pk]),
        reverse("studio:guest_package", args=[token]),
    ):
        downloader = visitor if "/s/" in url else client
        archive = zip_of(downloader.get(url))
        manifest = json.loads(archive.read("spring-launch/manifest.json"))
        assert manifest["files"]
        for name in archive.namelist():
            if name.endswith(".fcpxml"):
                ElementTree.fromstring(archive.read(name))  # a second parser reads it


def test_stored_text_of_any_age_is_written_safely_by_every_exchange_format(
    client, rita, vic, campaign
):
    """Rows written before the rules (or behind them): every writer still makes a file that
    another parser reads, and an EDL's TITLE stays one line."""
    approved, _ = delivered_campaign(campaign, rita)
    Campaign.objects.filter(pk=campaign.pk).update(
        name="Spring launch\n001  BL V C        00:00:00:00 00:00:01:00\x01"
    )
    Shot.objects.filter(campaign=campaign).update(title="Hero\r\npour\x02")
    Comment.objects.create(render=approved[0], author=rita, body="Too dark", timecode_ms=500)
    Comment.objects.filter(author=rita).update(body="Too\x01 dark\x0c\nreally\x1b")
    Decision.objects.filter(render=approved[0]).update(note="Fine\x01\x1b")
    client.force_login(vic)
    fmt = campaign.formats.get(name="YouTube")
    for kind, read in (
        ("fcpxml", ElementTree.fromstring),
        ("xml", ElementTree.fromstring),
        ("otio", lambda body: otio.adapters.read_from_string(body, "otio_json")),
        ("csv", lambda body: list(csv.reader(io.StringIO(body)))),
    ):
        url = reverse("studio:format_timeline", args=[campaign.pk, fmt.pk, kind])
        response = client.get(url)
        assert response.status_code == 200, kind
        read(response.content.decode())
    edl = client.get(reverse("studio:format_timeline", args=[campaign.pk, fmt.pk, "edl"]))
    lines = edl.content.decode().splitlines()
    assert [line for line in lines if line.startswith("TITLE:")] == [
        "TITLE: Spring launch 001  BL V C        00:00:00:00 00:00:01:00 — YouTube"
    ]
    events = [line for line in lines if line[:3].isdigit()]
    back = otio.adapters.read_from_string(edl.content.decode(), "cmx_3600")
    assert len(events) == len(list(back.find_clips())) == 2  # no event smuggled in
    markers = client.get(reverse("studio:take_markers", args=[approved[0].pk, "fcpxml"]))
    ElementTree.fromstring(markers.content.decode())
    archive = zip_of(client.get(reverse("studio:package_download", args=[campaign.pk])))
    (name,) = [n for n in archive.namelist() if n.endswith("/manifest.csv")]
    rows = list(csv.DictReader(io.StringIO(archive.read(name).decode())))
    assert rows and all(_no_controls(value or "") for row in rows for value in row.values())


@pytest.mark.parametrize("where", ["member", "guest", "client", "drawing"])
def test_nul_is_a_clear_error_and_nothing_is_stored(client, ed, campaign, where):
    take = make_take(make_shot(campaign))
    if where == "member":
        client.force_login(ed)
        response = client.post(
            reverse("studio:comment_add", args=[take.pk]), {"body": "Lo\x00ok here"}
        )
    else:
        allow = {"allow_decisions": True} if where == "client" else {}
        visitor, token = _guest_link(campaign, **allow)
        if where == "client":
            response = visitor.post(
                reverse("studio:guest_decide", args=[token, take.pk]),
                {"guest_name": "Cleo", "verdict": "approved", "note": "Fi\x00ne"},
            )
        else:
            drawing = [{"kind": "text", "color": "red", "points": [[0.1, 0.1]], "text": "a\x00"}]
            response = visitor.post(
                guest(token, take.pk),
                {
                    "guest_name": "Cleo",
                    "body": "Lo\x00ok here" if where == "guest" else "Look here",
                    "timecode": "1",
                    "drawing": json.dumps(drawing) if where == "drawing" else "",
                },
            )
    assert response.status_code == 422
    assert "Null characters are not allowed" in response.content.decode()
    assert not Comment.objects.exists() and not Decision.objects.exists()


def test_single_line_fields_are_single_line_from_every_form(client, ed, campaign, shot):
    client.force_login(ed)
    data = {"name": "Spring\nlaunch\x01", "brief": "Line one\r\nline\x02 two", "status": "planning"}
    response = client.post(reverse("studio:campaign_edit", args=[campaign.pk]), data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Spring launch" and campaign.brief == "Line one\nline two"
    refused = client.post(
        reverse("studio:campaign_edit", args=[campaign.pk]), {**data, "name": "Spring\x00"}
    )
    assert refused.status_code in (200, 422)
    assert "Null characters are not allowed" in refused.content.decode()
    shot.title = "Hero\npour\t\x1b"  # whoever writes the row, it is saved as one line
    shot.save()
    shot.refresh_from_db()
    assert shot.title == "Hero pour"


def test_a_member_deletes_a_guest_s_comment_but_not_a_colleague_s(client, ed, rita, campaign):
    take = make_take(make_shot(campaign))
    link, _token = ShareLink.create(campaign=campaign, days=3)
    theirs = Comment.objects.create(render=take, guest_name="Cleo", body="x", share_link=link)
    reply = Comment.objects.create(render=take, author=rita, body="y", parent=theirs)
    colleague = Comment.objects.create(render=take, author=rita, body="Keep me")
    client.force_login(ed)
    page = client.get(reverse("studio:take_page", args=[take.pk])).content.decode()
    assert reverse("studio:comment_delete", args=[theirs.pk]) in page
    assert reverse("studio:comment_delete", args=[colleague.pk]) not in page
    assert client.get(reverse("studio:comment_delete", args=[theirs.pk])).status_code == 405
    refused = client.post(reverse("studio:comment_delete", args=[colleague.pk]))
    assert refused.status_code == 403 and Comment.objects.filter(pk=colleague.pk).exists()
    done = client.post(reverse("studio:comment_delete", args=[theirs.pk]))
    assert done.status_code == 302
    assert not Comment.objects.filter(pk__in=[theirs.pk, reply.pk]).exists()
    client.force_login(rita)
    assert client.post(reverse("studio:comment_delete", args=[colleague.pk])).status_code == 302


# --------------------------------------------------------------------------- clear answers


def test_the_verify_page_answers_clearly_for_a_bad_or_empty_take(client, ed, shot):
    client.force_login(ed)
    url = reverse("studio:verify")
    assert client.get(url, {"take": "²"}).status_code == 404
    assert client.get(url, {"take": "12a"}).status_code == 404
    waiting = make_take(shot, status="queued")
    response = client.get(url, {"take": str(waiting.pk)})
    assert response.status_code == 409
    assert "has no video yet" in response.content.decode()


def test_a_drawing_nested_twenty_thousand_deep_is_a_clear_422(shot):
    take = make_take(shot)
    visitor, token = _guest_link(shot.campaign)
    response = visitor.post(
        guest(token, take.pk),
        {"guest_name": "Cleo", "body": "Look", "timecode": "1", "drawing": DEEP},
    )
    assert response.status_code == 422
    assert "nested too deeply" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_plan_row_with_deep_layers_keeps_the_row(client, ed, campaign):
    client.force_login(ed)
    url = reverse("studio:plan_shots", args=[campaign.pk])
    brief = "Northwind Coffee launches its new Cold Brew for busy commuters."
    sent = {"brief": brief, "product": "Cold Brew", "target": "12", "model_key": "animatic"}
    data = form_fields(client.post(url, {**sent, "op": "draft"}).content.decode())
    data.update(sent, op="add")
    data["row-0-layers"] = DEEP
    data["row-0-title"] = "Kept\x01 as typed"
    response = client.post(url, data)
    assert response.status_code == 200
    assert form_fields(response.content.decode())["row-0-title"] == "Kept as typed"


def test_a_model_s_deep_answer_is_said_and_the_brief_kept(client, ed, campaign, chat):
    client.force_login(ed)
    url = reverse("studio:plan_shots", args=[campaign.pk])
    sent = {"target": "20", "model_key": "animatic", "op": "draft", "planner": "llm"}
    sent["product"] = "Cold Brew"
    response = client.post(url, {**sent, "brief": "deeply nested, my careful brief"})
    html = response.content.decode()
    assert response.status_code == 422 and "did not fit" in html
    assert "deeply nested, my careful brief" in html and not Shot.objects.exists()


def test_a_model_s_control_characters_are_cleaned(client, ed, campaign, chat):
    client.force_login(ed)
    url = reverse("studio:plan_shots", args=[campaign.pk])
    sent = {"target": "20", "model_key": "animatic", "op": "draft", "planner": "llm"}
    sent["product"] = "Cold Brew"
    response = client.post(url, {**sent, "brief": "control characters please"})
    assert response.status_code == 200
    data = form_fields(response.content.decode())
    titles = [v for k, v in data.items() if k.endswith("-title")]
    assert "Cold\x01 open" not in titles and "Cold open" in titles
    assert all(_no_controls(v) for v in data.values())
