"""Content Credentials in the browser (issue 23): review shows what a take carried when it was
stored; the verify page shows a delivered file's credentials — against the real studio
(`runstudio`: web server, worker cluster, animatic provider) in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_takes_flow import studio, studio_page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser]
RENDER = 120_000


def test_review_shows_the_ingest_state_and_verify_shows_the_delivered_file(
    studio_page,  # noqa: F811
):
    page = studio_page
    page.click("text=Northwind Coffee — Cold Brew launch")
    page.click("text=Morning ritual")
    page.click("#generate-button")
    card = page.locator(".take-card").first
    expect(card).to_have_attribute("data-status", "completed", timeout=RENDER)
    card.locator("a strong", has_text="Take 1").click()
    credentials = page.locator("#take-credentials")
    expect(credentials).to_have_attribute("data-state", "none")  # the animatic carries none
    expect(credentials).to_contain_text("none: Reelroom signs it at delivery")
    page.click("#approve")
    expect(page.locator("#verdict")).to_have_text("Approved")
    page.click(".crumbs a >> nth=0")  # the campaign
    page.click(".campaign-nav >> text=Delivery")
    row = page.locator("#package-files tr[data-file]").first
    # Signed in the queue once approved: the page says so and follows until it is done.
    expect(row.locator(".credentials")).to_contain_text(
        "Not AI-generated (animatic)", timeout=30_000
    )
    expect(row.locator(".credentials")).to_contain_text("untrusted test signer")
    row.locator(".credentials a", has_text="verify").click()
    result = page.locator("#verify-result")
    expect(result).to_have_attribute("data-state", "valid")
    expect(result).to_contain_text("the copy delivered")
    expect(result).to_contain_text("Valid, not trusted")
    expect(result).to_contain_text("local test signer")
    expect(result.locator(".manifest-actions")).to_contain_text("digitalCreation")
    expect(result).to_contain_text("Claim generator")
