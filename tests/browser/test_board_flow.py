from __future__ import annotations

import pytest
from playwright.sync_api import expect

from studio.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot_titles(page):
    return page.locator(".shot-row .shot-title").all_inner_texts()


def test_create_a_campaign_add_and_reorder_shots(page, log_in, alice):
    log_in("alice")
    page.click("text=New campaign")
    page.fill("#id_name", "Cold brew launch")
    page.fill("#id_brief", "Three shots for the spring drop.")
    page.click("button:has-text('Create campaign')")
    expect(page.locator("h1")).to_contain_text("Cold brew launch")
    board_url = page.url

    for title in ("Beans", "Pour", "Logo"):
        page.fill("#id_title", title)
        page.click("button:has-text('Add shot')")
        expect(page.locator(f".shot-row[data-shot-title='{title}']")).to_be_visible()
        expect(page.locator("#id_title")).to_have_value("")
    assert page.url == board_url  # added without a page reload
    assert shot_titles(page) == ["Beans", "Pour", "Logo"]

    page.click("button[aria-label='Move Logo up']")
    expect(page.locator(".shot-row").nth(1)).to_have_attribute("data-shot-title", "Logo")
    page.click("button[aria-label='Move Beans down']")
    expect(page.locator(".shot-row").nth(0)).to_have_attribute("data-shot-title", "Logo")
    assert shot_titles(page) == ["Logo", "Beans", "Pour"]

    page.reload()
    assert shot_titles(page) == ["Logo", "Beans", "Pour"]
    campaign = Campaign.objects.get(name="Cold brew launch")
    assert list(campaign.shots.values_list("title", flat=True)) == ["Logo", "Beans", "Pour"]
