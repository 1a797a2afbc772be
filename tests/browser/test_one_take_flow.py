"""The whole spot in one take, in Chromium against the real studio (its own queue): from the
storyboard, the shots chosen and the plan read, one generation on the animatic, its pieces
found on the deliverables grid as each shot's take, two approved there and one commented on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_takes_flow import studio, studio_page  # noqa: F401

pytestmark = [pytest.mark.browser]


def test_generate_the_spot_in_one_take_then_review_its_pieces(studio_page):  # noqa: F811
    page = studio_page
    page.click("text=Northwind Coffee — Cold Brew launch")
    campaign_url = page.url
    page.goto(f"{campaign_url}storyboard/")
    page.click("#one-take-link")
    # Four shots run 24 s: longer than the animatic makes in one take, said, with a split.
    expect(page.locator("#one-take-problem")).to_contain_text("makes 24 s in one take")
    expect(page.locator("#one-take-halves")).to_be_visible()
    # Without the last shot the spot is 16 s: the plan, its timings and prices show.
    page.get_by_label("4. Morning ritual").uncheck()
    expect(page.locator("#one-take-timings tbody tr")).to_have_count(3)
    expect(page.locator("#one-take-prices")).to_contain_text("One take:")
    expect(page.locator("#one-take-timings")).to_contain_text("8.0s–16.0s")
    page.click("#generate-one-take")
    expect(page.locator(".message.success")).to_contain_text("in one take")
    pieces = page.locator(".one-take-pieces li")
    expect(pieces).to_have_count(3, timeout=120_000)
    expect(page.locator(".one-take-take[data-status=completed] video")).to_have_count(1)

    page.goto(f"{campaign_url}grid/")
    cells = page.locator("td.cell", has=page.locator(".one-take-piece"))
    expect(cells).to_have_count(3)
    for index in (0, 1):
        cells.nth(index).get_by_role("button", name="Approve").first.click()
        expect(cells.nth(index).locator("[data-verdict=approved]")).to_have_count(1)
        page.wait_for_load_state("networkidle")  # the grid is drawn again after a decision
    expect(page.locator("td.cell [data-verdict=approved]")).to_have_count(2)

    cells.nth(2).locator("a.cell-poster").click()
    expect(page.locator("#cut-from")).to_contain_text("Cut from the one-take spot")
    page.fill("#comment-body", "The cut into this shot lands a beat early")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(".comment")).to_contain_text("lands a beat early")
