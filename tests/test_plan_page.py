"""The plan page (issue 22, points 1 and 5) through its view: draft from the brief, edit a
row, remove, add, draft one row again, create the shots in one action, generate all under the
hard budget; a refused step keeps everything typed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from generation.models import Render
from studio.models import PromptVersion, Shot
from tests.factories import form_fields as fields

pytestmark = pytest.mark.django_db

BRIEF = "Northwind Coffee launches its new Cold Brew for busy commuters. Warm, in a sunlit kitchen."


def url(campaign):
    return reverse("studio:plan_shots", args=[campaign.pk])


def draft(client, campaign, target=20):
    response = client.post(
        url(campaign), {"brief": BRIEF, "target": target, "model_key": "animatic", "op": "draft"}
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
    data["row-0-DELETE"] = "on"
    data.update(brief=BRIEF, target="20", model_key="animatic", op="create")
    response = client.post(url(campaign), data)
    assert response.status_code == 302
    shots = list(campaign.shots.order_by("position"))
    assert len(shots) == count - 1 and shots[0].title == "The can, sweating"
    assert all(s.model_key == "animatic" for s in shots)
    assert sum(s.seconds for s in shots) > 0
    assert PromptVersion.objects.filter(shot__in=shots).count() == len(shots)
    assert "Cold Brew" in shots[0].prompt["scene"] + shots[0].prompt["subject"]


def test_reorder_add_and_redraft_a_row(client, ed, campaign):
    client.force_login(ed)
    data = fields(draft(client, campaign))
    count = int(data["row-TOTAL_FORMS"])
    data.update(brief=BRIEF, target="20", model_key="animatic", op="add")
    added = fields(client.post(url(campaign), data).content.decode())
    assert int(added["row-TOTAL_FORMS"]) == count + 1
    added["row-0-scene"] = "Something I typed."
    added.update(brief=BRIEF, target="20", model_key="animatic", op="replan-0")
    again = fields(client.post(url(campaign), added).content.decode())
    assert again["row-0-scene"] != "Something I typed."  # drafted again
    again["row-0-ORDER"], again["row-1-ORDER"] = "2", "1"
    first, second = again["row-0-title"], again["row-1-title"]
    again.update(brief=BRIEF, target="20", model_key="animatic", op="create")
    client.post(url(campaign), again)
    titles = list(campaign.shots.order_by("position").values_list("title", flat=True))
    assert titles[:2] == [second, first]


def test_a_row_that_cannot_be_generated_is_refused_and_everything_is_kept(client, ed, campaign):
    client.force_login(ed)
    data = fields(draft(client, campaign))
    data["row-1-seconds"] = "59"  # the animatic makes at most 16 s
    data["row-2-title"] = "Kept as typed"
    data.update(brief=BRIEF, target="20", model_key="animatic", op="create")
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
    data.update(brief=BRIEF, target="20", model_key="animatic", op="generate")
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
    data.update(brief=BRIEF, target="20", model_key="animatic", op="create")
    assert client.post(url(campaign), data).status_code == 302
    first = campaign.shots.order_by("position").first()
    assert first.prompt["mode"] == "layers" and first.prompt["timeline"] == []


def test_enter_in_the_settings_before_a_plan_drafts_it(client, ed, campaign):
    client.force_login(ed)
    response = client.post(
        url(campaign), {"brief": BRIEF, "target": "20", "model_key": "animatic", "op": "keep"}
    )
    assert response.status_code == 200 and 'class="card plan-shot"' in response.content.decode()


def test_supers_connections_and_beats_are_edited_in_the_row(client, ed, campaign):
    client.force_login(ed)
    html = draft(client, campaign)
    assert "Timeline: 0.0–3.0 s · 3.0–5.0 s" in html  # the call to action's two beats
    data = fields(html)
    last = int(data["row-TOTAL_FORMS"]) - 1
    assert data[f"row-{last}-on_screen_text"] == "Find the Cold Brew today"
    assert data["row-1-connected"] == "on"  # the product shot continues the hook
    data[f"row-{last}-on_screen_text"] = "Cold Brew. Out now."
    data.pop("row-1-connected")  # unticked: a cut
    data["row-2-connected"] = "on"  # ticked: continues the product shot
    data["row-2-beats"] = "One sips and smiles. END: the can by her face\nShe puts it down"
    data["row-2-seconds"] = "8"
    data.update(brief=BRIEF, target="20", model_key="animatic", op="create")
    assert client.post(url(campaign), data).status_code == 302
    shots = list(campaign.shots.order_by("position"))
    assert shots[last].on_screen_text == "Cold Brew. Out now."
    assert not shots[1].prompt["scene"].startswith("START")
    assert shots[2].prompt["scene"].startswith("START: exactly where the shot before ended: the ")
    timeline = shots[2].prompt["timeline"]
    assert shots[2].prompt["mode"] == "timeline" and [s["end"] for s in timeline] == [5.0, 8.0]
    assert timeline[0]["end_state"] == "the can by her face"
    assert "Out now" not in shots[last].versions.get().compiled_text
