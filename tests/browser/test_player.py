"""The review player (issue 11): Plyr's controls, comment markers on the scrub bar, J/K/L and
frame keys, a loop range, hover scrubbing from the spritesheet, and typing a comment pauses
and stamps the time."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from studio.models import Comment
from tests.factories import make_take
from tests.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def now(page) -> float:
    return page.locator("video[data-player]").evaluate("(v) => v.currentTime")


def test_review_player_keys_markers_loop_scrub_and_stamping(page, log_in, rita, shot, sample_mp4):
    take = make_take(shot, spritesheet_key=default_storage.save(
        "player/sprites.jpg", ContentFile(image_bytes((800, 90), "JPEG"))
    ))  # fmt: skip
    take.video_key = default_storage.save("player/take.mp4", ContentFile(sample_mp4))
    take.save(update_fields=["video_key"])
    Comment.objects.create(render=take, author=rita, body="<b>Steam</b> too late", timecode_ms=2000)
    log_in("rita")
    page.goto(f"/takes/{take.pk}/")
    expect(page.locator(".plyr")).to_be_visible()  # a real player, not the browser's controls
    page.wait_for_function("() => document.querySelector('video[data-player]').readyState >= 2")
    page.evaluate("() => { document.querySelector('video[data-player]').muted = true; }")
    marker = page.locator(".plyr__progress__marker")
    expect(marker).to_have_count(1)
    marker.hover()
    tip = page.locator(".plyr__progress .plyr__tooltip")
    expect(tip).to_contain_text("rita: <b>Steam</b> too late")  # shown as text, never as HTML

    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("k")
    page.wait_for_function("() => !document.querySelector('video[data-player]').paused")
    page.keyboard.press("k")
    page.wait_for_function("() => document.querySelector('video[data-player]').paused")
    # K twice while it seeks: the pause interrupts play() before it starts, which is no page
    # error (the fixture fails the test on any).
    page.locator("video[data-player]").evaluate(
        """(v) => {
            v.currentTime = 0.3;
            ["k", "k"].forEach((key) => document.body.dispatchEvent(
                new KeyboardEvent("keydown", { key: key, bubbles: true })));
        }"""
    )
    assert page.locator("video[data-player]").evaluate("(v) => v.paused")
    before = now(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"() => document.querySelector('video[data-player]').currentTime > {before}"
    )
    assert abs(now(page) - before - 1 / 24) < 0.02  # one frame
    page.keyboard.press("l")
    page.wait_for_function("() => !document.querySelector('video[data-player]').paused")
    page.keyboard.press("l")
    assert page.locator("video[data-player]").evaluate("(v) => v.playbackRate") == 2
    page.keyboard.press("j")
    assert page.locator("video[data-player]").evaluate("(v) => v.paused")

    # A loop range from 1.0 s to 1.6 s: playing stays inside it.
    page.locator("video[data-player]").evaluate("(v) => { v.playbackRate = 1; v.currentTime = 1; }")
    page.get_by_role("button", name="Loop from here").click()
    page.locator("video[data-player]").evaluate("(v) => { v.currentTime = 1.6; }")
    page.get_by_role("button", name="Loop to here").click()
    expect(page.locator("[data-loop-label]")).to_have_text("Looping 00:01.0–00:01.6")
    page.locator("video[data-player]").evaluate(
        """(v) => new Promise((done) => {
            v.addEventListener("seeked", () => done(), { once: true });
            v.currentTime = 1;
        })"""
    )
    page.locator("video[data-player]").evaluate(
        """(v) => {
            window.laps = 0;
            window.furthest = 0;
            v.addEventListener("timeupdate", () => {
                window.furthest = Math.max(window.furthest, v.currentTime);
            });
            v.addEventListener("seeked", () => {
                if (Math.abs(v.currentTime - 1) < 0.05) window.laps += 1;
            });
            v.play();
        }"""
    )
    page.wait_for_function("() => window.laps >= 1")  # it reached the end and came back
    assert page.evaluate("() => window.furthest") < 1.95
    page.get_by_role("button", name="No loop").click()
    page.locator("video[data-player]").evaluate("(v) => v.pause()")

    # Hover scrubbing from the spritesheet.
    sprite = page.locator("img[data-spritesheet]")
    box = sprite.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.querySelector('video[data-player]').currentTime > 2.5")

    # Typing a comment while it plays pauses it and stamps the time.
    page.locator("video[data-player]").evaluate("(v) => { v.currentTime = 0.5; v.play(); }")
    page.wait_for_function("() => document.querySelector('video[data-player]').currentTime > 0.8")
    page.fill("#comment-timecode", "")
    page.locator("#comment-body").press_sequentially("Th")
    assert page.locator("video[data-player]").evaluate("(v) => v.paused")
    stamped = page.input_value("#comment-timecode")
    assert stamped.startswith("00:0") and stamped != "00:00.0"


def test_i_and_o_set_the_spots_in_and_out_and_a_channel_safe_zone_shows(
    page, log_in, ed, shot, sample_mp4
):
    from studio.models import Deliverable, Format

    fmt = Format.objects.create(
        campaign=shot.campaign, name="YouTube", aspect="16:9", channel_key="youtube-in-stream"
    )
    take = make_take(shot, duration_ms=4000)
    take.video_key = default_storage.save("player/trim.mp4", ContentFile(sample_mp4))
    take.save(update_fields=["video_key"])
    type(shot).objects.filter(pk=shot.pk).update(hero_take=take)
    log_in("ed")
    page.goto(f"/takes/{take.pk}/")
    page.wait_for_function("() => document.querySelector('video[data-player]').readyState >= 2")
    page.locator("video[data-player]").evaluate("(v) => { v.muted = true; v.currentTime = 0.5; }")
    page.wait_for_function(
        "() => Math.abs(document.querySelector('video[data-player]').currentTime - 0.5) < 0.05"
    )
    page.locator("body").press("i")
    page.locator("video[data-player]").evaluate("(v) => { v.currentTime = 3; }")
    page.wait_for_function(
        "() => Math.abs(document.querySelector('video[data-player]').currentTime - 3) < 0.05"
    )
    page.locator("body").press("o")
    expect(page.locator("#trim-in")).to_have_value("0.50")
    expect(page.locator("#trim-out")).to_have_value("3.00")
    page.click("#trim-form button[type=submit]")
    expect(page.locator(".message.success")).to_contain_text("in the YouTube spot")
    cell = Deliverable.objects.get(shot=shot, format=fmt)
    assert (cell.trim_of, cell.in_ms, cell.out_ms) == (take.pk, 500, 3000)
    page.check("[data-safe-over-player]")
    overlay = page.locator(".safe-overlay.over-player")
    expect(overlay).to_be_visible()
    video = page.locator("video[data-player]").bounding_box()
    inner = overlay.bounding_box()
    # YouTube in-stream keeps 5 % title-safe margins: the zone sits inside the picture.
    assert video["x"] < inner["x"] and inner["x"] + inner["width"] < video["x"] + video["width"]
    assert abs(inner["width"] - video["width"] * 0.9) <= 3
