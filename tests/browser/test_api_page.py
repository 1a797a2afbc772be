"""The API page in Chromium under the studio's Content-Security-Policy: a token made and
copied once, and the reference page (Swagger UI from the studio's own static files) listing
the operations and calling one with that token."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_makes_a_token_and_tries_the_api_on_its_reference_page(
    page, log_in, alice, campaign
):
    log_in("alice")
    page.get_by_role("link", name="API", exact=True).click()
    page.fill("#id_name", "Planning sync")
    page.check("input[name=scopes][value=read]")
    page.click("#token-add button[type=submit]")
    key = page.locator("#new-token code").inner_text()
    assert re.fullmatch(r"rr_[0-9a-f]{8}_[A-Za-z0-9_-]+", key)
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 28
    page.click("button.authorize")
    page.locator(".auth-container input").first.fill(key)
    page.locator(".auth-btn-wrapper button.authorize").click()
    page.locator(".btn-done").click()
    campaigns = page.locator("#operations-campaigns-studio_api_campaigns_list_campaigns")
    campaigns.locator(".opblock-summary").click()
    campaigns.locator("button.try-out__btn").click()
    campaigns.locator("button.execute").click()
    expect(campaigns.locator(".response .response-col_status").first).to_contain_text("200")
    expect(campaigns.locator(".highlight-code").first).to_contain_text(campaign.name)
