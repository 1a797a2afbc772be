from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_shot
from tests.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_build_a_connected_timeline_switch_model_and_fit_a_reference(
    page, log_in, ed, campaign, settings, tmp_path
):
    settings.RUNWARE_API_KEY = "rw-test-not-real"  # offers Kling; nothing is sent anywhere
    shot = make_shot(campaign, title="Bean to cup", prompt={"scene": "A coffee commercial."})
    log_in("ed")
    page.goto(shot.get_absolute_url())
    preview = page.locator("#compiled-prompt")
    expect(preview).to_contain_text("A coffee commercial.")

    page.get_by_label("Timeline").check()
    expect(page.locator("fieldset.segment")).to_have_count(1)
    page.get_by_role("button", name="Add segment").click()
    expect(page.locator("fieldset.segment")).to_have_count(2)
    page.get_by_role("button", name="Add segment").click()
    expect(page.locator("fieldset.segment")).to_have_count(3)
    for i, action in enumerate(["Beans cascade", "Coffee pours", "The cup turns to the logo"]):
        page.fill(f"[name='seg-{i}-action']", action)
    expect(page.locator("[name='seg-1-connected']")).to_be_checked()
    expect(page.locator("[name='seg-2-connected']")).to_be_checked()
    expect(preview).to_contain_text("(Shot 3) [CONNECTED]")
    expect(preview).to_contain_text("Starts EXACTLY where Shot 2 ended")
    expect(preview).to_contain_text("The cup turns to the logo.")
    expect(page.locator("#estimate-total")).to_have_text("$0.00")

    page.select_option("#id_model_key", "kling-3-pro")
    expect(page.locator("#id_size option")).to_have_count(3)
    expect(page.locator("#id_size")).to_have_value("1920x1080")
    expect(page.locator("#estimate-total")).to_have_text("$0.67")  # 4 s × $0.168 with sound
    page.select_option("#id_variations", "2")
    expect(page.locator("#estimate-total")).to_have_text("$1.34")

    picture = tmp_path / "reference.png"
    picture.write_bytes(image_bytes((1000, 1000)))
    page.set_input_files("#reference input[type=file]", str(picture))
    page.locator("#reference").get_by_role("button", name="Upload").click()
    expect(page.locator("#reference-mismatch")).to_contain_text(
        "The image is 1000×1000 but the video is 1920×1080"
    )
    page.get_by_role("button", name="Fit: centre crop").click()
    expect(page.locator("#fitted-caption")).to_contain_text("Centre-cropped to 1920×1080")
    expect(page.locator("#reference img")).to_have_count(2)  # the original is kept and shown

    page.get_by_role("button", name="Save shot").click()
    expect(page.locator(".message.success")).to_contain_text("Saved as version 1")
    shot.refresh_from_db()
    assert shot.model_key == "kling-3-pro" and shot.size == "1920x1080"
    assert [s["connected"] for s in shot.prompt["timeline"]] == [False, True, True]
    assert shot.reference_fit == "crop" and shot.reference_image_size == "1920x1080"
