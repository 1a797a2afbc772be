"""The plan page (issue 22, points 1 and 5) through its view: draft from the brief, edit a
row, remove, add, draft one row again, create the shots in one action, generate all under the
hard budget; a refused step keeps everything typed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from generation.models import Render
from studio.models import Asset, AssetKind, PromptVersion, Shot
from studio.production import deliverables
from tests.factories import form_fields as fields

pytestmark = pytest.mark.django_db

BRIEF = "Northwind Coffee launches its new Cold Brew for busy commuters. Warm, in a sunlit kitchen."
SETTINGS = {"brief": BRIEF, "product": "Cold Brew", "target": "20", "model_key": "animatic"}


def url(campaign):
    return reverse("studio:plan_shots", args=[campaign.pk])


def draft(client, campaign, target=20, brief=BRIEF):
    response = client.post(
        url(campaign), {**SETTINGS, "brief": brief, "target": target, "op": "draft"}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_draft_edit_and_create_the_shots_in_one_action(client, ed, campaign):
    client.force_login(ed)
    html = draft(client, campaign)
    data = fields(html)
    count = int(data["row-TOTAL_FORMS"])
    assert count >= 3 and "Cold Brew" in html and "busy commuters" in html
    data["row-1-title"] = "The can, sweating"
    data["row-0-DELETE"] = "on"  # its seconds go to the next row: the running time still met
    data["row-1-seconds"] = str(int(data["row-0-seconds"]) + int(data["row-1-seconds"]))
    data.update(**SETTINGS, op="create")
    response = client.post(url(campaign), data)
    assert response.status_code == 302
    shots = list(campaign.shots.order_by("position"))
    assert len(shots) == count - 1 and shots[0].title == "The can, sweating"
    assert all(s.model_key == "animatic" for s in shots)
    assert sum(s.seconds for s in shots) > 0
    assert PromptVersion.objects.filter(shot__in=shots).count() == len(shots)
    assert "Cold Brew" in shots[0].prompt["scene"] + shots[0].prompt["subject"]
    campaign.refresh_from_db()
    assert campaign.product == "Cold Brew"  # the product the plan named is the campaign's


def test_reorder_add_and_redraft_a_row(client, ed, campaign):
    client.force_login(ed)
    data = fields(draft(client, campaign))
    count = int(data["row-TOTAL_FORMS"])
    data.update(**SETTINGS, op="add")
    added = fields(client.post(url(campaign), data).content.decode())
    assert int(added["row-TOTAL_FORMS"]) == count + 1
    drafted_camera = added["row-0-camera"]
    added["row-0-scene"] = "Something I typed."
    added.update(**SETTINGS, op="replan-0")
    again = fields(client.post(url(campaign), added).content.decode())
    assert again["row-0-scene"] != "Something I typed."  # drafted again
    assert again["row-0-camera"] != drafted_camera  # and differently
    again["row-0-ORDER"], again["row-1-ORDER"] = "2", "1"
    first, second = again["row-0-title"], again["row-1-title"]
    again.update(**SETTINGS, op="create")
    refused = client.post(url(campaign), again)  # a shot more: past the running time
    assert refused.status_code == 422 and not campaign.shots.exists()
    total = sum(int(again[f"row-{n}-seconds"]) for n in range(count + 1))
    assert total > 22  # the added shot's length
    said = f"The shots add up to {total} s; the running time is 20 s (±2 s)."
    assert said in refused.content.decode()
    again["target"] = str(total)
    assert client.post(url(campaign), again).status_code == 302
    titles = list(campaign.shots.order_by("position").values_list("title", flat=True))
    assert titles[:2] == [second, first]


def test_a_row_that_cannot_be_generated_is_refused_and_everything_is_kept(client, ed, campaign):
    client.force_login(ed)
    data = fields(draft(client, campaign))
    data["row-1-seconds"] = "59"  # the animatic makes at most 16 s
    data["row-2-title"] = "Kept as typed"
    data.update(**SETTINGS, op="create")
    response = client.post(url(campaign), data)
    html = response.content.decode()
    assert response.status_code == 422 and 'id="plan-error"' in html
    assert 'value="Kept as typed"' in html and not Shot.objects.exists()


def test_generate_all_queues_a_take_of_each_under_the_hard_budget(
    client, alice, campaign, django_capture_on_commit_callbacks
):
    campaign.budget = Decimal("100")
    campaign.save()
    client.force_login(alice)
    html = draft(client, campaign)
    assert "Budget left: $100.00 of $100.00" in html
    data = fields(html)
    data.update(**SETTINGS, op="generate")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url(campaign), data, follow=True)
        again = client.post(url(campaign), data, follow=True)  # the form sent twice
    shots = campaign.shots.count()
    assert shots == int(data["row-TOTAL_FORMS"])  # made once
    assert "takes queued." in response.content.decode()
    assert "already created" in again.content.decode()
    assert Render.objects.count() == shots


def test_reviewers_cannot_plan(client, rita, campaign):
    client.force_login(rita)
    assert client.get(url(campaign)).status_code == 403


@pytest.mark.parametrize(
    "layers",
    ['{"camera": 5}', '{"audio": "x"}', '{"timeline": [1, 2]}', '{"style": null}', "[1]",
     '{"audio": {"dialogue": [1, {"line": 7}]}}', "not json", '{"camera": {"lens_mm": "abc"}}'],
)  # fmt: skip
def test_tampered_layers_are_dropped_not_trusted(client, ed, campaign, layers):
    client.force_login(ed)
    data = fields(draft(client, campaign))
    data["row-0-layers"] = layers
    data.update(**SETTINGS, op="create")
    assert client.post(url(campaign), data).status_code == 302
    first = campaign.shots.order_by("position").first()
    assert first.prompt["mode"] == "layers" and first.prompt["timeline"] == []


def test_enter_in_the_settings_before_a_plan_drafts_it(client, ed, campaign):
    client.force_login(ed)
    response = client.post(url(campaign), {**SETTINGS, "op": "keep"})
    assert response.status_code == 200 and 'class="card plan-shot"' in response.content.decode()


def test_supers_connections_and_beats_are_edited_in_the_row(client, ed, campaign):
    campaign.call_to_action = "Find the Cold Brew today"
    campaign.save()
    client.force_login(ed)
    brief = f"{BRIEF} Push the smooth taste and the recyclable can."
    html = draft(client, campaign, brief=brief)
    data = fields(html)
    last = int(data["row-TOTAL_FORMS"]) - 1
    assert data[f"row-{last}-on_screen_text"] == "Find the Cold Brew today"
    assert data["row-1-connected"] == "on"  # the product shot continues the hook
    data[f"row-{last}-on_screen_text"] = "Cold Brew. Out now."
    data.pop("row-1-connected")  # unticked: a cut
    data["row-2-connected"] = "on"  # ticked: continues the product shot
    data["row-2-beats"] = "One sips and smiles. END: the can by her face\nShe puts it down"
    assert [data[f"row-{n}-seconds"] for n in range(last + 1)] == ["4"] * 5
    data["row-2-seconds"] = "8"
    data["row-3-DELETE"] = "on"  # its 4 s went to row 2: 20 s still
    data.update({**SETTINGS, "brief": brief, "op": "create"})
    assert client.post(url(campaign), data).status_code == 302
    shots = list(campaign.shots.order_by("position"))
    last = len(shots) - 1
    assert shots[last].on_screen_text == "Cold Brew. Out now."
    assert not shots[1].prompt["scene"].startswith("START")
    assert (
        shots[2]
        .prompt["scene"]
        .startswith("START: exactly where the shot before ended: Cold Brew at a 45° angle")
    )
    timeline = shots[2].prompt["timeline"]
    assert shots[2].prompt["mode"] == "timeline" and [s["end"] for s in timeline] == [5.0, 8.0]
    assert timeline[0]["end_state"] == "the can by her face"
    assert "Out now" not in shots[last].versions.get().compiled_text


@pytest.fixture
def providers(settings):
    from tests.fakes.openai_fake import API_KEY

    settings.OPENAI_API_KEY = API_KEY  # Sora is offered (nothing is sent: only planned)


def test_a_model_that_makes_none_of_the_formats_is_said_with_the_models_that_do(
    client, ed, campaign, providers
):
    deliverables.set_aspects(campaign, ["1:1"], [])
    client.force_login(ed)
    html = draft_on(client, campaign, "sora-2")
    said = "This model makes none of the campaign&#x27;s formats (1:1): planned at 1280×720 (16:9)"
    assert said in html and "the shape it makes nearest 1:1" in html  # never silent
    assert 'class="card plan-shot"' in html
    offers = html.split('id="plan-offers"', 1)[1].split("</p>", 1)[0]
    assert "Animatic (storyboard, free) ($0.00 for 20 s)" in offers
    assert "Sora 2 " not in offers  # it makes no square
    assert 'value="Cold Brew"' in html and BRIEF in html  # everything typed is kept


def test_a_model_that_makes_some_formats_plans_at_one_and_says_the_rest(
    client, ed, campaign, providers
):
    deliverables.set_aspects(campaign, ["16:9", "1:1"], [])
    client.force_login(ed)
    html = draft_on(client, campaign, "sora-2")
    assert "Planned at 1280×720 (16:9), the campaign&#x27;s first" in html
    assert "It cannot make 1:1." in html
    assert "Animatic (storyboard, free)" in html.split('id="plan-offers"', 1)[1]
    data = fields(html)
    assert {data[f"row-{n}-seconds"] for n in range(int(data["row-TOTAL_FORMS"]))} <= {
        "4",
        "8",
        "12",
    }


def test_a_campaign_with_no_formats_says_the_size_it_plans_at(client, ed, campaign):
    client.force_login(ed)
    html = draft(client, campaign)
    assert "The campaign has no formats yet: planned at" in html


def draft_on(client, campaign, model_key: str) -> str:
    response = client.post(url(campaign), {**SETTINGS, "model_key": model_key, "op": "draft"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_product_is_prefilled_from_the_campaign_or_the_brand_kit(client, ed, campaign):
    client.force_login(ed)
    assert 'name="product" value' not in client.get(url(campaign)).content.decode()
    Asset.objects.create(
        workspace=campaign.workspace, name="Cold Brew can", kind=AssetKind.PRODUCT,
        image_key="assets/x.png", width=8, height=8, sha256="0" * 64,
    )  # fmt: skip
    assert 'value="Cold Brew can"' in client.get(url(campaign)).content.decode()
    campaign.product = "Northwind Cold Brew"
    campaign.save()
    page = client.get(url(campaign)).content.decode()
    assert 'value="Northwind Cold Brew"' in page
    missing = client.post(url(campaign), {**SETTINGS, "product": "", "op": "draft"})
    assert missing.status_code == 422 and "This field is required." in missing.content.decode()


def test_the_page_leads_with_generate_all_and_folds_each_row_to_one_line(client, ed, campaign):
    client.force_login(ed)
    html = draft(client, campaign, brief=f"{BRIEF} Push the smooth taste and the recyclable can.")
    rows = html.index('class="card plan-shot"')
    assert html.index('id="generate-all"') < rows and html.index('id="create-shots"') < rows
    assert 'class="btn btn-primary" type="submit" name="op" value="generate"' in html
    assert html.count('<details class="card plan-shot"') == 5
    assert " open>" not in html.split('id="plan-rows-title"', 1)[1]  # folded: nothing to fix
    assert (
        '<summary><strong>Shot 1</strong> · <span class="plan-shot-title">Hook</span> · 4 s' in html
    )


def test_a_typed_banned_word_in_a_super_is_refused_when_the_shots_are_made(client, ed, campaign):
    campaign.brand_banned_words = "sugar-free"
    campaign.save()
    client.force_login(ed)
    data = fields(draft(client, campaign))
    data["row-1-on_screen_text"] = "Now Sugar Free"
    data.update(**SETTINGS, op="create")
    response = client.post(url(campaign), data)
    html = response.content.decode()
    assert response.status_code == 422 and not Shot.objects.exists()
    assert "Shot 2&#x27;s on-screen text uses “sugar-free”, a banned word." in html
    assert 'value="Now Sugar Free"' in html and " open>" in html  # the row opened to fix


def test_a_plan_that_misses_the_running_time_is_said_and_not_made(client, ed, campaign):
    client.force_login(ed)
    html = draft(client, campaign, target=14)
    assert 'id="plan-error"' not in html  # the animatic makes any length: 14 s met
    data = fields(html)
    data.update({**SETTINGS, "target": "30", "op": "create"})
    response = client.post(url(campaign), data)
    assert response.status_code == 422 and "the running time is 30 s (±3 s)" in (
        response.content.decode()
    )


def test_the_campaign_form_names_the_product_and_the_end_card_takes_its_call(client, ed, workspace):
    from studio.production.spots import finish_of

    client.force_login(ed)
    response = client.post(
        reverse("studio:campaign_create"),
        {
            "name": "Oats",
            "status": "planning",
            "status_follows_work": "on",
            "product": "Oat & Co overnight oats",
            "tagline": "Breakfast, sorted",
            "call_to_action": "Find them in the chiller",
        },
    )
    assert response.status_code == 302
    campaign = workspace.campaigns.get(name="Oats")
    assert (campaign.product, campaign.tagline, campaign.call_to_action) == (
        "Oat & Co overnight oats",
        "Breakfast, sorted",
        "Find them in the chiller",
    )
    assert finish_of(campaign).call_to_action == "Find them in the chiller"
    assert 'value="Oat &amp; Co overnight oats"' in client.get(url(campaign)).content.decode()


def test_a_draft_no_lengths_of_the_model_can_fit_is_refused_with_its_rows(
    client, ed, campaign, providers
):
    """Sora makes 4, 8 and 12 s: no sum of them is within 1 s of 10 s."""
    client.force_login(ed)
    response = client.post(
        url(campaign), {**SETTINGS, "model_key": "sora-2", "target": "10", "op": "draft"}
    )
    html = response.content.decode()
    assert response.status_code == 422 and 'class="card plan-shot"' in html
    assert "the running time is 10 s (±1 s)" in html.split('id="plan-error"', 1)[1]
