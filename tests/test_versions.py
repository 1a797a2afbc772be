"""Versions of the spot (issue 38) through their pages and the queue: markets with their own
texts (drafted from the master "to translate", edited in one table, a market's banned word
refused, approved per market), hooks (another first shot), and every version made in one
action: each market's supers found by their pixels in its own script (German with diacritics,
Arabic laid out right to left), its captions its own words only, a change of the master said on
every version it touches."""

from __future__ import annotations

import json
import re

import numpy as np
import pysubs2
import pytest
from django.urls import reverse
from PIL import Image, ImageDraw

from generation.media import typesetting
from studio.models import Decision, Market, MarketText, Shot, Spot, SpotStatus
from studio.production import spots, versions
from tests.factories import make_shot, zip_of
from tests.test_spots import _frame, _local, _magenta, _take, tiktok  # noqa: F401

GERMAN = {"super": "Kaltgebrüht, fertig", "voice": "Kalt gebrüht, wann du willst."}
ARABIC = {"super": "قهوة باردة", "voice": "قهوة باردة جاهزة"}


def _texts(client, campaign, market, values, op="save", **extra):
    data = {"market": market.pk, "op": op, **extra}
    data.update({f"t-{key}": value for key, value in values.items()})
    return client.post(reverse("studio:version_texts", args=[campaign.pk]), data)


def _add_market(client, campaign, code, **fields) -> Market:
    response = client.post(
        reverse("studio:market_add", args=[campaign.pk]), {"code": code, **fields}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == reverse("studio:versions", args=[campaign.pk])
    return Market.objects.get(campaign=campaign, code=code)


def test_a_market_s_texts_are_drafted_edited_checked_and_approved(client, ed, campaign, tiktok):  # noqa: F811
    client.force_login(ed)
    bad = client.post(reverse("studio:market_add", args=[campaign.pk]), {"code": "German"})
    assert bad.status_code == 422 and "de-DE" in bad.content.decode()
    market = _add_market(client, campaign, "de-DE", banned_words="billig", legal_line="AGB gelten.")
    texts = {t.item: t for t in market.texts.all()}
    first, second = campaign.shots.order_by("position")
    assert (
        texts[f"super:{first.pk}"].text == "Cold brew, ready"
        and texts[f"super:{first.pk}"].to_translate
    )
    assert texts["legal"].text == "AGB gelten." and not texts["legal"].to_translate
    page = client.get(reverse("studio:version_texts", args=[campaign.pk])).content.decode()
    assert "to translate" in page and "Cold brew, ready" in page
    # A banned word of the market is refused, and what was typed is kept.
    refused = _texts(client, campaign, market, {f"super:{first.pk}": "Billig und kalt"})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "“billig” is a banned word in de-DE." in body and 'value="Billig und kalt"' in body
    assert (
        MarketText.objects.get(market=market, item=f"super:{first.pk}").text == "Cold brew, ready"
    )
    # A voice line longer than its shot is said, with the seconds over.
    long = _texts(client, campaign, market, {f"voice:{first.pk}": "Sehr " * 30})
    assert long.status_code == 422 and "s over its shot&#x27;s 4 s." in long.content.decode()
    # Approving while texts are still to translate is refused, saying which.
    saved = _texts(client, campaign, market, {f"super:{first.pk}": GERMAN["super"]})
    assert saved.status_code == 302
    refused = _texts(client, campaign, market, {}, op="approve")
    assert refused.status_code == 422 and "Still to translate in de-DE" in refused.content.decode()
    values = {
        f"super:{second.pk}": "Zwölf Stunden gezogen",
        f"voice:{first.pk}": GERMAN["voice"],
        f"voice:{second.pk}": "Zwölf Stunden gezogen.",
        "call": "Jetzt bestellen",
    }
    assert _texts(client, campaign, market, values, op="approve").status_code == 302
    market.refresh_from_db()
    assert market.approved and not market.texts.filter(to_translate=True).exists()
    # The market's voice: a recording must be one of the workspace's; none is none.
    refused = _texts(client, campaign, market, {}, voice="recording")
    assert refused.status_code == 422 and "de-DE voice-over recording" in refused.content.decode()
    assert _texts(client, campaign, market, {}, voice="none").status_code == 302
    market.refresh_from_db()
    assert market.voice == "none" and market.approved  # the texts did not change
    # A hook on a shot of the body (it also opens the spot) leaves the master as it is.
    response = client.post(reverse("studio:hook_add", args=[campaign.pk]), {"shot": second.pk})
    assert response.status_code == 302
    hook = campaign.hooks.get()
    assert (hook.name, hook.only_opening) == ("B", False)
    master = spots.plan(campaign, tiktok)
    assert [p["shot"] for p in master.plan["pieces"]] == [first.pk, second.pk]
    opening = versions.plan(campaign, tiktok, None, hook, versions.Context.of(campaign))
    assert [p["shot"] for p in opening.plan["pieces"]] == [second.pk, second.pk]
    # An edit after approval lapses it.
    _texts(client, campaign, market, {"call": "Heute bestellen"})
    market.refresh_from_db()
    assert not market.approved


def _approve_all(client, campaign, market, language, second):
    first = campaign.shots.order_by("position").first()
    values = {
        f"super:{first.pk}": language["super"],
        f"voice:{first.pk}": language["voice"],
        f"super:{second.pk}": language["super"],
        f"voice:{second.pk}": language["voice"],
    }
    response = _texts(client, campaign, market, values, op="approve", as_they_are="1")
    assert response.status_code == 302, response.content.decode()[:800]


def _word_x(mask: np.ndarray, word: str, size: int) -> int:
    """Where `word`, set at `size` in the studio's font, best matches the mask (its left x)."""
    face = typesetting.font(None, size)
    image = Image.new("L", (int(face.getlength(word)) + 8, size * 2), 0)
    ImageDraw.Draw(image).text((4, size // 4), word, font=face, fill=255)
    glyph = np.array(image.crop(image.getbbox())) > 128
    height, width = glyph.shape
    rows = mask.shape[0] - height
    best = max(
        ((x, y) for y in range(0, max(1, rows), 2) for x in range(0, mask.shape[1] - width, 2)),
        key=lambda xy: (mask[xy[1] : xy[1] + height, xy[0] : xy[0] + width] & glyph).sum(),
    )
    return best[0]


def test_every_market_and_hook_is_made_in_one_action_in_its_own_script(
    client,
    alice,
    ed,
    rita,
    campaign,
    tiktok,  # noqa: F811
    django_capture_on_commit_callbacks,
    tmp_path,
):
    capture = django_capture_on_commit_callbacks
    client.force_login(ed)
    first, second = campaign.shots.order_by("position")
    # Hook B: the spot opening on another shot, made in the format like any.
    opener = make_shot(
        campaign, title="Alt open", size="720x1280", seconds=4, on_screen_text="Iced, at last",
        prompt={"scene": "Ice drops into a glass."},
    )  # fmt: skip
    take = _take(opener, ed, capture)
    Decision.objects.create(render=take, reviewer=rita, verdict="approved")
    Shot.objects.filter(pk=opener.pk).update(hero_take=take)
    response = client.post(
        reverse("studio:hook_add", args=[campaign.pk]), {"shot": opener.pk, "only_opening": "1"}
    )
    assert response.status_code == 302
    # The hook's shot is not a shot of the master.
    master = spots.plan(campaign, tiktok)
    assert [p["shot"] for p in master.plan["pieces"]] == [first.pk, second.pk]
    german = _add_market(client, campaign, "de-DE", legal_line="AGB gelten.")
    arabic = _add_market(client, campaign, "ar-EG", legal_line="تطبق الشروط.")
    # Not approved yet: "Make all versions" makes none of theirs and says why.
    with capture(execute=True):
        client.post(reverse("studio:versions_make", args=[campaign.pk]))
    assert not Spot.objects.versions().exists()
    _approve_all(client, campaign, german, GERMAN, second)
    _approve_all(client, campaign, arabic, ARABIC, second)
    page = client.get(reverse("studio:versions", args=[campaign.pk])).content.decode()
    assert "4 to make" in page  # 2 markets × 2 hooks × 1 channel
    with capture(execute=True):
        made = client.post(reverse("studio:versions_make", args=[campaign.pk]))
    assert made.status_code == 302
    made = list(Spot.objects.versions().select_related("market", "hook"))
    assert len(made) == 4 and all(s.status == SpotStatus.COMPLETED for s in made), [
        s.error for s in made
    ]
    assert all(s.passes for s in made), [s.failures for s in made]
    by = {(s.market.code, s.hook.name if s.hook else "A"): s for s in made}
    # German: its super found by its pixels, in its box; its captions its own words only.
    de = by[("de-DE", "A")]
    video = _local(de.video_key, tmp_path, "de.mp4")
    box = next(b for b in de.plan["text_boxes"] if b["kind"] == "super")
    assert box["text"] == GERMAN["super"]
    left, top, right, bottom = box["box"]
    found = [(x, y) for x, y in _magenta(_frame(video, 1.0, tmp_path)) if top <= y <= bottom]
    assert len(found) > 100 and all(left <= x <= right for x, _ in found)
    srt = pysubs2.SSAFile.from_string(
        client.get(reverse("studio:spot_media", args=[campaign.pk, de.pk, "srt"]))
        .getvalue()
        .decode()
    )
    said = " ".join(line.plaintext for line in srt)
    assert GERMAN["voice"] in said and "Cold brew" not in said and "قهوة" not in said
    # Arabic: set right to left — its first word stands right of its second in the frame.
    ar = by[("ar-EG", "A")]
    video = _local(ar.video_key, tmp_path, "ar.mp4")
    box = next(b for b in ar.plan["text_boxes"] if b["kind"] == "super")
    left, top, right, bottom = box["box"]
    frame = np.array(_frame(video, 1.0, tmp_path).crop((left, top, right, bottom)))
    mask = (frame[..., 0] > 170) & (frame[..., 2] > 170) & (frame[..., 1] < 110)
    assert mask.sum() > 100
    word_one, word_two = ARABIC["super"].split()
    one, two = _word_x(mask, word_one, box["size"]), _word_x(mask, word_two, box["size"])
    assert one > two
    srt = client.get(reverse("studio:spot_media", args=[campaign.pk, ar.pk, "srt"])).getvalue()
    assert ARABIC["voice"] in srt.decode() and "Kalt" not in srt.decode()
    # Hook B opens on its shot.
    assert by[("de-DE", "B")].plan["pieces"][0]["shot"] == opener.pk
    # The package holds the versions by market, channel and hook, with their captions.
    package = zip_of(client.get(reverse("studio:package_download", args=[campaign.pk])))
    names = package.namelist()
    root = names[0].split("/")[0]
    for code in ("de-DE", "ar-EG"):
        for hook in "AB":
            assert f"{root}/{code}/tiktok-9x16-hook-{hook}.mp4" in names
            assert f"{root}/{code}/tiktok-9x16-hook-{hook}.srt" in names
    record = json.loads(package.read(f"{root}/manifest.json"))
    entry = next(v for v in record["versions"] if (v["market"], v["hook"]) == ("de-DE", "A"))
    assert entry["texts"]["supers"] == [GERMAN["super"]] * 2 and entry["preflight"]
    assert entry["path"] == f"{root}/de-DE/tiktok-9x16-hook-A.mp4"
    # A link for one market: its guest sees and downloads that market's versions only.
    client.force_login(alice)  # an owner shares
    response = client.post(
        reverse("studio:share_links", args=[campaign.pk]),
        {"preset": "download", "days": "7", "market": german.pk},
    )
    token = re.search(r'/s/([^/"]+)/" id="new-link-url', response.content.decode())
    token = token or re.search(r'value="[^"]*/s/([^/"]+)/"', response.content.decode())
    assert token, response.content.decode()[:300]
    client.logout()
    scope = client.get(reverse("studio:guest_entry", args=[token.group(1)])).content.decode()
    shown = re.findall(r'data-spot="(\d+)"', scope)
    assert sorted(int(pk) for pk in shown) == sorted(s.pk for s in made if s.market == german)
    guest = zip_of(client.get(reverse("studio:guest_package", args=[token.group(1)])))
    videos = [n for n in guest.namelist() if n.endswith(".mp4")]
    assert sorted(videos) == [f"{root}/de-DE/tiktok-9x16-hook-{h}.mp4" for h in "AB"]
    other = by[("ar-EG", "A")]
    hidden = client.get(reverse("studio:guest_spot", args=[token.group(1), other.pk]))
    assert hidden.status_code == 404
    client.force_login(ed)
    # A change of the master's hero makes every version stale, saying what changed.
    Shot.objects.filter(pk=second.pk).update(hero_take=_take(second, ed, capture))
    cells = versions.cells(campaign)
    assert {c.status for c in cells} == {"stale"} and all("a hero take" in c.changed for c in cells)
    page = client.get(reverse("studio:versions", args=[campaign.pk])).content.decode()
    assert page.count("Changed since: a hero take") == 4


@pytest.mark.usefixtures("tiktok")
def test_a_language_model_drafts_a_market_s_texts_within_its_rules(client, ed, campaign, chat):
    client.force_login(ed)
    first = campaign.shots.order_by("position").first()
    Shot.objects.filter(pk=first.pk).update(on_screen_text="Cold brew banned-test")
    response = client.post(
        reverse("studio:market_add", args=[campaign.pk]),
        {"code": "fr-FR", "banned_words": "billig"},
        follow=True,
    )
    assert "drafted by the language model" in response.content.decode()
    market = Market.objects.get(code="fr-FR")
    texts = {t.item: t for t in market.texts.all()}
    assert texts[f"super:{first.pk}"].text == "[fr] Cold brew banned-test"  # repaired once
    assert not any(t.to_translate for t in texts.values() if t.text)
    (asked, repaired) = [r["body"] for r in chat.requests][-2:]
    assert "Never use these words: billig" in asked["messages"][0]["content"]
    assert "banned word in fr-FR" in repaired["messages"][-1]["content"]
    # A model that cannot draft: the master's texts are copied, marked, and it is said.
    Shot.objects.filter(pk=first.pk).update(on_screen_text="untranslatable")
    response = client.post(
        reverse("studio:market_add", args=[campaign.pk]), {"code": "it-IT"}, follow=True
    )
    assert "copied from the master, to translate" in response.content.decode()
    market = Market.objects.get(code="it-IT")
    assert market.texts.get(item=f"super:{first.pk}").to_translate


@pytest.mark.usefixtures("tiktok")
def test_the_versions_grid_costs_the_same_queries_as_markets_and_hooks_grow(client, ed, campaign):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from studio.production import market_texts

    client.force_login(ed)
    second = campaign.shots.order_by("position").last()
    url = reverse("studio:versions", args=[campaign.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    market_texts.add_market(campaign, "de-DE")
    market_texts.add_hook(campaign, second)
    few = queries()
    codes = ["fr-FR", "es-ES", "it-IT", "nl-NL", "pt-BR", "pl-PL", "sv-SE", "da-DK", "fi-FI"]
    for code in codes:
        market_texts.add_market(campaign, code)
    for n in range(4):
        extra = make_shot(campaign, title=f"Opening {n}", size="720x1280", seconds=4)
        market_texts.add_hook(campaign, extra)
    page = client.get(url).content.decode()
    assert page.count("data-version=") == 10 * 6  # 10 markets × 6 openings × 1 channel
    assert queries() == few
