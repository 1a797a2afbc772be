from __future__ import annotations

import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from generation import prompts as prompting
from studio.models import PromptTemplate, PromptVersion
from studio.production.deliverables import add_format
from tests.factories import editor_data, make_take
from tests.images import upload

HTMX = {"HTTP_HX_REQUEST": "true"}


def options(html: str, select_id: str) -> list[str]:
    block = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', block)


def segments_in(html: str) -> list[dict]:
    count = int(re.search(r'name="seg-TOTAL_FORMS" value="(\d+)"', html).group(1))
    rows = []
    for i in range(count):

        def value(name, i=i):
            found = re.search(rf'name="seg-{i}-{name}"[^>]*?value="([^"]*)"', html)
            if found is None:
                found = re.search(rf'name="seg-{i}-{name}"[^>]*>([^<]*)</textarea>', html)
            return found.group(1).strip() if found else ""

        rows.append(
            {
                "start": float(value("start")),
                "end": float(value("end")),
                "action": value("action"),
                "connected": re.search(rf'name="seg-{i}-connected"[^>]*checked', html) is not None,
            }
        )
    return rows


def url(name, shot, *args):
    return reverse(f"studio:{name}", args=[shot.campaign_id, shot.pk, *args])


def timeline_data(segments, **overrides):
    data = editor_data(mode="timeline", **overrides)
    data["seg-TOTAL_FORMS"] = str(len(segments))
    for i, s in enumerate(segments):
        for key, value in s.items():
            if key == "connected":
                if value:
                    data[f"seg-{i}-connected"] = "on"
            else:
                data[f"seg-{i}-{key}"] = str(value)
    return data


def test_the_editor_shows_the_compiled_prompt(client, ed, shot):
    client.force_login(ed)
    response = client.get(shot.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cold brew poured over ice." in html
    assert 'id="shot-editor"' in html


def test_a_viewer_sees_the_prompt_but_no_editor(client, vic, shot):
    client.force_login(vic)
    html = client.get(shot.get_absolute_url()).content.decode()
    assert "Cold brew poured over ice." in html
    assert 'id="shot-editor"' not in html


def test_switching_model_returns_that_models_sizes(client, ed, shot, settings):
    settings.RUNWARE_API_KEY = "rw-test-not-real"
    client.force_login(ed)
    response = client.get(
        url("shot_options", shot),
        {"model_key": "hailuo-2.3", "size": "1920x1080", "seconds": "10"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "specChanged" in response["HX-Trigger-After-Settle"]
    assert options(html, "id_size") == ["1366x768", "1920x1080"]
    assert options(html, "id_seconds") == ["6"]
    assert '<option value="6" selected>' in html
    assert "Silent model" in html

    response = client.get(url("shot_options", shot), {"model_key": "seedance-2"}, **HTMX)
    assert options(response.content.decode(), "id_size") == ["480p", "720p", "1080p"]


def test_unconfigured_models_are_disabled_with_the_reason(client, ed, shot, settings):
    settings.OPENAI_API_KEY = settings.RUNWARE_API_KEY = ""
    client.force_login(ed)
    html = client.get(shot.get_absolute_url()).content.decode()
    sora = re.search(r'<option value="sora-2"[^>]*>', html).group(0)
    assert "disabled" in sora and "removed the Videos API" in sora  # the reason, on the option
    veo = re.search(r'<option value="veo-3.1-fast"[^>]*>', html).group(0)
    assert "disabled" in veo and "RUNWARE_API_KEY" in veo
    animatic = re.search(r'<option value="animatic"[^>]*>', html).group(0)
    assert "disabled" not in animatic
    assert "Sora 2 — retired" in html
    assert "removed the Videos API" in html


def test_saving_keeps_a_version(client, ed, shot):
    client.force_login(ed)
    response = client.post(url("shot_save", shot), editor_data())
    assert response.status_code == 302
    shot.refresh_from_db()
    assert shot.prompt["camera"]["lens_mm"] == 85
    assert shot.prompt["audio"]["dialogue"] == [
        {"speaker": "Mia", "emotion": "excited", "line": "It's here!"}
    ]
    version = shot.versions.get()
    assert version.number == 1
    assert 'Mia (excited): "It\'s here!"' in version.compiled_text
    client.post(url("shot_save", shot), editor_data())
    assert shot.versions.count() == 1  # nothing changed
    client.post(url("shot_save", shot), editor_data(scene="Now at dusk."))
    assert list(shot.versions.values_list("number", flat=True)) == [2, 1]


def test_an_invalid_submit_keeps_every_input_and_says_why(client, ed, shot, settings):
    client.force_login(ed)
    data = editor_data(
        seconds="17",
        scene="A gorgeous scene with <b>bold</b> ideas",
        camera_lens_mm="3",
        audio_dialogue="no colon here",
        lighting_direction="from a window at the left",
    )
    response = client.post(url("shot_save", shot), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Select a valid choice. 17 is not one of the available choices." in html
    assert "greater than or equal to 8" in html
    assert "this one has no colon: no colon here" in html
    assert "A gorgeous scene with &lt;b&gt;bold&lt;/b&gt; ideas" in html
    assert 'value="from a window at the left"' in html
    assert 'value="soft acoustic guitar"' in html
    shot.refresh_from_db()
    assert shot.prompt == {"scene": "Cold brew poured over ice"}
    assert not PromptVersion.objects.exists()


def test_a_model_that_is_not_configured_cannot_be_saved(client, ed, shot, settings):
    settings.RUNWARE_API_KEY = ""
    client.force_login(ed)
    response = client.post(
        url("shot_save", shot), editor_data(model_key="veo-3.1", size="1280x720")
    )
    assert response.status_code == 422
    assert "Veo 3.1 is not available: Needs RUNWARE_API_KEY." in response.content.decode()


def test_a_broken_timeline_cannot_be_saved(client, ed, shot):
    client.force_login(ed)
    data = timeline_data(
        [
            {"start": 0, "end": 1, "action": "Beans fall", "curve": "LINEAR", "speed": 1},
            {"start": 1.5, "end": 4, "action": "Coffee pours", "curve": "EASE_IN", "speed": 2},
        ]
    )
    response = client.post(url("shot_save", shot), data)
    assert response.status_code == 422
    assert "a gap" in response.content.decode()


def test_a_connected_timeline_is_saved(client, ed, shot):
    client.force_login(ed)
    data = timeline_data(
        [
            {
                "start": 0,
                "end": 1.5,
                "action": "Beans fall",
                "camera": "Dolly-in",
                "curve": "EASE_IN",
                "speed": 10,
                "end_state": "Beans mid-air",
            },
            {
                "start": 1.5,
                "end": 4,
                "action": "Coffee pours",
                "curve": "LINEAR",
                "speed": 2,
                "connected": True,
            },
        ]
    )
    response = client.post(url("shot_save", shot), data)
    assert response.status_code == 302
    shot.refresh_from_db()
    assert [s["connected"] for s in shot.prompt["timeline"]] == [False, True]
    assert "1.5s-4.0s (Shot 2) [CONNECTED]" in shot.versions.get().compiled_text


def test_preview_shows_text_count_lint_and_cost(client, ed, shot):
    shot.campaign.budget = Decimal("10.00")
    shot.campaign.save()
    client.force_login(ed)
    response = client.post(
        url("shot_preview", shot),
        editor_data(
            scene="car chase, night, rain, neon, fast", model_key="animatic", variations="3"
        ),
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "car chase, night, rain, neon, fast." in html
    compiled = re.search(r'<pre class="compiled" id="compiled-prompt">(.*?)</pre>', html, re.S)
    assert f"{len(unescape(compiled.group(1)))} / 32000 characters" in html
    assert 'id="lint-scene" hx-swap-oob="true"' in html
    assert 'data-code="keyword_list"' in html
    assert "$0.00</strong> for 3 takes" in html
    assert "Budget: $10.00 left of $10.00" in html


def test_preview_cost_follows_the_model(client, ed, shot, settings):
    settings.RUNWARE_API_KEY = "rw-test-not-real"
    shot.campaign.budget = Decimal("5.00")
    shot.campaign.save()
    client.force_login(ed)
    response = client.post(
        url("shot_preview", shot),
        editor_data(model_key="kling-3-pro", size="1920x1080", seconds="10", variations="2"),
        **HTMX,
    )
    html = response.content.decode()
    assert "$3.36</strong> for 2 takes ($1.68 each)" in html
    assert "$1.64 after these takes" in html
    response = client.post(
        url("shot_preview", shot),
        editor_data(model_key="kling-3-pro", size="1920x1080", seconds="15", variations="2"),
        **HTMX,
    )
    assert "only $5.00 of the campaign&#x27;s budget is left" in response.content.decode()


def test_timeline_segments_are_added_removed_and_spread(client, ed, shot):
    client.force_login(ed)
    one = timeline_data(
        [{"start": 0, "end": 4, "action": "Beans fall", "curve": "LINEAR", "speed": 1}]
    )
    response = client.post(url("shot_timeline", shot), {**one, "op": "add"}, **HTMX)
    segments = segments_in(response.content.decode())
    assert [(s["start"], s["end"]) for s in segments] == [(0, 2.0), (2.0, 4)]
    assert segments[0]["action"] == "Beans fall" and segments[1]["connected"] is True
    assert "specChanged" in response["HX-Trigger-After-Settle"]

    three = timeline_data(
        [
            {"start": 0, "end": 1, "action": "A"},
            {"start": 1, "end": 3, "action": "B"},
            {"start": 3, "end": 4, "action": "C"},
        ]
    )
    response = client.post(url("shot_timeline", shot), {**three, "op": "remove-1"}, **HTMX)
    segments = segments_in(response.content.decode())
    assert [(s["action"], s["start"], s["end"]) for s in segments] == [("A", 0, 3), ("C", 3, 4)]
    response = client.post(
        url("shot_timeline", shot), {**three, "op": "even", "seconds": "8"}, **HTMX
    )
    segments = segments_in(response.content.decode())
    assert [s["action"] for s in segments] == ["A", "B", "C"]
    assert prompting.timeline_problems(segments, 8) == []


def png_size(data: bytes):
    return Image.open(io.BytesIO(data)).size


@pytest.mark.parametrize("mode", ["crop", "pad"])
def test_a_reference_image_is_uploaded_and_fitted(client, ed, shot, mode):
    client.force_login(ed)
    response = client.post(
        url("reference_upload", shot), {"image": upload(size=(1000, 1000))}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The image is 1000×1000 but the video is 1280×720" in html
    shot.refresh_from_db()
    original = shot.reference_original
    assert original.startswith(f"{shot.campaign.workspace.slug}/{shot.campaign_id}/{shot.pk}/")
    assert default_storage.exists(original)

    response = client.post(url("reference_fit", shot), {"mode": mode, "size": "1280x720"}, **HTMX)
    html = response.content.decode()
    shot.refresh_from_db()
    assert shot.reference_original == original and default_storage.exists(original)
    assert shot.reference_image != original and shot.reference_fit == mode
    assert shot.reference_dimensions == (1280, 720)
    assert "reference-mismatch" not in html
    both = [client.get(url("reference_file", shot, which)) for which in ("original", "image")]
    assert [png_size(b"".join(r.streaming_content)) for r in both] == [(1000, 1000), (1280, 720)]

    client.post(url("reference_remove", shot), **HTMX)
    shot.refresh_from_db()
    assert not shot.reference_original and not default_storage.exists(original)


def test_a_bad_upload_says_why_and_changes_nothing(client, ed, shot):
    client.force_login(ed)
    response = client.post(
        url("reference_upload", shot),
        {"image": upload(name="fake.png", data=b"not an image at all")},
        **HTMX,
    )
    assert response.status_code == 422
    assert "not a readable image" in response.content.decode()
    shot.refresh_from_db()
    assert shot.reference_original == ""


def test_sora_refuses_a_mismatched_reference_until_fitted(client, ed, shot, settings):
    settings.OPENAI_API_KEY = "sk-test-not-real"
    client.force_login(ed)
    client.post(url("reference_upload", shot), {"image": upload(size=(1000, 1000))}, **HTMX)
    data = editor_data(model_key="sora-2", size="1280x720", seconds="4")
    response = client.post(url("shot_save", shot), data)
    assert response.status_code == 422
    assert "needs exactly 1280×720" in response.content.decode()
    client.post(url("reference_fit", shot), {"mode": "crop", "size": "1280x720"}, **HTMX)
    assert client.post(url("shot_save", shot), data).status_code == 302


def test_versions_compare_and_restore(client, ed, shot):
    client.force_login(ed)
    client.post(url("shot_save", shot), editor_data(scene="First version scene."))
    client.post(url("shot_save", shot), editor_data(scene="Second version scene."))
    page = client.get(url("version_list", shot)).content.decode()
    assert "v2" in page and "v1" in page
    compare = client.get(url("version_compare", shot, 1)).content.decode()
    assert '<span class="diff-removed">− First version scene.' in compare
    assert '<span class="diff-added">+ Second version scene.' in compare
    client.post(url("version_restore", shot, 1))
    shot.refresh_from_db()
    assert shot.prompt["scene"] == "First version scene."
    newest = shot.versions.first()
    assert (newest.number, newest.note) == (3, "Restored from version 1")


def test_start_from_a_seed_template_and_save_a_workspace_template(client, ed, shot):
    client.force_login(ed)
    client.post(url("template_apply", shot), {"template": "seed:coffee-timeline"})
    shot.refresh_from_db()
    assert shot.prompt["mode"] == "timeline" and len(shot.prompt["timeline"]) == 4
    assert (shot.size, shot.seconds) == ("720x1280", 4)
    assert [v.note for v in shot.versions.order_by("number")] == [
        "Before applying a template",
        "From template “Coffee commercial timeline (4 connected shots)”",
    ]
    client.post(url("template_save", shot), {"name": "Our coffee timeline"})
    template = PromptTemplate.objects.get()
    assert template.workspace_id == shot.campaign.workspace_id
    assert template.prompt == shot.prompt


def test_a_template_of_another_workspace_is_not_found(client, ed, shot, other_workspace):
    foreign = PromptTemplate.objects.create(
        workspace=other_workspace,
        name="Theirs",
        prompt={"scene": "x"},
        model_key="animatic",
        size="1280x720",
        seconds=4,
    )
    client.force_login(ed)
    response = client.post(url("template_apply", shot), {"template": f"ws:{foreign.pk}"})
    assert response.status_code == 404


def test_on_screen_text_is_kept_for_the_edit_and_never_sent_to_the_model(client, ed, shot):
    client.force_login(ed)
    data = editor_data(on_screen_text="Cold brew <b>all day</b>")
    assert client.post(url("shot_save", shot), data).status_code == 302
    shot.refresh_from_db()
    assert shot.on_screen_text == "Cold brew <b>all day</b>"
    assert "all day" not in shot.versions.get().compiled_text  # words go in the edit
    page = client.get(shot.get_absolute_url()).content.decode()
    assert 'value="Cold brew &lt;b&gt;all day&lt;/b&gt;"' in page  # kept, escaped
    board = client.get(reverse("studio:storyboard", args=[shot.campaign_id])).content.decode()
    assert "Cold brew &lt;b&gt;all day&lt;/b&gt;</q>" in board


@pytest.mark.parametrize("takes", [1, 30])
def test_the_shot_editor_costs_eleven_queries_whatever_its_takes(
    client, ed, shot, takes, django_assert_num_queries
):
    add_format(shot.campaign, "Reels", "9:16")
    for n in range(1, takes + 1):
        make_take(shot, take=n, size="720x1280" if n % 2 else "1280x720")
    client.force_login(ed)
    url = reverse("studio:shot_detail", args=[shot.campaign_id, shot.pk])
    # session, user, shot with role, takes, decisions, approvers, memberships (chrome),
    # templates, assets, the campaign's formats once (the takes' labels and the warning), and
    # the comments made on the campaign's spots at this shot
    with django_assert_num_queries(11):
        html = client.get(url).content.decode()
    assert html.count("Reels · 720×1280") == (takes + 1) // 2
