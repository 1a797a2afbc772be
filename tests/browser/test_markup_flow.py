"""Drawings on the frame and range comments in Chromium against the real studio (issue 24): a
box and an arrow drawn at 1.5 s come back after a reload at 1.5 s over the video, scaled with
the player at two window sizes; a range comment loops its span."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import serious
from tests.browser.test_takes_flow import studio, studio_page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser]
RENDER = 120_000


def seek(page, seconds):
    page.evaluate(
        """(t) => new Promise((done) => {
            const v = document.querySelector("video[data-player]");
            v.pause();
            v.addEventListener("seeked", () => done(), { once: true });
            v.currentTime = t;
        })""",
        seconds,
    )


def drag(page, box, start, end):
    page.mouse.move(box["x"] + box["width"] * start[0], box["y"] + box["height"] * start[1])
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * (start[0] + end[0]) / 2,
                    box["y"] + box["height"] * (start[1] + end[1]) / 2, steps=4)  # fmt: skip
    page.mouse.move(box["x"] + box["width"] * end[0], box["y"] + box["height"] * end[1], steps=4)
    page.mouse.up()


def shapes_share(page):
    """Where the saved box is, as shares of the video's box on screen."""
    return page.evaluate(
        """() => {
            const video = document.querySelector("video[data-player]").getBoundingClientRect();
            const box = document.querySelector("[data-saved] [data-kind=rect]");
            const rect = box.getBoundingClientRect();
            return [(rect.left - video.left) / video.width, (rect.top - video.top) / video.height,
                    rect.width / video.width, rect.height / video.height];
        }"""
    )


def test_draw_a_box_and_an_arrow_then_a_range_that_loops(studio_page):  # noqa: F811
    page = studio_page
    page.click("text=Northwind Coffee — Cold Brew launch")
    page.click("text=Morning ritual")
    page.click("#generate-button")
    card = page.locator(".take-card").first
    expect(card).to_have_attribute("data-status", "completed", timeout=RENDER)
    card.locator("a strong", has_text="Take 1").click()
    page.wait_for_function("() => document.querySelector('video[data-player]').readyState >= 1")
    seek(page, 1.5)
    layer = page.locator("[data-draw-layer]")
    page.click("[data-draw-tool=rect]")
    drag(page, layer.bounding_box(), (0.2, 0.2), (0.5, 0.5))
    page.click("[data-draw-color=yellow]")
    page.click("[data-draw-tool=arrow]")
    drag(page, layer.bounding_box(), (0.8, 0.7), (0.55, 0.55))
    expect(page.locator("[data-draft] [data-kind]")).to_have_count(2)
    expect(page.locator("#comment-timecode")).to_have_value(re.compile(r"^00:01\.5\d$"))
    page.fill("#comment-body", "The logo is too small here")
    page.click(".new-comment button[type=submit]")  # posted with the arrow tool still on
    expect(page.locator(".comment .badge", has_text="drawing")).to_have_count(1)
    # The form comes back with its tools off, and the tool is off with it: a click on the
    # picture is the player's again.
    expect(page.locator("[data-draw-tool][aria-pressed=true]")).to_have_count(0)
    expect(layer).not_to_have_class(re.compile(r"\bdrawing\b"))

    page.reload()
    page.wait_for_function("() => document.querySelector('video[data-player]').readyState >= 1")
    seek(page, 0.2)
    expect(page.locator("[data-saved] [data-kind]")).to_have_count(0)  # not its time yet
    seek(page, 1.5)
    expect(page.locator("[data-saved] [data-kind=rect]")).to_have_count(1)
    expect(page.locator("[data-saved] [data-kind=arrow]")).to_have_count(1)
    wide = shapes_share(page)
    assert abs(wide[0] - 0.2) < 0.02 and abs(wide[2] - 0.3) < 0.02, wide
    before = page.evaluate("document.querySelector('video[data-player]').clientWidth")
    page.set_viewport_size({"width": 820, "height": 900})
    page.wait_for_function(
        "(w) => document.querySelector('video[data-player]').clientWidth != w", arg=before
    )
    narrow = shapes_share(page)
    assert all(abs(a - b) < 0.02 for a, b in zip(wide, narrow, strict=True)), (wide, narrow)
    assert serious(page) == []

    # A range: I at 0.5 s, O at 2.0 s, said, saved; clicked, it plays as a loop.
    page.set_viewport_size({"width": 1280, "height": 900})
    seek(page, 0.5)
    page.keyboard.press("i")
    seek(page, 2.0)
    page.keyboard.press("o")
    expect(page.locator("#comment-end-timecode")).to_have_value(re.compile(r"^00:02\.0\d$"))
    page.fill("#comment-body", "Loop this bit")
    page.click(".new-comment button[type=submit]")
    ranged = page.locator("button.timecode[data-seek-end]")
    expect(ranged).to_have_text("00:00.5–00:02.0")
    ranged.click()
    expect(page.locator("[data-loop-label]")).to_contain_text("Looping 00:00.50–00:02.00")
    page.wait_for_function(  # playing inside the span...
        "() => { const v = document.querySelector('video[data-player]');"
        " return !v.paused && v.currentTime > 1.0; }"
    )
    wrapped = page.evaluate(  # ...until its end sends it back to the in point
        """() => new Promise((done) => {
            const v = document.querySelector("video[data-player]");
            v.addEventListener("seeked", () => done(v.currentTime), { once: true });
        })"""
    )
    assert 0.45 <= wrapped <= 0.6, wrapped
    expect(page.locator(".range-span")).not_to_have_count(0)
