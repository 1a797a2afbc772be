"""Defaults that cost money or trust (issue 11): nothing is generated from an empty prompt, and
a new shot takes its size from the campaign's formats."""

from __future__ import annotations

import pytest
from django.urls import reverse

from generation import catalog, prompts
from generation.models import Render
from studio.production.deliverables import set_aspects
from studio.shots import editing
from tests.factories import editor_data

EMPTY = {"scene": "", "subject": "", "beats": "", "audio_dialogue": ""}


def test_camera_and_style_alone_are_nothing_to_depict():
    model = catalog.get("animatic")
    prompt = prompts.normalize({"camera": {"movement": "slow push-in"}, "style": {"grade": "warm"}})
    compiled = prompts.compile_prompt(prompt, model).text
    assert compiled.strip()  # the camera and style lines alone still make text...
    codes = {(i.code, i.level) for i in prompts.lint(prompt, model, 4, compiled)}
    assert ("nothing_to_depict", "error") in codes  # ...but nothing to show
    timeline = prompts.normalize(
        {"mode": "timeline", "timeline": [{"start": 0, "end": 4, "camera": "pan"}]}
    )
    assert "nothing_to_depict" in {i.code for i in prompts.lint(timeline, model, 4, "x")}
    with_action = prompts.normalize(
        {"mode": "timeline", "timeline": [{"start": 0, "end": 4, "action": "A cup fills."}]}
    )
    assert "nothing_to_depict" not in {i.code for i in prompts.lint(with_action, model, 4, "x")}


def test_save_and_generate_refuses_an_empty_prompt_and_keeps_the_form(client, ed, shot):
    client.force_login(ed)
    url = reverse("studio:shot_generate", args=[shot.campaign_id, shot.pk])
    response = client.post(url, editor_data(**EMPTY, camera_movement="slow dolly"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Describe what happens" in html and 'value="slow dolly"' in html
    assert not Render.objects.exists()


def test_an_empty_saved_prompt_makes_no_take(ed, shot, django_capture_on_commit_callbacks):
    shot.prompt = {"camera": {"movement": "slow dolly"}}
    shot.save()
    with pytest.raises(editing.TakeRequestError, match="Describe what happens"):
        editing.request_takes(shot, ed)
    assert not Render.objects.exists()


def test_a_new_shot_takes_the_campaigns_first_format(client, ed, campaign):
    set_aspects(campaign, ["9:16", "16:9"])
    campaign.save()
    client.force_login(ed)
    client.post(reverse("studio:shot_create", args=[campaign.pk]), {"title": "Vertical"})
    shot = campaign.shots.get(title="Vertical")
    assert (
        catalog.matches_aspect(shot.size, "9:16") and shot.size in catalog.get(shot.model_key).sizes
    )
    page = client.get(shot.get_absolute_url()).content.decode()
    assert "format-warning" not in page


def test_the_editor_warns_when_a_shot_fits_none_of_the_formats(client, ed, campaign, shot):
    set_aspects(campaign, ["9:16"])
    campaign.save()
    shot.size = "1280x720"
    shot.save()
    client.force_login(ed)
    page = client.get(shot.get_absolute_url()).content.decode()
    assert "This shot is 16:9, but the campaign is made for 9:16" in page
    options = client.get(
        reverse("studio:shot_options", args=[campaign.pk, shot.pk]),
        {"model_key": "animatic", "size": "720x1280", "seconds": "4"},
    ).content.decode()
    assert "format-warning" not in options  # choosing a vertical size clears it


def test_a_campaign_without_formats_keeps_the_models_default(client, ed, campaign):
    client.force_login(ed)
    client.post(reverse("studio:shot_create", args=[campaign.pk]), {"title": "Plain"})
    assert campaign.shots.get(title="Plain").size == "1280x720"


def test_aspect_matching():
    assert catalog.matches_aspect("1080x1920", "9:16") and catalog.matches_aspect(
        "1024x1792", "9:16"
    )
    assert not catalog.matches_aspect("1280x720", "9:16")
    assert catalog.matches_aspect("1440x1440", "1:1") and not catalog.matches_aspect(
        "832x1104", "4:5"
    )
    assert not catalog.matches_aspect("1280x720", "nonsense")
