"""Review at a producer's speed in Chromium (issue 21): decisions in place with undo, keys on
the take page, a selection in the queue, the client's sign-off through a guest link, posters
that keep their aspect, and the new pages axe-clean."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from studio.models import Decision, ShareLink
from studio.production.deliverables import add_format
from tests.browser.test_accessibility import serious
from tests.factories import make_take
from tests.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def with_poster(take, size):
    key = default_storage.save(f"t/{take.pk}.jpg", ContentFile(image_bytes(size, "JPEG")))
    take.thumbnail_key = key
    take.save(update_fields=["thumbnail_key"])
    return take


def test_approve_in_place_on_the_shot_page_and_undo(page, log_in, rita, shot):
    take = make_take(shot)
    log_in("rita")
    page.goto(shot.get_absolute_url())
    control = page.locator(f"#decide-{take.pk}")
    control.get_by_role("button", name="Approve take 1").click()
    expect(control).to_have_attribute("data-verdict", "approved")
    expect(control).to_contain_text("Approved by rita")
    assert Decision.objects.filter(render=take, reviewer=rita).count() == 1
    control.locator("[data-undo]").click()
    expect(control).to_have_attribute("data-verdict", "pending")
    assert not Decision.objects.exists()
    # Request changes in place, with a note; Enter sends it back (it never approves).
    control.locator("summary").click()
    page.fill(f"#changes-note-{take.pk}", "Warmer light")
    page.keyboard.press("Enter")
    expect(control).to_have_attribute("data-verdict", "changes_requested")
    assert Decision.objects.get().note == "Warmer light"


def test_a_grid_cell_is_approved_in_place_and_the_grid_follows(page, log_in, rita, campaign, shot):
    add_format(campaign, "YouTube", "16:9")
    take = make_take(shot)
    log_in("rita")
    page.goto(f"/c/{campaign.pk}/grid/")
    cell = page.locator("td.cell").first
    expect(cell).to_have_attribute("data-status", "in_review")
    cell.get_by_role("button", name="Approve take 1 (YouTube)").click()
    # The grid is asked again ("decided"): the cell is approved, the Undo still beside it.
    expect(page.locator("td.cell").first).to_have_attribute("data-status", "approved")
    expect(page.locator(f"#decide-{take.pk} [data-undo]")).to_have_count(1)
    expect(page.locator(".grid-counts")).to_contain_text("1 approved")


def test_keys_on_the_take_page_approve_and_go_on_and_request_changes(
    page, log_in, rita, campaign, shot
):
    first, second = make_take(shot, take=1), make_take(shot, take=2)
    log_in("rita")
    page.goto(f"/takes/{first.pk}/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/takes/{second.pk}/")
    page.keyboard.press("p")
    page.wait_for_url(f"**/takes/{first.pk}/")
    page.keyboard.press("a")  # approve and next
    page.wait_for_url(f"**/takes/{second.pk}/")
    expect(page.locator(".message.success")).to_contain_text("Take 1 approved.")
    page.keyboard.press("r")
    expect(page.locator("#decision-note")).to_be_focused()
    page.keyboard.type("The glass is empty at the end")
    page.keyboard.press("Enter")
    expect(page.locator(".message.success")).to_contain_text("Take 2 sent back.")
    verdicts = dict(Decision.objects.values_list("render_id", "verdict"))
    assert verdicts == {first.pk: "approved", second.pk: "changes_requested"}
    assert Decision.objects.get(render=second).note == "The glass is empty at the end"


def test_select_all_in_the_queue_and_approve_with_one_note(page, log_in, rita, campaign, shot):
    add_format(campaign, "Reels", "9:16")
    takes = [with_poster(make_take(shot, take=n, size="720x1280"), (360, 640)) for n in (1, 2, 3)]
    log_in("rita")
    page.goto("/review/")
    expect(page.locator(".queue-row")).to_have_count(3)
    expect(page.locator(".queue-row .take-format").first).to_have_text("Reels · 720×1280 (9:16)")
    # A vertical poster keeps its aspect in the queue's 16:9 box (pillarboxed, not squeezed).
    box = page.locator(".queue-row .poster-box img").first.bounding_box()
    assert box and abs(box["width"] / box["height"] - 9 / 16) < 0.05
    page.check("[data-select-all=bulk]")
    expect(page.locator("[data-bulk-count]")).to_have_text("3 selected:")
    page.fill("#bulk-note", "All good for Reels")
    page.click("#bulk-approve")
    expect(page.locator(".message.success")).to_contain_text("3 takes approved.")
    expect(page.locator(".queue-row")).to_have_count(0)
    found = Decision.objects.filter(reviewer=rita)
    assert sorted(d.render_id for d in found) == sorted(t.pk for t in takes)
    assert {d.note for d in found} == {"All good for Reels"}


def test_the_client_approves_through_the_link(page, campaign, shot, rita):
    campaign.approvers.set([rita])
    campaign.client_must_approve = True
    campaign.save()
    add_format(campaign, "YouTube", "16:9")
    take = with_poster(make_take(shot), (640, 360))
    Decision.objects.create(render=take, reviewer=rita, verdict="approved")
    _link, token = ShareLink.create(campaign=campaign, days=3, allow_decisions=True)
    page.goto(f"/s/{token}/")
    expect(page.locator("#guest-permissions")).to_contain_text(
        "watch the spots and the takes, comment on them, approve them or ask for changes"
    )
    card = page.locator(".guest-card")
    expect(card).to_contain_text("YouTube · 1280×720 (16:9)")
    expect(card).to_contain_text("Waiting for the client's decision")
    card.locator("a").first.click()
    page.fill("#decision-name", "Dana from Brand")
    page.click("#client-approve")
    expect(page.locator(".message.success")).to_contain_text("Thank you, Dana from Brand")
    expect(page.locator("#approval")).to_contain_text("Approved by the client")
    assert Decision.objects.get(reviewer__isnull=True).guest_name == "Dana from Brand"
    problems = serious(page)
    assert problems == [], "\n".join(problems)


def test_posters_keep_their_aspect_on_the_grid(page, log_in, rita, campaign, shot):
    add_format(campaign, "Reels", "9:16")
    add_format(campaign, "Square", "1:1")
    with_poster(make_take(shot, take=1, size="720x1280"), (360, 640))
    with_poster(make_take(shot, take=2, size="960x960"), (480, 480))
    log_in("rita")
    page.goto(f"/c/{campaign.pk}/grid/")
    images = page.locator("td.cell .poster-box img")
    expect(images).to_have_count(2)
    ratios = []
    for i in range(2):
        images.nth(i).evaluate("(img) => img.decode()")
        box = images.nth(i).bounding_box()
        ratios.append(round(box["width"] / box["height"], 2))
    assert ratios == [round(9 / 16, 2), 1.0]


def test_the_new_review_pages_have_no_serious_accessibility_violations(
    page, log_in, alice, rita, campaign, shot
):
    add_format(campaign, "Reels", "9:16")
    take = with_poster(make_take(shot, size="720x1280"), (360, 640))
    make_take(shot, take=2, size="720x1280")
    _link, token = ShareLink.create(campaign=campaign, days=1, allow_decisions=True)
    _dl, download = ShareLink.create(campaign=campaign, days=1, allow_download=True)
    log_in("alice")
    found = {}
    for path in (
        "/review/",
        f"/takes/{take.pk}/?from=queue",
        f"/c/{campaign.pk}/grid/",
        f"/c/{campaign.pk}/storyboard/",
        f"/c/{campaign.pk}/edit/",
        f"/c/{campaign.pk}/share/",
        f"/s/{token}/",
        f"/s/{token}/takes/{take.pk}/",
        f"/s/{download}/",
    ):
        page.goto(path)
        found[path] = serious(page)
    assert {path: v for path, v in found.items() if v} == {}


def test_required_approvers_are_named_on_the_campaign_and_counted_on_the_grid(
    page, log_in, alice, rita, campaign, shot
):
    add_format(campaign, "YouTube", "16:9")
    take = make_take(shot)
    log_in("alice")
    page.goto(f"/c/{campaign.pk}/edit/")
    page.check(f"input[name=approvers][value='{alice.pk}']")
    page.check(f"input[name=approvers][value='{rita.pk}']")
    page.click("form button[type=submit]:has-text('Save')")
    expect(page.locator(".message.success")).to_contain_text("Campaign saved.")
    page.goto(f"/c/{campaign.pk}/grid/")
    page.get_by_role("button", name="Approve take 1 (YouTube)").click()
    control = page.locator(f"#decide-{take.pk}")
    expect(control).to_contain_text("Waiting for rita")
    expect(page.locator("td.cell").first).to_have_attribute("data-status", "in_review")
    Decision.objects.create(render=take, reviewer=rita, verdict="approved")
    page.reload()
    expect(page.locator("td.cell").first).to_have_attribute("data-status", "approved")
    expect(page.locator(f"#decide-{take.pk}")).to_contain_text("Approved by rita, alice")
