"""Runware's videoInference adapter against a fake that checks the task array, through the
real tasks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from generation import jobs
from generation.models import RenderStatus
from studio.images import check_image
from tests.images import upload
from tests.pipeline import request_take, settle, transitions

S = RenderStatus


@pytest.fixture
def veo_shot(shot, runware_fake):
    shot.model_key, shot.size, shot.seconds = "veo-3.1-fast", "1920x1080", 8
    shot.prompt = {
        "scene": "Cold brew poured over ice, in slow motion.",
        "audio": {"sfx": "ice cracking", "generate": True},
    }
    shot.save()
    return shot


def test_a_veo_take_goes_from_prompt_to_stored_video(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.IN_PROGRESS and take.provider_job_id == str(take.idempotency_key)
    (task,) = runware_fake.seen.creates
    assert task["model"] == "google:3@3"
    assert (task["width"], task["height"], task["duration"]) == (1920, 1080, 8)
    assert task["providerSettings"] == {"google": {"generateAudio": True}}
    assert task["positivePrompt"] == take.prompt_text
    assert "webhookURL" not in task  # no public URL configured
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert take.cost_actual == Decimal("0.4032") and take.billed is True
    assert take.provider_output_id == f"out-{take.provider_job_id[:8]}"
    with default_storage.open(take.video_key, "rb") as handle:
        assert handle.read() == runware_fake.video_bytes


def test_request_shapes_follow_the_catalog(
    ed, shot, runware_fake, django_capture_on_commit_callbacks
):
    shot.prompt = {"scene": "A cup.", "audio": {"generate": False}}
    shot.model_key, shot.size, shot.seconds = "seedance-2", "720p", 5
    shot.save()
    request_take(shot, ed, django_capture_on_commit_callbacks)
    seedance = runware_fake.seen.creates[-1]
    assert seedance["resolution"] == "720p" and "width" not in seedance
    assert seedance["settings"] == {"audio": False}

    image = upload(size=(1000, 1000))
    shot.set_reference(image, check_image(image))
    shot.model_key, shot.size, shot.seconds = "kling-3-pro", "1920x1080", 5
    shot.prompt = {"scene": "A cup."}
    shot.save()
    request_take(shot, ed, django_capture_on_commit_callbacks)
    kling = runware_fake.seen.creates[-1]
    assert "width" not in kling and "height" not in kling  # sized from the frame image
    (frame,) = kling["inputs"]["frameImages"]
    assert frame["frame"] == "first" and frame["image"].startswith("data:image/png;base64,")

    # Kling's pages allow providerSettings only beside reference images or videos: its sound
    # switch is never sent (the model's native sound is priced in).
    assert "providerSettings" not in kling
    assert "settings" not in kling

    # Runway Gen-4.5 needs width and height even next to a frame image.
    shot.model_key, shot.size, shot.seconds = "runway-gen-4.5", "1280x720", 5
    shot.save()
    request_take(shot, ed, django_capture_on_commit_callbacks)
    runway = runware_fake.seen.creates[-1]
    assert (runway["width"], runway["height"]) == (1280, 720)
    assert runway["inputs"]["frameImages"][0]["frame"] == "first"
    assert "providerSettings" not in runway and "settings" not in runway  # silent model

    shot.clear_reference()
    shot.save()
    request_take(shot, ed, django_capture_on_commit_callbacks)
    runway = runware_fake.seen.creates[-1]
    assert (runway["width"], runway["height"]) == (1280, 720) and "inputs" not in runway


def test_the_video_is_downloaded_without_the_api_key(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    """videoURL is on a CDN host: the key must never travel there."""
    from tests.fakes.runware_fake import API_KEY

    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert runware_fake.cdn.root != runware_fake.root  # another port, as another host
    assert runware_fake.seen.downloads, "the video was not fetched from the CDN"
    for headers in runware_fake.seen.downloads:
        assert "authorization" not in {name.lower() for name in headers}
        assert not any(API_KEY in value for value in headers.values())


def test_a_finished_result_without_a_status_is_stored(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.omit_status = True
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED and take.polls <= 3


def test_a_per_task_error_fails_the_take_and_says_what_is_allowed(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.create_errors = [
        {
            "code": "unsupportedDuration",
            "message": "Unsupported duration.",
            "parameter": "duration",
            "allowedValues": [4, 6, 8],
            "taskType": "videoInference",
            "taskUUID": "x",
        }
    ]
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    assert (take.status, take.billed, take.error_code) == (S.FAILED, False, "unsupportedDuration")
    assert "Allowed: 4, 6, 8." in take.error_message


def test_no_balance_is_permanent_and_not_billed(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.create_status = 402
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    assert (take.status, take.billed, take.error_code) == (S.FAILED, False, "insufficient_balance")
    assert "Top it up" in take.error_message


def test_a_rate_limited_create_is_sent_again_later(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.rate_limit = 1
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.QUEUED and take.events.filter(kind="retry").exists()
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED and len(runware_fake.tasks) == 1


@pytest.mark.parametrize("fault", ["drop_after_create", "create_status"])
def test_a_lost_answer_is_reconciled_by_get_response(
    ed, veo_shot, runware_fake, fault, django_capture_on_commit_callbacks
):
    if fault == "create_status":
        runware_fake.faults.create_status = 504  # the gateway timed out: maybe sent
    else:
        runware_fake.faults.drop_after_create = True
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.RECONCILING
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert len(runware_fake.tasks) == 1
    assert (S.RECONCILING, S.IN_PROGRESS if fault == "drop_after_create" else S.QUEUED) in (
        transitions(take)
    )


@pytest.mark.parametrize("fault", ["malformed", "rate_limit"])
def test_poll_faults_are_retried(
    ed, veo_shot, runware_fake, fault, django_capture_on_commit_callbacks
):
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    setattr(runware_fake.faults, fault, 1)
    jobs.poll(take.pk)
    take.refresh_from_db()
    assert take.status == S.IN_PROGRESS and take.events.filter(kind="poll_retry").exists()
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED


def test_a_create_that_arrives_late_is_found_not_resent(
    ed, veo_shot, runware_fake, settings, django_capture_on_commit_callbacks
):
    settings.STUDIO_RECONCILE_GRACE = 6
    runware_fake.faults.slow_seconds = 3.0  # the client gives up after 2 s; the task lands at 3 s
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.RECONCILING
    (take,) = settle(django_capture_on_commit_callbacks, [take], passes=60, pause=0.25)
    assert take.status == S.COMPLETED
    assert len(runware_fake.seen.creates) == 1 and len(runware_fake.tasks) == 1
    assert take.events.filter(kind="reconcile_wait").exists()
    assert (S.RECONCILING, S.IN_PROGRESS) in transitions(take)


def test_a_failed_task_says_why(ed, veo_shot, runware_fake, django_capture_on_commit_callbacks):
    runware_fake.faults.fail_task_with = {
        "code": "contentModerated",
        "message": "The content was moderated.",
    }
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert (take.status, take.billed, take.error_code) == (S.FAILED, False, "contentModerated")
    assert "content rules" in take.error_message


def test_a_failed_task_keeps_runwares_own_reason(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.fail_task_with = {
        "code": "invalidFrameImage",
        "message": "The first frame image could not be decoded.",
    }
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert (take.status, take.error_code) == (S.FAILED, "invalidFrameImage")
    assert take.error_message == "The first frame image could not be decoded."


def test_expired_content_ends_the_take(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.expire_content = True
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.EXPIRED
    assert "deleted the video before Reelroom could store it" in take.error_message


def test_webhook_url_carries_a_secret_token_whose_hash_is_kept(
    ed, veo_shot, runware_fake, settings, django_capture_on_commit_callbacks
):
    settings.STUDIO_WEBHOOK_BASE_URL = "https://studio.example.com"
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    url = runware_fake.seen.creates[-1]["webhookURL"]
    assert url.startswith("https://studio.example.com/hooks/runware/")
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 40 and token not in take.webhook_token_hash
    from generation.webhooks import token_hash

    assert take.webhook_token_hash == token_hash(token)
