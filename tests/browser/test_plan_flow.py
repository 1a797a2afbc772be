"""Brief → plan → edit one row → create shots → generate all → takes render, in Chromium
against the real studio (`runstudio`: web server, worker cluster, animatic provider)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import serious
from tests.browser.test_takes_flow import studio, studio_page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser]
RENDER = 150_000


def test_plan_from_the_brief_edit_a_row_and_generate_all(studio_page):  # noqa: F811
    page = studio_page
    page.click("text=New campaign")
    page.fill("#id_name", "Trail launch")
    page.fill(
        "#id_brief",
        "We are launching the Trailhead bottle for weekend hikers. Rugged and confident, on a "
        "mountain ridge at sunset.",
    )
    page.check("input[name=target_formats][value='16:9']")
    page.click("form button[type=submit]")
    page.click("#plan-from-brief")
    page.fill("#id_target", "20")
    page.click("#draft-plan")
    rows = page.locator(".plan-shot")
    expect(rows).to_have_count(4)  # hook, product, benefit, call to action: 5 s each
    expect(rows.nth(1).locator("textarea[name$=scene]")).to_have_value(
        "START: exactly where the shot before ended: extreme close-up of the Trailhead bottle, "
        "centred, light along its edge.\n"
        "The Trailhead bottle stands at the centre of a mountain ridge at sunset."
    )
    expect(rows.nth(1).locator("input[name$=connected]")).to_be_checked()
    expect(rows.nth(1).locator("input[name$=on_screen_text]")).to_have_value("Trailhead bottle")
    expect(rows.nth(3)).to_contain_text("Timeline: 0.0–3.0 s · 3.0–5.0 s")
    expect(page.locator("#plan-total")).to_contain_text("Estimated: $0.00")
    assert serious(page) == []
    rows.nth(1).locator("input[name$=title]").fill("Bottle on the ridge")
    rows.nth(1).locator("input[name$=title]").press("Enter")  # keeps the edit, drafts nothing
    expect(page.locator(".plan-shot").nth(1).locator("input[name$=title]")).to_have_value(
        "Bottle on the ridge"
    )
    page.click("#generate-all")
    expect(page.locator(".message.success").first).to_contain_text("4 shots created.")
    expect(page.locator(".shot-row")).to_have_count(4)
    expect(page.locator(".shot-row").nth(1)).to_contain_text("Bottle on the ridge")
    # The board says what is queued, refreshes its shots as they render, then lets the message go.
    expect(page.locator(".message.success", has_text="4 takes queued.")).to_have_count(1)
    expect(page.locator("[data-shot-status=in_review]")).to_have_count(4, timeout=RENDER)
    expect(page.locator(".message.success", has_text="takes queued")).to_have_count(0)
    page.click(".campaign-nav >> text=Deliverables")
    expect(page.locator('td.cell[data-status="in_review"]')).to_have_count(4, timeout=RENDER)
