"""Brief → plan → edit one row → create shots → generate all → takes render, in Chromium
against the real studio (`runstudio`: web server, worker cluster, animatic provider). The
campaign names its product; the brief tells a story with a quoted voice-over line: the plan
films the story in its order, names the product and keeps the line as written."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import serious
from tests.browser.test_takes_flow import studio, studio_page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser]
RENDER = 150_000
PRODUCT = "Oat & Co overnight oats"
LINE = "Breakfast, sorted the night before."
BRIEF = (
    "A parent opens the fridge at 7 am in a quiet kitchen, takes out a jar of overnight oats "
    f"and hands it to a sleepy child. Voice-over: '{LINE}' Warm morning light."
)


def test_plan_from_the_brief_edit_a_row_and_generate_all(studio_page):  # noqa: F811
    page = studio_page
    page.click("text=New campaign")
    page.fill("#id_name", "Oats launch")
    page.fill("#id_product", PRODUCT)
    page.fill("#id_brief", BRIEF)
    page.check("input[name=target_formats][value='9:16']")
    page.click("form button[type=submit]")
    page.click("#plan-from-brief")
    expect(page.locator("#id_product")).to_have_value(PRODUCT)  # the campaign's product
    page.fill("#id_target", "15")
    page.click("#draft-plan")
    rows = page.locator(".plan-shot")
    expect(rows).to_have_count(4)  # the brief's three moments, then the product: 15 s
    expect(page.locator("#plan-formats")).to_contain_text("720×1280 (9:16)")
    for number, moment in enumerate(["opens the fridge", "takes out a jar", "hands it"]):
        expect(rows.nth(number).locator("summary")).to_contain_text(moment)
    expect(rows.nth(3).locator("summary")).to_contain_text(PRODUCT)
    # The primary action is in view before any row is opened; rows fold to one line each.
    expect(page.locator("#generate-all")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollHeight") < 1800
    assert serious(page) == []
    rows.nth(3).locator("summary").click()
    expect(rows.nth(3).locator("input[name$=voiceover]")).to_have_value(LINE)
    rows.nth(1).locator("summary").click()
    rows.nth(1).locator("input[name$=title]").fill("The jar from the fridge")
    rows.nth(1).locator("input[name$=title]").press("Enter")  # keeps the edit, drafts nothing
    expect(page.locator(".plan-shot").nth(1).locator(".plan-shot-title")).to_have_text(
        "The jar from the fridge"
    )
    page.click("#generate-all")
    expect(page.locator(".message.success").first).to_contain_text("4 shots created.")
    expect(page.locator(".shot-row")).to_have_count(4)
    expect(page.locator(".shot-row").nth(1)).to_contain_text("The jar from the fridge")
    # The board says what is queued, refreshes its shots as they render, then lets the message go.
    expect(page.locator(".message.success", has_text="4 takes queued.")).to_have_count(1)
    expect(page.locator("[data-shot-status=in_review]")).to_have_count(4, timeout=RENDER)
    expect(page.locator(".message.success", has_text="takes queued")).to_have_count(0)
    # The created shots: the story, the product and the line as the brief wrote it.
    page.locator(".shot-row").nth(0).locator("a.shot-title").click()
    expect(page.locator("#compiled-prompt")).to_contain_text("A parent opens the fridge")
    page.go_back()
    page.locator(".shot-row").nth(3).locator("a.shot-title").click()
    compiled = page.locator("#compiled-prompt")
    expect(compiled).to_contain_text(PRODUCT)
    expect(compiled).to_contain_text(LINE)
    page.go_back()
    page.click(".campaign-nav >> text=Deliverables")
    expect(page.locator('td.cell[data-status="in_review"]')).to_have_count(4, timeout=RENDER)
