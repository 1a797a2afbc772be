"""The production half in Chromium, against the real studio (`runstudio`: web server and worker
cluster, animatic provider): declare two formats, generate the missing formats and watch the grid
fill, continue a shot from the previous one's last frame, reorder the storyboard, make a rough cut
and play it, download the delivery package."""

from __future__ import annotations

import json
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.test_takes_flow import studio, studio_page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser]
RENDER = 150_000  # four animatic takes on a two-core machine


def _new_campaign(page) -> str:
    page.goto("/c/new/")
    page.fill("#id_name", "Summer drop")
    page.check("input[name=target_formats][value='9:16']")
    page.check("input[name=target_formats][value='16:9']")
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Summer drop")
    for title, scene in (("Pour", "Cold brew poured over ice."), ("Sip", "She sips, smiles.")):
        page.fill("#id_title", title)
        page.fill("#id_scene", scene)
        page.click("form.add-shot button[type=submit]")
        expect(page.locator(".shot-row", has_text=title)).to_have_count(1)
    return page.url


def test_formats_grid_continuity_storyboard_cut_and_package(studio_page):  # noqa: F811
    page = studio_page
    board = _new_campaign(page)

    # Two formats declared: the grid is 2 shots × 2 formats, all missing.
    page.click(".campaign-nav >> text=Deliverables")
    cells = page.locator("td.cell")
    expect(cells).to_have_count(4)
    expect(page.locator('td.cell[data-status="missing"]')).to_have_count(4)
    expect(page.locator("thead")).to_contain_text("Reels")
    expect(page.locator("thead")).to_contain_text("YouTube")

    # The plan first (sizes, estimate), then the takes; the grid fills without a reload.
    page.click("#plan-missing")
    expect(page.locator(".plan-row")).to_have_count(4)
    expect(page.locator(".plan-total")).to_contain_text("Estimated total")
    page.click("#confirm-missing")
    expect(page.locator(".message.success")).to_contain_text("4 takes queued.")
    grid_url = page.url
    expect(page.locator('td.cell[data-status="missing"]')).to_have_count(0)
    expect(page.locator('td.cell[data-status="in_review"]')).to_have_count(4, timeout=RENDER)
    assert page.url == grid_url
    expect(page.locator("td.cell img")).to_have_count(4)
    # Each poster keeps its format's shape: the Reels (9:16) boxes are tall, YouTube's wide.
    for box in page.locator(".cell-poster.aspect-916").all():
        shape = box.bounding_box()
        assert shape["height"] > shape["width"] * 1.5, shape
    for box in page.locator(".cell-poster.aspect-169").all():
        shape = box.bounding_box()
        assert shape["width"] > shape["height"] * 1.5, shape
    assert page.locator(".cell-poster.aspect-916").count() == 2

    # Continuity: shot 2 starts on shot 1's last frame.
    page.goto(board)
    page.click(".shot-row >> text=Sip")
    page.click("#continue-previous")
    expect(page.locator("#reference-source")).to_contain_text("Last frame of shot 1 “Pour”")
    expect(page.locator("#reference img").first).to_be_visible()

    # Approve the 16:9 takes of both shots on the grid's cells.
    page.goto(grid_url)
    headers = [t.strip() for t in page.locator("thead th").all_inner_texts()]
    youtube_column = next(i for i, t in enumerate(headers) if t.lower().startswith("youtube")) - 1
    for row in range(2):
        page.locator("tbody tr").nth(row).locator("td.cell").nth(youtube_column).locator(
            "a"
        ).click()
        page.click("button[value=approved]")
        expect(page.locator(".message.success")).to_be_visible()
        page.goto(grid_url)
    expect(page.locator('td.cell[data-status="approved"]')).to_have_count(2)

    # Storyboard: drag shot 2 before shot 1.
    page.click(".campaign-nav >> text=Storyboard")
    cards = page.locator(".story-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Pour")
    with page.expect_response(lambda r: "/storyboard/order/" in r.url and r.status == 200):
        cards.nth(1).drag_to(cards.nth(0))
    expect(page.locator(".story-card").nth(0)).to_contain_text("Sip")
    page.reload()
    expect(page.locator(".story-card").nth(0)).to_contain_text("Sip")

    # A rough cut of the YouTube format, rendered in the queue, plays in the page.
    youtube = page.locator(".cut-card", has_text="YouTube")
    youtube.locator("button[type=submit]").click()
    youtube = page.locator(".cut-card", has_text="YouTube")
    video = youtube.locator("video.cut-player")
    expect(video).to_have_count(1, timeout=RENDER)
    played = video.evaluate(
        """async (v) => {
            v.muted = true;
            await v.play();
            await new Promise((resolve) => setTimeout(resolve, 800));
            v.pause();
            return {time: v.currentTime, duration: v.duration, error: v.error && v.error.code,
                    width: v.videoWidth, height: v.videoHeight};
        }"""
    )
    assert played["error"] is None and played["time"] > 0.3
    assert abs(played["duration"] - 8) < 0.3  # two 4-second heroes
    assert (played["width"], played["height"]) == (1280, 720)

    # The delivery package: the two approved YouTube takes and the manifests.
    page.click(".campaign-nav >> text=Delivery")
    with page.expect_download() as download:
        page.click("#download-package")
    archive = zipfile.ZipFile(download.value.path())
    names = sorted(archive.namelist())
    assert names == [
        "summer-drop/manifest.csv",
        "summer-drop/manifest.json",
        "summer-drop/timeline/youtube.edl",  # the cut for the editing applications
        "summer-drop/timeline/youtube.fcpxml",
        "summer-drop/timeline/youtube.otio",
        "summer-drop/timeline/youtube.xml",  # and Premiere's
        "summer-drop/youtube/01-sip-take1.c2pa",  # each file's Content Credentials
        "summer-drop/youtube/01-sip-take1.mp4",
        "summer-drop/youtube/02-pour-take1.c2pa",
        "summer-drop/youtube/02-pour-take1.mp4",
    ]
    record = json.loads(archive.read("summer-drop/manifest.json"))
    assert {f["shot"] for f in record["files"]} == {"Pour", "Sip"}
