"""The whole job as a new producer does it, in Chromium against the real studio (`runstudio`:
web server, worker cluster, animatic provider), counting the person's actions: a campaign in
three formats with its brief, five shots planned from the brief, every take generated and
approved, all rough cuts, the package, and a download-only link the client opens and
downloads from.

An action is each click, select, field filled and non-typing key press (what a person does;
waiting for the studio is not one). The count is printed per step; approving fifteen takes
must cost at most three actions (a selection), and the whole job far fewer than the 102 it
took before review could be done where the takes are seen."""

from __future__ import annotations

import zipfile
from collections import Counter

import pytest
from playwright.sync_api import expect

from tests.browser.test_takes_flow import studio, studio_page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser]
RENDER = 240_000  # fifteen animatic takes on a two-core machine
BRIEF = (
    "Northwind Coffee launches its new Cold Brew for busy commuters. Warm and bright, in a "
    "sunlit kitchen. The smooth taste, the recyclable can."
)


class Person:
    """A page driven as a person would drive it, each action counted under the current step."""

    def __init__(self, page):
        self.page = page
        self.step = ""
        self.counts: Counter[str] = Counter()

    def at(self, step: str) -> Person:
        self.step = step
        return self

    def _count(self) -> None:
        self.counts[self.step] += 1

    def click(self, selector: str) -> None:
        self._count()
        self.page.locator(selector).click()

    def fill(self, selector: str, text: str) -> None:
        self._count()
        self.page.locator(selector).fill(text)

    def check(self, selector: str) -> None:
        self._count()
        self.page.locator(selector).check()

    def open(self, url: str) -> None:
        """Opening a link someone sent (one click in their mail)."""
        self._count()
        self.page.goto(url)

    def report(self) -> str:
        lines = [f"{step:<28} {n:>3}" for step, n in self.counts.items()]
        return "\n".join([*lines, f"{'total':<28} {sum(self.counts.values()):>3}"])


def test_a_producer_does_the_whole_job_in_few_actions(studio_page, chromium, studio):  # noqa: F811
    page = studio_page
    me = Person(page)

    me.at("campaign in three formats")
    me.click("text=New campaign")
    me.fill("#id_name", "Summer drop")
    me.fill("#id_brief", BRIEF)
    for aspect in ("9:16", "16:9", "1:1"):
        me.check(f"input[name=target_formats][value='{aspect}']")
    me.click("form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Summer drop")
    board = page.url

    me.at("five shots from the brief")
    me.click("#plan-from-brief")
    expect(page.locator("#id_brief")).to_have_value(BRIEF)  # the campaign's brief, editable
    me.fill("#id_target", "25")
    me.click("#draft-plan")
    expect(page.locator(".plan-shot")).to_have_count(5)
    expect(page.locator(".plan-shot").first).to_contain_text("Shot 1")
    me.click("#create-shots")
    expect(page.locator(".message.success")).to_contain_text("5 shots created.")
    expect(page.locator(".shot-row")).to_have_count(5)

    me.at("generate every format")
    me.click(".campaign-nav >> text=Deliverables")
    me.click("#plan-missing")
    expect(page.locator(".plan-row")).to_have_count(15)
    me.click("#confirm-missing")
    expect(page.locator(".message.success")).to_contain_text("15 takes queued.")
    expect(page.locator('td.cell[data-status="in_review"]')).to_have_count(15, timeout=RENDER)
    # The queued message went once nothing was in progress: it no longer tells a past truth.
    expect(page.locator(".message.while-working")).to_have_count(0)

    me.at("approve all fifteen")
    me.click("[data-select-all=grid-bulk]")
    expect(page.locator("[data-bulk-count]")).to_have_text("15 selected:")
    me.click("#grid-bulk-approve")
    expect(page.locator(".message.success")).to_contain_text("15 takes approved.")
    expect(page.locator('td.cell[data-status="approved"]')).to_have_count(15)
    approving = me.counts["approve all fifteen"]
    assert approving <= 3, f"approving fifteen takes took {approving} actions"

    me.at("all rough cuts")
    me.click(".campaign-nav >> text=Storyboard")
    me.click("#make-all-cuts")
    expect(page.locator(".message.success")).to_contain_text("3 rough cuts queued")
    expect(page.locator(".cut-card[data-cut^=format] video.cut-player")).to_have_count(
        3, timeout=RENDER
    )

    me.at("the package")
    me.click(".campaign-nav >> text=Delivery")
    with page.expect_download() as download:
        me.click("#download-package")
    names = zipfile.ZipFile(download.value.path()).namelist()
    assert sum(name.endswith(".mp4") for name in names) == 15
    assert {name.split("/")[1] for name in names if name.endswith(".mp4")} == {
        "reels",
        "youtube",
        "square",
    }

    me.at("a link for the client")
    me.click("text=Share with the client…")
    me.check("input[name=preset][value=download]")
    me.click("button:has-text('Create link')")
    link = page.input_value("#new-link-url")  # what "Copy link" puts on the clipboard
    me.click("button:has-text('Copy link')")

    # The campaign says Approved: every cell has an approved take (no hero picked by hand).
    page.goto(board)
    expect(page.locator("h1 .badge")).to_have_text("Approved")

    client_context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        client_page = client_context.new_page()
        client = Person(client_page)
        client.at("the client downloads")
        client.open(link)
        expect(client_page.locator("#guest-permissions")).to_contain_text(
            "watch the finished takes, download the delivery package"
        )
        assert "comment" not in client_page.locator("main").inner_text().lower()
        expect(client_page.locator(".guest-group h2")).to_have_count(3)
        expect(client_page.locator("#package")).to_contain_text("15 videos")
        with client_page.expect_download() as download:
            client.click("#guest-download")
        guest_names = zipfile.ZipFile(download.value.path()).namelist()
        assert sum(name.endswith(".mp4") for name in guest_names) == 15
    finally:
        client_context.close()

    me.counts.update(client.counts)
    print("\nActions per step:\n" + me.report())
    total = sum(me.counts.values())
    assert total <= 40, f"the whole job took {total} actions:\n{me.report()}"
