"""The studio's pages work under their Content-Security-Policy, and a violation is caught."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from studio.models import ShareLink
from tests.factories import make_take

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_main_page_runs_under_the_policy(page, log_in, alice, campaign, shot):
    take = make_take(shot)
    _link, token = ShareLink.create(campaign=campaign, days=1)
    log_in("alice")
    for path in (
        "/",
        f"/c/{campaign.pk}/",
        shot.get_absolute_url(),
        f"/takes/{take.pk}/",
        "/review/",
        f"/c/{campaign.pk}/share/",
        f"/w/{campaign.workspace.slug}/members/",
        f"/s/{token}/",
        f"/s/{token}/takes/{take.pk}/",
    ):
        response = page.goto(path)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, path
        assert "'unsafe-inline'" not in policy
    # htmx still works under the policy: the live preview of the shot editor swaps in.
    page.goto(shot.get_absolute_url())
    page.fill("#id_scene", "Espresso tonic at dawn, slow motion.")
    expect(page.locator("#compiled-prompt").first).to_contain_text("Espresso tonic at dawn")


def test_an_inline_script_is_refused_and_reported(page, log_in, alice, csp_violations):
    log_in("alice")
    page.goto("/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.pwned = 1'; document.body.appendChild(s); }"
        )
    assert page.evaluate("() => window.pwned") is None
    assert any("Content Security Policy" in v for v in csp_violations)
    csp_violations.clear()  # seen on purpose
