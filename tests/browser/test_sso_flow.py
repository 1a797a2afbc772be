"""The company's sign-in in Chromium (issue 39, point 2): the login page's "Sign in with …",
the real OpenID provider's own sign-in and consent pages, the authorisation-code flow with
PKCE, and the studio signed in with the role the groups claim gave."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from studio.models import Membership, Role
from tests.oidc_server import OWNERS, OIDCProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_with_the_company_provider(page, live_server, settings, tmp_path, workspace):
    callback = f"{live_server.url}/sso/company/login/callback/"
    people = {"olu": {"email": "olu@acme.example", "preferred_username": "olu", "groups": [OWNERS]}}
    provider = OIDCProvider(tmp_path, [callback], people).start()
    try:
        provider.settings(settings)
        # The provider's development pages link a web font: no test reaches the internet.
        page.route(
            lambda url: urlsplit(url).hostname not in ("127.0.0.1", "localhost"),
            lambda route: route.fulfill(status=200, content_type="text/css", body=""),
        )
        asked = []
        page.on("request", lambda r: "/auth?" in r.url and asked.append(r.url))
        page.goto("/login/")
        page.click("#sso-sign-in")
        page.wait_for_url(f"{provider.issuer}/interaction/**")
        page.fill("input[name=login]", "olu")
        page.fill("input[name=password]", "anything")
        page.click("button[type=submit]")
        page.click("button[type=submit]:has-text('Continue')")  # the provider's consent
        page.wait_for_url(f"{live_server.url}/")
        expect(page.locator(".who")).to_contain_text("olu · Owner")
    finally:
        provider.stop()
    query = parse_qs(urlsplit(asked[0]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    assert Membership.objects.get(user__username="olu", workspace=workspace).role == Role.OWNER
