"""Playwright driving Debian's Chromium (/usr/bin/chromium); never a downloaded browser.

Without Chromium these tests are skipped and say why; REELROOM_REQUIRE_BROWSER=1 (set by
.ci/run) turns that skip into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD

CHROMIUM = Path(os.environ.get("REELROOM_CHROMIUM", "/usr/bin/chromium"))
# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test's own
# setup code are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        reason = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REELROOM_REQUIRE_BROWSER"):
            pytest.fail(f"REELROOM_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield browser
        browser.close()


CSP_WORDS = ("Content Security Policy", "Content-Security-Policy")
# A test that provokes a refusal on purpose (a 4xx the page explains) names it here.
EXPECTED_STATUSES = ("the server responded with a status of 4",)


def _expected(problem: str) -> bool:
    """Console lines Chromium writes for a deliberate 4xx answer (a form error, a 403 the
    page explains): not errors of the page."""
    return any(text in problem for text in EXPECTED_STATUSES)


@pytest.fixture
def csp_violations():
    """Every Content-Security-Policy violation the browser reports while a test runs."""
    return []


@pytest.fixture
def page(chromium, live_server, csp_violations):
    """A page on the live studio, with the Content-Security-Policy on (the studio's own
    settings): any violation reported in the console fails the test."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()

    problems = []

    def on_console(message):
        if any(word in message.text for word in CSP_WORDS):
            csp_violations.append(message.text)
        elif message.type == "error":
            problems.append(f"console error: {message.text}")

    def on_response(response):
        if response.status >= 500 or (response.status == 404 and "/static/" in response.url):
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    aborted = []

    def on_failed(request):
        if request.failure == "net::ERR_ABORTED":  # a navigation cancelled it
            aborted.append(request.url)
        else:
            problems.append(f"failed: {request.url} ({request.failure})")

    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.console_problems = problems
    yield page
    context.close()
    assert csp_violations == [], "the page broke its Content-Security-Policy"
    if aborted:
        # htmx reports a request that a navigation cancelled as a failed afterRequest.
        problems[:] = [p for p in problems if "htmx:afterRequest" not in p]
    assert [p for p in problems if not _expected(p)] == [], "the page logged errors"


@pytest.fixture
def log_in(page):
    def _log_in(username: str, password: str = PASSWORD):
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/")

    return _log_in
