"""Takes made through the real entry points and tasks with the animatic provider, checked with
ffmpeg."""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from generation import jobs, media
from generation import prompts as prompting
from generation.models import AnimaticJob, Render, RenderStatus
from studio.shots import editing
from tests.factories import generate
from tests.pipeline import settle, transitions

S = RenderStatus


def test_generated_animatic_takes_are_real_mp4s(
    client, ed, shot, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(ed)
    response, _ = generate(
        client,
        shot,
        django_capture_on_commit_callbacks,
        size="720x1280",
        seconds="5",
        variations="2",
    )
    assert response.status_code == 302
    takes = settle(django_capture_on_commit_callbacks, list(shot.renders.all()))
    assert [(t.take, t.status) for t in takes] == [(1, S.COMPLETED), (2, S.COMPLETED)]
    for take in takes:
        assert take.video_key == (
            f"{shot.campaign.workspace.slug}/{shot.campaign_id}/{shot.pk}/take-{take.take}-"
            f"{take.pk}.mp4"
        )
        local = tmp_path / f"take-{take.pk}.mp4"
        with default_storage.open(take.video_key, "rb") as handle:
            local.write_bytes(handle.read())
        info = media.probe(local)
        assert abs(info.duration_ms - 5000) <= 100
        assert (info.width, info.height) == (720, 1280)
        assert info.has_audio and info.audio_codec == "aac" and info.video_codec == "h264"
        assert take.sha256 == hashlib.sha256(local.read_bytes()).hexdigest()
        assert take.bytes == local.stat().st_size
        assert default_storage.exists(take.thumbnail_key)
        # The animatic sends no spritesheet: one is made, for hover scrubbing.
        assert take.spritesheet_key.endswith("-sprites.jpg")
        assert default_storage.exists(take.spritesheet_key)
        assert (take.billed, take.cost_actual, take.has_audio) == (False, Decimal("0"), True)
        assert transitions(take) == [
            (S.QUEUED, S.SUBMITTING),
            (S.SUBMITTING, S.IN_PROGRESS),
            (S.IN_PROGRESS, S.STORING),
            (S.STORING, S.COMPLETED),
        ]
        job = AnimaticJob.objects.get(job_id=str(take.idempotency_key))
        assert job.status == "completed" and job.output_key == ""  # cleaned up once stored


def test_a_timeline_becomes_one_card_per_segment(ed, shot, django_capture_on_commit_callbacks):
    from generation.media.animatic import plan_cards

    shot.prompt = prompting.template_prompt("coffee-timeline")
    shot.size, shot.seconds = "720x1280", 4
    shot.save()
    with django_capture_on_commit_callbacks(execute=False):
        (take,) = editing.request_takes(shot, ed)
    cards = plan_cards({"seconds": 4, "prompt": take.prompt_text, "structure": take.prompt_json})
    assert [(c["start"], c["stop"]) for c in cards] == [(0, 0.5), (0.5, 1.5), (1.5, 2.5), (2.5, 4)]
    assert "CONNECTED" in cards[1]["heading"]


def test_takes_are_numbered_per_shot_and_a_resent_form_makes_them_once(
    client, ed, shot, django_capture_on_commit_callbacks
):
    client.force_login(ed)
    batch = str(uuid.uuid4())
    for _ in range(2):  # a double click: the same form twice
        generate(client, shot, django_capture_on_commit_callbacks, batch_key=batch, variations="3")
    assert list(shot.renders.order_by("take").values_list("take", flat=True)) == [1, 2, 3]
    generate(client, shot, django_capture_on_commit_callbacks, variations="1")
    assert list(shot.renders.order_by("take").values_list("take", flat=True)) == [1, 2, 3, 4]


def test_a_viewer_or_reviewer_cannot_generate(
    client, rita, shot, django_capture_on_commit_callbacks
):
    client.force_login(rita)
    response, _ = generate(client, shot, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert not Render.objects.exists()


def test_a_render_over_the_hard_budget_is_refused(
    client, alice, shot, settings, django_capture_on_commit_callbacks
):
    settings.RUNWARE_API_KEY = "rw-test-not-real"
    shot.campaign.budget = Decimal("5.00")
    shot.campaign.save()
    client.force_login(alice)
    response, data = generate(
        client,
        shot,
        django_capture_on_commit_callbacks,
        model_key="kling-3-pro",
        size="1920x1080",
        seconds="10",
        variations="4",
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "No take was made" in html and "only $5.00 of the campaign" in html
    assert 'value="window light from the left"' in html  # the input is kept
    assert not Render.objects.exists()


def test_the_budget_counts_takes_in_flight(
    alice, shot, settings, django_capture_on_commit_callbacks
):
    settings.RUNWARE_API_KEY = "rw-test-not-real"
    shot.campaign.budget = Decimal("2.00")
    shot.campaign.save()
    shot.model_key, shot.size, shot.seconds = "kling-3-pro", "1920x1080", 5
    shot.prompt = {"scene": "A cup of cold brew on a table."}
    shot.save()
    with django_capture_on_commit_callbacks(execute=False):
        editing.request_takes(shot, alice, variations=2)  # 2 × $0.84 = $1.68, queued
        with pytest.raises(editing.TakeRequestError, match="only \\$0.32"):
            editing.request_takes(shot, alice, variations=1)


def test_an_invalid_generate_keeps_the_input(client, ed, shot, django_capture_on_commit_callbacks):
    client.force_login(ed)
    response, _ = generate(
        client, shot, django_capture_on_commit_callbacks, seconds="99", scene="Keep <this> scene"
    )
    assert response.status_code == 422
    assert "Keep &lt;this&gt; scene" in response.content.decode()
    assert not Render.objects.exists()


def test_cancel_while_queued(client, ed, shot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        (take,) = editing.request_takes(shot, ed)
    client.force_login(ed)
    response = client.post(reverse("studio:take_cancel", args=[take.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Cancelled." in response.content.decode()
    take.refresh_from_db()
    assert (take.status, take.billed) == (S.CANCELLED, False)
    jobs.submit(take.pk)  # a late delivery of the submit task changes nothing
    take.refresh_from_db()
    assert take.status == S.CANCELLED


def test_cancel_while_rendering(client, ed, shot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        (take,) = editing.request_takes(shot, ed)
    with django_capture_on_commit_callbacks(execute=False):  # submitted; not yet rendered
        jobs.submit(take.pk)
    take.refresh_from_db()
    assert take.status == S.IN_PROGRESS
    client.force_login(ed)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("studio:take_cancel", args=[take.pk]))
    take.refresh_from_db()
    assert (take.status, take.billed) == (S.CANCELLED, False)
    job = AnimaticJob.objects.get(job_id=str(take.idempotency_key))
    assert job.status == "cancelled"
    from generation.providers.animatic import run_job

    run_job(job.pk)  # the render task arriving late does nothing
    job.refresh_from_db()
    assert job.status == "cancelled" and not job.output_key


def test_the_same_task_delivered_twice_makes_one_transition(
    ed, shot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        (take,) = editing.request_takes(shot, ed)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.submit(take.pk)
        jobs.submit(take.pk)
    assert AnimaticJob.objects.count() == 1
    settle(django_capture_on_commit_callbacks, [take])
    take.refresh_from_db()
    first_key = take.video_key
    jobs.store(take.pk)  # the store task delivered again after completion
    jobs.poll(take.pk)
    take.refresh_from_db()
    assert take.status == S.COMPLETED and take.video_key == first_key
    assert transitions(take).count((S.QUEUED, S.SUBMITTING)) == 1
    assert transitions(take).count((S.STORING, S.COMPLETED)) == 1


def test_a_stale_take_is_rechecked_before_sending(
    ed, shot, settings, django_capture_on_commit_callbacks
):
    settings.RUNWARE_API_KEY = "rw-test"
    shot.model_key, shot.size, shot.seconds = "veo-3.1-fast", "1280x720", 4
    shot.prompt = {"scene": "A cup of cold brew."}
    shot.save()
    with django_capture_on_commit_callbacks(execute=False):
        (take,) = editing.request_takes(shot, ed)
    settings.RUNWARE_API_KEY = ""  # the key was removed before the task ran
    jobs.submit(take.pk)
    take.refresh_from_db()
    assert (take.status, take.billed, take.error_code) == (S.FAILED, False, "invalid_request")
    assert "Needs RUNWARE_API_KEY" in take.error_message
    assert take.prompt_text == "A cup of cold brew."


def test_the_poll_refreshes_only_cards_in_flight_and_stops(
    client, ed, shot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first, second = editing.request_takes(shot, ed, variations=2)
    client.force_login(ed)
    page = client.get(shot.get_absolute_url()).content.decode()
    assert f"ids={second.pk},{first.pk}" in page and 'hx-trigger="every 2s"' in page
    url = reverse("studio:takes_poll", args=[shot.campaign_id, shot.pk])
    response = client.get(url, {"ids": f"{first.pk},{second.pk}"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.count('hx-swap-oob="true"') == 2 and "every 2s" in html
    settle(django_capture_on_commit_callbacks, [first, second])
    html = client.get(
        url, {"ids": f"{first.pk},{second.pk}"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "every 2s" not in html  # nothing in flight: the poll ends
    assert html.count("<video") == 2


@pytest.mark.parametrize("count", [1, 20])
def test_the_poll_uses_constant_queries(
    client, ed, shot, count, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        takes = [editing.request_takes(shot, ed)[0] for _ in range(count)]
    client.force_login(ed)
    url = reverse("studio:takes_poll", args=[shot.campaign_id, shot.pk])
    ids = ",".join(str(t.pk) for t in takes)
    # session, user, shot with role, memberships (for the page chrome), takes, the campaign's
    # formats (each card says its format); takes still rendering ask nothing of review
    with django_assert_num_queries(6):
        response = client.get(url, {"ids": ids}, HTTP_HX_REQUEST="true")
    assert response.content.decode().count('hx-swap-oob="true"') == count


def test_local_media_answers_range_requests(
    client, ed, vic, charlie, shot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        (take,) = editing.request_takes(shot, ed)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    client.force_login(vic)
    url = reverse("studio:take_media", args=[take.pk, "video"])
    whole = client.get(url)
    assert whole.status_code == 200 and int(whole["Content-Length"]) == take.bytes
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{take.bytes}"
    body = b"".join(part.streaming_content)
    with default_storage.open(take.video_key, "rb") as handle:
        handle.seek(100)
        assert body == handle.read(100)
    assert client.get(url, HTTP_RANGE=f"bytes={take.bytes + 5}-").status_code == 416
    client.force_login(charlie)
    assert client.get(url).status_code == 404


def test_deleting_a_take_removes_its_files(ed, shot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        (take,) = editing.request_takes(shot, ed)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    keys = [take.video_key, take.thumbnail_key]
    assert all(default_storage.exists(k) for k in keys)
    with django_capture_on_commit_callbacks(execute=True):
        take.delete()
    assert not any(default_storage.exists(k) for k in keys)


def test_a_take_keeps_the_reference_image_it_was_sent_with(
    client, ed, shot, django_capture_on_commit_callbacks
):
    from studio.images import check_image
    from tests.images import upload

    first = upload(size=(1000, 1000))
    shot.set_reference(first, check_image(first))
    sent = shot.reference_image
    with django_capture_on_commit_callbacks(execute=False):
        (take,) = editing.request_takes(shot, ed)
    assert take.reference_image_key == sent
    second = upload(size=(800, 800))
    shot.set_reference(second, check_image(second))  # the shot moves on...
    assert default_storage.exists(sent)  # ...the take keeps what it was made from
    client.force_login(ed)
    response = client.get(reverse("studio:take_media", args=[take.pk, "reference"]))
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        take.delete()
    assert not default_storage.exists(sent)  # nothing uses it any more
    assert default_storage.exists(shot.reference_image)
