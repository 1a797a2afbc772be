"""A spot reviewed as a take is, in Chromium: the review player over the finished spot, a box
drawn on its frame with a comment that lands on the shot under it, and the approval."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from studio.models import Format, Spot, SpotComment
from studio.production import spots
from tests.browser.test_markup_flow import drag, seek
from tests.factories import make_take

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draw_on_a_spot_comment_and_approve_it(page, log_in, ed, shot, sample_mp4):
    fmt = Format.objects.create(
        campaign=shot.campaign, name="YouTube", aspect="16:9", channel_key="youtube-in-stream"
    )
    take = make_take(shot, duration_ms=4000, has_audio=True)
    take.video_key = default_storage.save("spots/take.mp4", ContentFile(sample_mp4))
    take.save(update_fields=["video_key"])
    type(shot).objects.filter(pk=shot.pk).update(hero_take=take, on_screen_text="Cold brew")
    spot, problem = spots.request_spot(shot.campaign, fmt)  # the queue runs it at once here
    assert problem == ""
    spot = Spot.objects.get(pk=spot.pk)
    assert spot.passes, spot.error or spot.failures
    log_in("ed")
    page.goto(f"/c/{shot.campaign_id}/spots/")
    page.click(".spot-review-link")
    page.wait_for_function("() => document.querySelector('video[data-player]').readyState >= 1")
    seek(page, 1.5)
    page.click("[data-draw-tool=rect]")
    drag(page, page.locator("[data-draw-layer]").bounding_box(), (0.2, 0.6), (0.6, 0.8))
    expect(page.locator("[data-draft] [data-kind]")).to_have_count(1)
    page.fill("#comment-body", "Lift the super a little")
    page.click(".new-comment button[type=submit]")
    expect(page.locator(".comment .badge", has_text="drawing")).to_have_count(1)
    note = SpotComment.objects.get()
    assert note.shot_id == shot.pk and 1400 <= note.timecode_ms <= 1600
    assert note.drawing[0]["kind"] == "rect" and abs(note.drawing[0]["points"][0][0] - 0.2) < 0.03
    page.click("button:has-text('Approve the spot')")
    expect(page.locator("[data-spot-approval=approved]")).to_have_count(1)
