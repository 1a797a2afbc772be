from __future__ import annotations

import pytest
from playwright.sync_api import expect

from studio.models import Comment, Decision, ShareLink
from studio.shots import editing
from tests.pipeline import settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEK_TO = 2.5


def video_time(page) -> float:
    return page.locator("video[data-player]").evaluate("(v) => v.currentTime")


def test_review_with_timecoded_comment_approval_and_a_guest(
    page,
    log_in,
    chromium,
    live_server,
    alice,
    ed,
    rita,
    shot,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        (take,) = editing.request_takes(shot, ed)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == "completed"

    log_in("rita")
    page.goto(f"/takes/{take.pk}/")
    video = page.locator("video[data-player]")
    page.wait_for_function("() => document.querySelector('video[data-player]').readyState >= 1")
    video.evaluate(f"(v) => {{ v.currentTime = {SEEK_TO}; }}")
    page.wait_for_function(
        f"() => Math.abs(document.querySelector('video').currentTime - {SEEK_TO}) < 0.05"
    )
    page.get_by_role("button", name="Use player time").click()
    expect(page.locator("#comment-timecode")).to_have_value("00:02.5")
    page.fill("#comment-body", "The steam starts too late here, @ed")
    page.get_by_role("button", name="Comment", exact=True).click()
    timecode = page.locator(".comment .timecode")
    expect(timecode).to_have_text("00:02.5")

    video.evaluate("(v) => { v.currentTime = 0.2; }")
    page.wait_for_function("() => document.querySelector('video').currentTime < 0.3")
    timecode.click()
    page.wait_for_function(
        "() => Math.abs(document.querySelector('video').currentTime - 2.5) < 0.05"
    )
    assert abs(video_time(page) - SEEK_TO) < 0.05

    page.fill("#decision-note", "Great pour, approved.")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#verdict")).to_have_text("Approved")
    assert Decision.objects.get().verdict == "approved"

    owner = chromium.new_context(base_url=live_server.url)
    owner_page = owner.new_page()
    owner_page.goto("/login/")
    owner_page.fill("#id_username", "alice")
    owner_page.fill("#id_password", "correct horse battery staple")
    owner_page.click("button[type=submit]")
    owner_page.wait_for_url("**/")
    owner_page.goto(shot.campaign.get_absolute_url())
    expect(owner_page.locator(f"#shot-{shot.pk} [data-shot-status]")).to_have_text("Approved")
    owner.close()

    _link, token = ShareLink.create(campaign=shot.campaign, shot=shot, days=2)
    guest = chromium.new_context(base_url=live_server.url)  # a fresh browser: no session
    guest_page = guest.new_page()
    guest_page.goto(f"/s/{token}/")
    guest_page.click(f"a[href='/s/{token}/takes/{take.pk}/']")
    expect(guest_page.locator("video[data-player]")).to_have_count(1)
    expect(guest_page.get_by_role("button", name="Approve")).to_have_count(0)
    guest_page.fill("#guest-name", "Dana from Brand")
    guest_page.fill("#comment-body", "Can the logo stay a beat longer?")
    guest_page.get_by_role("button", name="Comment", exact=True).click()
    expect(guest_page.locator(".comment").last).to_contain_text("Dana from Brand (guest)")
    guest.close()
    assert Comment.objects.filter(guest_name="Dana from Brand", author=None).exists()
    assert Decision.objects.count() == 1  # the guest could not decide
