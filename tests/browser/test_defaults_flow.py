"""Issue 11's defaults and pages, as a person meets them in Chromium."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from playwright.sync_api import expect

from generation.models import Render
from studio.models import ShareLink
from studio.production.deliverables import set_aspects
from tests.factories import make_take
from tests.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_vertical_campaign_makes_vertical_shots_and_an_empty_prompt_makes_no_take(
    page, log_in, ed, campaign
):
    set_aspects(campaign, ["9:16"])
    log_in("ed")
    page.goto(campaign.get_absolute_url())
    page.fill("#id_title", "Unboxing")
    page.click("button:has-text('Add shot')")
    page.click("text=Unboxing")
    expect(page.locator("h1")).to_have_text("Unboxing")
    assert page.input_value("#id_size") == "720x1280"  # 9:16 on the animatic
    expect(page.locator(".format-warning")).to_have_count(0)
    page.select_option("#id_size", "1280x720")
    expect(page.locator(".format-warning")).to_contain_text("the campaign is made for 9:16")

    page.fill("#id_scene", "")
    page.fill("#id_camera_movement", "slow dolly in")
    page.click("#generate-button")
    expect(page.locator(".message.error")).to_contain_text("No take was made")
    expect(page.locator("text=Describe what happens").first).to_be_visible()
    assert page.input_value("#id_camera_movement") == "slow dolly in"  # nothing lost
    assert not Render.objects.exists()


def test_an_expired_guest_link_shows_the_designed_page(page, campaign, settings):
    settings.DEBUG = False
    link, token = ShareLink.create(campaign=campaign, days=1)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    response = page.goto(f"/s/{token}/")
    assert response.status == 410
    expect(page.locator("h1")).to_have_text("This link has expired or was revoked")
    expect(page.locator("body")).not_to_contain_text("URLconf")
    response = page.goto("/s/never-was-a-link/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("This link has expired or was revoked")


# The image's width once it has loaded: "visible" comes before the bytes of a lazy image.
LOADED_WIDTH = (
    "(img) => img.complete ? img.naturalWidth"
    " : new Promise((done) => img.addEventListener('load', () => done(img.naturalWidth)))"
)


def test_posters_show_on_the_board_and_the_dashboard(page, log_in, vic, campaign, shot):
    key = default_storage.save("posters/p.jpg", ContentFile(image_bytes((320, 180), "JPEG")))
    make_take(shot, thumbnail_key=key)
    log_in("vic")
    page.goto("/")
    cover = page.locator(f"img[alt='Cover of {campaign.name}']")
    expect(cover).to_be_visible()
    assert cover.evaluate(LOADED_WIDTH) == 320
    page.goto(campaign.get_absolute_url())
    poster = page.locator(".shot-poster img")
    expect(poster).to_be_visible()
    assert poster.evaluate(LOADED_WIDTH) == 320
