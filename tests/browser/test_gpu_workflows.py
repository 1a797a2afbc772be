"""The team's own GPUs in Chromium: an operator sees the backends on the providers page, uploads
the documented LTX-2 workflow, is told which binding is wrong with the form kept, fixes it, and
finds the workflow offered (then withdraws it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs/workflows"


def test_an_operator_binds_a_workflow_and_finds_it_offered(page, log_in, comfy_fake):
    make_user("ops", is_staff=True)
    log_in("ops")
    page.goto("/providers/")
    expect(page.locator("#backend-gpu1")).to_contain_text("up")
    page.get_by_role("link", name="Add a workflow").click()
    page.fill("#id_label", "LTX-2 image to video")
    page.fill("#id_key", "ltx2-i2v")
    page.set_input_files("#id_graph", str(DOCS / "ltx2-image-to-video.api.json"))
    bindings = (DOCS / "ltx2-image-to-video.bindings.txt").read_text()
    page.fill("#id_bindings", bindings.replace("seed = 8.seed", "seed = 80.seed"))
    page.fill("#id_sizes", "1280x704 704x1280")
    page.fill("#id_durations", "3 5")
    page.select_option("#id_frame_rule", "8n+1")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_contain_text(
        "seed is bound to node 80, which the workflow does not have"
    )
    expect(page.locator("#id_label")).to_have_value("LTX-2 image to video")  # the form is kept
    page.set_input_files("#id_graph", str(DOCS / "ltx2-image-to-video.api.json"))
    page.fill("#id_bindings", bindings)
    page.click("button[type=submit]")
    page.wait_for_url("**/providers/")
    workflow = page.locator("#workflow-ltx2-i2v")
    expect(workflow).to_contain_text("comfy-ltx2-i2v")
    expect(workflow).to_contain_text("frames 8n+1")
    workflow.get_by_role("button", name="Withdraw").click()
    expect(page.locator("#workflow-ltx2-i2v")).to_contain_text("withdrawn")
