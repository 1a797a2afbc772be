from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.studio_process import StudioProcess

pytestmark = [pytest.mark.browser]


@pytest.fixture
def studio(tmp_path):
    process = StudioProcess(tmp_path / "var").start()
    yield process
    assert process.stop() == 0


@pytest.fixture
def studio_page(chromium, studio):
    context = chromium.new_context(base_url=studio.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", studio.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    yield page
    context.close()


def test_generate_two_animatic_takes_watch_them_render_and_play_both(studio_page):
    page = studio_page
    campaign_row = page.locator("tr", has_text="Northwind Coffee — Cold Brew launch")
    expect(campaign_row.locator(".badge")).to_have_text("Planning")  # nothing made yet
    page.click("text=Northwind Coffee — Cold Brew launch")
    page.click("text=Morning ritual")
    expect(page.locator("h1")).to_have_text("Morning ritual")
    page.select_option("#id_variations", "2")
    page.click("#generate-button")
    expect(page.locator(".message.success")).to_contain_text("Takes 1, 2 queued.")

    cards = page.locator(".take-card")
    expect(cards).to_have_count(2)
    in_flight = page.locator(".take-card progress")
    assert in_flight.count() >= 1  # the page shows the takes rendering, with progress
    expect(page.locator("#takes-poller[hx-trigger]")).to_have_count(1)

    for card in (cards.nth(0), cards.nth(1)):
        expect(card).to_have_attribute("data-status", "completed", timeout=120_000)
    expect(page.locator("#takes-poller[hx-trigger]")).to_have_count(0)  # polling stopped
    assert page.url.endswith("#takes")  # no reload: the cards were swapped in place
    shot_url = page.url
    page.goto("/")  # the campaign's status followed the work
    expect(campaign_row.locator(".badge")).to_have_text("In production")
    page.goto(shot_url)

    for i in range(2):
        video = cards.nth(i).locator("video")
        expect(video).to_have_attribute("poster", f"/takes/{2 - i}/media/thumbnail/")
        played = video.evaluate(
            """async (v) => {
                v.muted = true;
                await v.play();
                await new Promise((resolve) => setTimeout(resolve, 1200));
                v.pause();
                return {time: v.currentTime, duration: v.duration, error: v.error && v.error.code,
                        width: v.videoWidth, height: v.videoHeight};
            }"""
        )
        assert played["error"] is None
        assert played["time"] > 0.5
        assert abs(played["duration"] - 8) < 0.2
        assert (played["width"], played["height"]) == (1280, 720)
