"""The OpenAI-compatible Videos API adapter against a fake server that enforces the documented
contract, driven through the real tasks: the happy path and every fault the issue names."""

from __future__ import annotations

import ssl
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from generation import jobs, media
from generation.jobs import submitting
from generation.models import Render, RenderStatus
from generation.providers.base import tls_context
from generation.providers.openai import CONTENT_RULES, OpenAIProvider
from tests.images import upload
from tests.pipeline import dead_mark, request_take, settle, transitions

S = RenderStatus


@pytest.fixture
def sora_shot(shot, openai_fake):
    shot.model_key, shot.size, shot.seconds = "sora-2", "1280x720", 4
    shot.prompt = {
        "scene": "A cup of cold brew on a sunlit table.",
        "lighting": {"direction": "from the left", "quality": "soft"},
    }
    shot.save()
    return shot


def test_a_take_goes_from_prompt_to_stored_video(
    ed, sora_shot, openai_fake, tmp_path, django_capture_on_commit_callbacks
):
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.IN_PROGRESS and take.provider_job_id == "video_000001"
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED and take.billed is True
    assert take.cost_actual == take.cost_estimate == Decimal("0.4")
    create = openai_fake.seen.creates[0]
    assert create == {
        "prompt": take.prompt_text,
        "model": "sora-2",
        "seconds": "4",
        "size": "1280x720",
    }
    local = tmp_path / "take.mp4"
    with default_storage.open(take.video_key, "rb") as handle:
        local.write_bytes(handle.read())
    assert local.read_bytes() == openai_fake.video_bytes
    info = media.probe(local)
    assert (info.width, info.height, info.has_audio) == (1280, 720, True)
    assert ("GET", "/v1/videos/video_000001/content") in openai_fake.seen.requests
    with default_storage.open(take.spritesheet_key, "rb") as handle:
        assert handle.read() == openai_fake.spritesheet_bytes  # kept for scrubbing


def test_a_webp_spritesheet_is_stored_and_served_as_webp(
    client, ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    openai_fake.spritesheet_bytes = openai_fake.thumbnail_bytes  # the fake's WebP
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.spritesheet_key.endswith("-sprites.webp")
    client.force_login(ed)
    served = client.get(reverse("studio:take_media", args=[take.pk, "spritesheet"]))
    assert served["Content-Type"] == "image/webp"


def test_a_reference_image_is_sent_as_a_file_of_the_output_size(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    image = upload(size=(1000, 1000))
    from studio.images import check_image

    sora_shot.set_reference(image, check_image(image))
    sora_shot.fit_reference("pad", (1280, 720))
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.IN_PROGRESS
    job = openai_fake.jobs[take.provider_job_id]
    assert job.reference and job.reference.startswith(b"\x89PNG")


def test_a_permanent_error_at_submit_fails_and_is_not_billed(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    openai_fake.faults.create_error = (
        400,
        {
            "error": {
                "message": "Your request was blocked by our moderation system.",
                "type": "invalid_request_error",
                "param": None,
                "code": "moderation_blocked",
            }
        },
    )
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert (take.status, take.billed, take.error_code) == (S.FAILED, False, "moderation_blocked")
    assert take.error_message == CONTENT_RULES
    assert take.prompt_text.startswith("A cup of cold brew")
    assert transitions(take) == [(S.QUEUED, S.SUBMITTING), (S.SUBMITTING, S.FAILED)]
    assert openai_fake.live_jobs() == []


def test_a_bad_key_says_who_should_fix_it(
    ed, sora_shot, openai_fake, settings, django_capture_on_commit_callbacks
):
    settings.OPENAI_API_KEY = "sk-wrong"
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.FAILED and "OPENAI_API_KEY" in take.error_message
    assert "sk-wrong" not in take.error_message


def test_a_rate_limited_create_waits_and_is_sent_once(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    openai_fake.faults.create_error = (
        429,
        {
            "error": {
                "message": "Slow down",
                "type": "requests",
                "param": None,
                "code": "rate_limit_exceeded",
            }
        },
    )
    openai_fake.faults.retry_after = 30
    before = timezone.now()
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.QUEUED
    assert take.next_poll_at >= before + timedelta(seconds=29)
    assert jobs.sweep_once() == 0  # not due yet
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert len(openai_fake.live_jobs()) == 1


def test_a_429_on_poll_makes_the_next_poll_wait_for_retry_after(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    openai_fake.faults.rate_limit_polls = 1
    openai_fake.faults.retry_after = 45
    before = timezone.now()
    jobs.poll(take.pk)
    take.refresh_from_db()
    assert take.status == S.IN_PROGRESS
    assert take.next_poll_at >= before + timedelta(seconds=44)
    assert take.events.filter(kind="poll_retry", detail__code="rate_limited").exists()


def test_a_crash_after_the_provider_accepted_is_reconciled_to_one_job(
    ed, sora_shot, openai_fake, monkeypatch, django_capture_on_commit_callbacks
):
    real_accepted = submitting.accepted
    crashes = []

    def crash_once(*args, **kwargs):
        if not crashes:
            crashes.append(True)
            raise SystemExit("worker killed between the provider's answer and the write")
        return real_accepted(*args, **kwargs)

    monkeypatch.setattr(submitting, "accepted", crash_once)
    with pytest.raises(SystemExit):
        request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    take = Render.objects.get()
    assert take.status == S.SUBMITTING and take.provider_job_id == ""
    assert len(openai_fake.live_jobs()) == 1

    jobs.reap(timezone.now() + jobs.SUBMIT_DEADLINE + timedelta(seconds=1))
    take.refresh_from_db()
    assert take.status == S.RECONCILING
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert take.provider_job_id == "video_000001"
    assert len(openai_fake.live_jobs()) == 1 and len(openai_fake.seen.creates) == 1
    assert (S.SUBMITTING, S.RECONCILING) in transitions(take)
    assert (S.RECONCILING, S.IN_PROGRESS) in transitions(take)


def test_a_send_found_dead_long_after_it_began_still_waits_its_grace(
    ed, sora_shot, openai_fake, settings, django_capture_on_commit_callbacks
):
    """A worker killed mid-send is found dead only when its cluster comes back, a while after
    the send began; the create it had written may still reach the provider after that. The
    grace counts from when the send was given up, so the late job is found, not paid twice."""
    settings.STUDIO_RECONCILE_GRACE = 30
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks, execute=False)
    began = timezone.now() - timedelta(minutes=5)
    Render.objects.filter(pk=take.pk).update(
        status=S.SUBMITTING,
        attempts=1,
        submitted_at=began,
        last_attempt_at=began,
        updated_at=began + timedelta(seconds=1),
        held_by=dead_mark(),
        next_poll_at=None,
    )
    jobs.reap()
    take.refresh_from_db()
    assert take.status == S.RECONCILING
    with django_capture_on_commit_callbacks(execute=True):
        jobs.reconcile(take.pk)
    take.refresh_from_db()
    assert take.status == S.RECONCILING and openai_fake.seen.creates == []
    assert take.events.filter(kind="reconcile_wait").exists()
    # The create the killed worker had written reaches the provider now.
    late = openai_fake._make_job(
        {"model": "sora-2", "prompt": take.prompt_text, "size": "1280x720", "seconds": "4"},
        None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        jobs.reconcile(take.pk)
    take.refresh_from_db()
    assert take.status == S.IN_PROGRESS and take.provider_job_id == late.id
    assert openai_fake.seen.creates == [] and len(openai_fake.live_jobs()) == 1


@pytest.mark.parametrize("fault", ["drop_after_create", "create_status_after_accept"])
def test_a_lost_answer_to_create_is_reconciled_not_resent(
    ed, sora_shot, openai_fake, fault, django_capture_on_commit_callbacks
):
    setattr(openai_fake.faults, fault, 502 if fault == "create_status_after_accept" else True)
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.RECONCILING
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert len(openai_fake.live_jobs()) == 1 and len(openai_fake.seen.creates) == 1


def test_a_list_that_ends_early_is_no_proof_and_nothing_is_sent_again(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    """The take's job is on the second page of the provider's list; the page after the
    cursor comes back empty (its video deleted between the two pages): the take waits and
    asks again rather than paying for a second job."""
    openai_fake.faults.drop_after_create = True
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.RECONCILING
    for i in range(120):  # newer videos push the take's own off the first page of 100
        openai_fake._make_job(
            {"model": "sora-2", "prompt": f"another {i}", "size": "1280x720", "seconds": "4"},
            None,
        )
    openai_fake.faults.lose_cursor = True
    with django_capture_on_commit_callbacks(execute=True):
        jobs.reconcile(take.pk)
    take.refresh_from_db()
    assert take.status == S.RECONCILING and take.provider_job_id == ""
    assert take.events.filter(kind="reconcile_retry", detail__code="reconcile_incomplete").exists()
    assert len(openai_fake.seen.creates) == 1
    openai_fake.faults.lose_cursor = False
    # A video deleted between two pages (the cursor) no longer ends the list: keyset paging.
    openai_fake.jobs["video_000100"].deleted = True
    with django_capture_on_commit_callbacks(execute=True):
        jobs.reconcile(take.pk)
    take.refresh_from_db()
    assert take.status == S.IN_PROGRESS and take.provider_job_id == "video_000001"
    assert len(openai_fake.seen.creates) == 1


def test_reconciling_when_the_provider_has_no_job_sends_again(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    openai_fake.faults.create_error = (
        503,
        {"error": {"message": "down", "type": "server", "param": None, "code": None}},
    )
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.RECONCILING and openai_fake.live_jobs() == []
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert (S.RECONCILING, S.QUEUED) in transitions(take)
    assert len(openai_fake.live_jobs()) == 1


def test_a_take_safe_to_send_again_is_sent_by_the_sweep_when_its_task_is_lost(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    """The submit task queued after a reconcile dies with its worker (a cluster killed): the
    take is due at once, and the next sweep sends it (issue 34, point 10)."""
    openai_fake.faults.create_error = (
        503,
        {"error": {"message": "down", "type": "server", "param": None, "code": None}},
    )
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.RECONCILING
    with django_capture_on_commit_callbacks(execute=False):  # its submit task is lost
        jobs.reconcile(take.pk)
    take.refresh_from_db()
    assert take.status == S.QUEUED and take.next_poll_at <= timezone.now()
    jobs.sweep_once(timezone.now())
    take.refresh_from_db()
    assert take.status == S.IN_PROGRESS and len(openai_fake.live_jobs()) == 1


def test_the_same_submit_delivered_twice_creates_one_job(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks, execute=False)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.submit(take.pk)
        jobs.submit(take.pk)
    assert len(openai_fake.seen.creates) == 1
    assert transitions(Render.objects.get()).count((S.QUEUED, S.SUBMITTING)) == 1


def test_a_failed_job_says_why(ed, sora_shot, openai_fake, django_capture_on_commit_callbacks):
    openai_fake.faults.fail_job_with = {"code": "moderation_blocked", "message": "blocked"}
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert (take.status, take.billed, take.error_message) == (S.FAILED, False, CONTENT_RULES)


def test_expired_content_ends_the_take_with_a_clear_message(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    openai_fake.faults.expire_content = True
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.EXPIRED and take.billed is True
    assert "deleted the video before Reelroom could store it" in take.error_message
    assert not take.video_key


@pytest.mark.parametrize("fault", ["malformed_poll", "slow_poll_seconds"])
def test_a_malformed_or_slow_poll_is_retried(
    ed, sora_shot, openai_fake, fault, django_capture_on_commit_callbacks
):
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    setattr(openai_fake.faults, fault, 1 if fault == "malformed_poll" else 3.0)
    jobs.poll(take.pk)
    take.refresh_from_db()
    assert take.status == S.IN_PROGRESS
    assert take.events.filter(kind="poll_retry").exists()
    openai_fake.faults.slow_poll_seconds = 0
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED


def test_cancel_while_rendering_deletes_the_job(
    client, ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.request_cancel(take, ed)
    take.refresh_from_db()
    assert take.status == S.CANCELLED and take.billed is None
    assert "may still bill" in take.error_message
    assert openai_fake.live_jobs() == []


def test_content_that_is_not_ready_yet_is_retried_not_failed(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    openai_fake.faults.content_not_ready = 2
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert take.events.filter(kind="store_retry").count() == 2


def test_a_key_refused_while_polling_fails_and_may_have_been_billed(
    ed, sora_shot, openai_fake, settings, django_capture_on_commit_callbacks
):
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    settings.OPENAI_API_KEY = "sk-rotated-away"
    jobs.poll(take.pk)
    take.refresh_from_db()
    assert (take.status, take.billed, take.error_code) == (S.FAILED, None, "unauthorized")


def test_provider_clients_share_one_tls_context_that_verifies_certificates():
    context = tls_context()
    assert context is tls_context()  # built once (loading the CA bundle costs ~30 ms of CPU)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    with OpenAIProvider(base_url="https://api.example.test/v1", api_key="k")._client() as client:
        assert client.headers["Authorization"] == "Bearer k"
