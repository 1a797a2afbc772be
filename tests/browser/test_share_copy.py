from __future__ import annotations

import pytest
from playwright.sync_api import expect

from studio.models import ShareLink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_guest_link_is_shown_once_with_a_copy_button(
    chromium, live_server, alice, campaign, csp_violations
):
    context = chromium.new_context(base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.on(
        "console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text)
    )
    try:
        page.goto("/login/")
        page.fill("#id_username", "alice")
        from tests.factories import PASSWORD

        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        page.goto(f"/c/{campaign.pk}/share/")
        page.click("button:has-text('Create link')")
        expect(page.locator("text=Store it now: it is shown only once.")).to_be_visible()
        url = page.input_value("#new-link-url")
        page.click("button:has-text('Copy link')")
        expect(page.locator("[data-copied-for=new-link-url]")).to_have_text("Copied.")
        assert page.evaluate("() => navigator.clipboard.readText()") == url
        token = url.rstrip("/").rsplit("/", 1)[1]
        assert ShareLink.objects.get().token_hash == ShareLink.hash(token)
        page.reload()
        assert url not in page.content()  # never shown twice
    finally:
        context.close()
    assert csp_violations == []
