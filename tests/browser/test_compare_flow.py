"""Compare (issue 11): pick takes from their posters, one "Play both", a back link, side by
side and an overlay wipe; synced playback stays."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from tests.factories import make_take
from tests.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def real_take(shot, number, sample_mp4):
    take = make_take(shot, take=number, thumbnail_key=default_storage.save(
        f"compare/{number}.jpg", ContentFile(image_bytes((320, 180), "JPEG"))
    ))  # fmt: skip
    take.video_key = default_storage.save(f"compare/{number}.mp4", ContentFile(sample_mp4))
    take.save(update_fields=["video_key"])
    return take


def test_compare_two_takes_play_both_and_wipe(page, log_in, rita, shot, sample_mp4):
    one, two, three = (real_take(shot, n, sample_mp4) for n in (1, 2, 3))
    log_in("rita")
    page.goto(f"/compare/?a={one.pk}&b={two.pk}")
    expect(page.get_by_role("link", name=f"← Back to “{shot.title}”")).to_have_attribute(
        "href", shot.get_absolute_url()
    )
    videos = page.locator("video[data-sync]")
    expect(videos).to_have_count(2)
    page.wait_for_function(
        "() => [...document.querySelectorAll('video[data-sync]')].every((v) => v.readyState >= 2)"
    )
    page.evaluate("() => document.querySelectorAll('video').forEach((v) => { v.muted = true; })")
    page.get_by_role("button", name="Play both").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('video[data-sync]')].every((v) => !v.paused"
        " && v.currentTime > 0.2)"
    )
    page.get_by_role("button", name="Pause both").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('video[data-sync]')].every((v) => v.paused)"
    )

    page.get_by_role("button", name="Wipe").click()
    expect(page.locator("[data-compare]")).to_have_attribute("data-mode", "wipe")
    second = page.locator("[data-pane='2'] video")
    assert "inset(0px 0px 0px 50%)" in second.evaluate("(v) => getComputedStyle(v).clipPath")
    page.locator("[data-wipe]").fill("25")
    assert "25%" in second.evaluate("(v) => getComputedStyle(v).clipPath")
    page.get_by_role("button", name="Side by side").click()
    assert second.evaluate("(v) => getComputedStyle(v).clipPath") == "none"

    page.get_by_role("link", name="Compare take 3 as B").click()
    page.wait_for_url(f"**/compare/?a={one.pk}&b={three.pk}")
    expect(page.locator("[data-pane='2'] h2")).to_contain_text("Take 3")
