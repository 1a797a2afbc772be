"""The paths off the happy one (issue 19, points 6–9), checked against the contracts through
the real tasks and the fake servers: final statuses a gateway sends, Retry-After in both of
its forms everywhere, downloads that redirect to another host, and the failures the Runware
SDK calls retryable."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from generation import jobs
from generation.models import Render, RenderStatus
from generation.providers.base import MAX_RETRY_AFTER, retry_after
from generation.providers.openai import CONTENT_RULES
from tests.fakes.base import FakeServer, FileHost, JSONHandler
from tests.pipeline import request_take, settle

S = RenderStatus


@pytest.fixture
def sora_shot(shot, openai_fake):
    shot.model_key, shot.size, shot.seconds = "sora-2", "1280x720", 4
    shot.prompt = {"scene": "A cup of cold brew on a sunlit table."}
    shot.save()
    return shot


@pytest.fixture
def veo_shot(shot, runware_fake):
    shot.model_key, shot.size, shot.seconds = "veo-3.1-fast", "1280x720", 4
    shot.prompt = {"scene": "Cold brew poured over ice."}
    shot.save()
    return shot


def _in(seconds: float) -> str:
    """An HTTP date `seconds` from now, as a server writes Retry-After."""
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


# --------------------------------------------------------------------------- 6. final statuses


@pytest.mark.parametrize("final", ["expired", "cancelled"])
def test_an_expired_or_cancelled_openai_job_is_final_not_polled_for_six_hours(
    ed, sora_shot, openai_fake, final, django_capture_on_commit_callbacks
):
    openai_fake.faults.final_status = final
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == (S.EXPIRED if final == "expired" else S.CANCELLED)
    assert take.next_poll_at is None and take.prompt_text  # the prompt is kept
    if final == "expired":
        assert take.billed is False and "expire" in take.error_message
    else:  # as the studio records a cancel while rendering: it may still be billed
        assert take.billed is None and "may still bill" in take.error_message
    polls = sum(1 for method, path in openai_fake.seen.requests if path.count("/") == 3)
    assert polls < 10


# --------------------------------------------------------------------------- 7. Retry-After


def test_retry_after_reads_seconds_and_http_dates_and_is_capped():
    def answer(value):
        return httpx.Response(429, headers={"Retry-After": value})

    assert retry_after(answer("30")) == 30
    assert 40 <= retry_after(answer(_in(45))) <= 45
    assert retry_after(answer(_in(-60))) == 0  # a date already past: now
    assert retry_after(answer("99999")) == MAX_RETRY_AFTER
    assert retry_after(answer("soon")) is None
    assert retry_after(httpx.Response(429)) is None


def test_a_dated_retry_after_on_an_openai_poll_is_honoured(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    openai_fake.faults.rate_limit_polls = 1
    openai_fake.faults.retry_after_value = _in(90)
    before = timezone.now()
    jobs.poll(take.pk)
    take.refresh_from_db()
    assert take.next_poll_at >= before + timedelta(seconds=85)


def test_a_dated_retry_after_on_a_runware_create_is_honoured(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.rate_limit = 1
    runware_fake.faults.retry_after_value = _in(120)
    before = timezone.now()
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.QUEUED and take.next_poll_at >= before + timedelta(seconds=115)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED and len(runware_fake.seen.creates) == 1


def test_a_429_on_the_content_download_keeps_its_retry_after(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    openai_fake.faults.content_rate_limit = 1
    openai_fake.faults.retry_after = 200
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    for _ in range(4):
        jobs.poll(take.pk)
    take.refresh_from_db()
    assert take.status == S.STORING
    before = timezone.now()
    jobs.store(take.pk)
    take.refresh_from_db()
    assert take.status == S.STORING  # retried, not failed
    assert take.next_poll_at >= before + timedelta(seconds=195)
    assert take.events.filter(kind="store_retry", detail__retry_in_seconds=200).exists()


def test_a_runware_cdn_429_keeps_its_retry_after(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.cdn_rate_limit = 1
    runware_fake.faults.retry_after_value = _in(150)
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    for _ in range(3):
        jobs.poll(take.pk)
    take.refresh_from_db()
    assert take.status == S.STORING
    before = timezone.now()
    jobs.store(take.pk)
    take.refresh_from_db()
    assert take.next_poll_at >= before + timedelta(seconds=140)


def test_a_503_on_create_keeps_its_delay_while_reconciling(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    openai_fake.faults.create_error = (
        503,
        {"error": {"message": "Overloaded", "type": "server_error", "param": None, "code": None}},
    )
    openai_fake.faults.retry_after = 60
    before = timezone.now()
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.RECONCILING
    assert take.next_poll_at >= before + timedelta(seconds=55)


# --------------------------------------------------------------------------- 8. redirects


def test_an_openai_content_redirect_is_followed_without_the_api_key(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    bucket = FileHost(openai_fake.video_bytes).start()
    try:
        openai_fake.faults.content_redirect_to = bucket.root
        take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
        (take,) = settle(django_capture_on_commit_callbacks, [take])
    finally:
        bucket.stop()
    assert take.status == S.COMPLETED and take.bytes == len(openai_fake.video_bytes)
    with default_storage.open(take.video_key, "rb") as handle:
        assert handle.read() == openai_fake.video_bytes
    assert bucket.headers and all("authorization" not in h for h in bucket.headers)


def test_a_runware_cdn_redirect_is_followed_without_credentials(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    bucket = FileHost(runware_fake.video_bytes).start()
    try:
        runware_fake.faults.cdn_redirect_to = bucket.root
        take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
        (take,) = settle(django_capture_on_commit_callbacks, [take])
    finally:
        bucket.stop()
    assert take.status == S.COMPLETED and take.bytes == len(runware_fake.video_bytes)
    assert len(bucket.headers) == 1 and "authorization" not in bucket.headers[0]


def test_a_redirect_loop_is_a_clear_retried_error_not_an_unreadable_take(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    class Loop(JSONHandler):
        def do_GET(self):  # every answer sends the client back here
            self._send(302, raw=b"", headers={"Location": f"/again{self.path}"})

    loop = FakeServer(Loop).start()
    try:
        openai_fake.faults.content_redirect_to = loop.root
        take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
        for _ in range(4):
            jobs.poll(take.pk)
        jobs.store(take.pk)
    finally:
        loop.stop()
    take.refresh_from_db()
    assert take.status == S.STORING and take.error_code != "unreadable"
    assert take.events.filter(kind="store_retry").exists()


# --------------------------------------------------------------------------- 9. retryable


# runware-sdk 1.8.0's retryable "provider" codes, and timeoutProvider (docs/providers.md).
RETRYABLE = ["timeoutProvider", "noAvailableServer", "inferenceError", "taskFailed",
             "modelUnavailable", "modelNotReady"]  # fmt: skip


@pytest.mark.parametrize("code", RETRYABLE)
def test_a_retryable_runware_refusal_at_create_is_sent_again_under_a_new_key(
    ed, veo_shot, runware_fake, code, django_capture_on_commit_callbacks
):
    """Runware keeps a refused taskUUID and answers it again with conflictTaskUUID (the fake
    does too): the second send goes under a new key, and nothing conflicts."""
    runware_fake.faults.create_errors = [
        {"code": code, "message": "Provider timed out", "taskType": "videoInference"}
    ]
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    (refused,) = runware_fake.held  # the key the refused create carried
    assert take.status == S.QUEUED and take.error_code == ""
    assert take.events.filter(kind="retry", detail__code=code, detail__refused_key=refused)
    assert str(take.idempotency_key) != refused
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED and take.billed is True
    assert runware_fake.seen.conflicts == []
    assert [t["taskUUID"] for t in runware_fake.seen.creates] == [str(take.idempotency_key)]


def test_a_key_runware_already_holds_is_reconciled_then_spent(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    """A create refused whose answer was lost: the take reconciles (no job), sends again under
    the same key (a create still on its way would be caught as a duplicate), is told the key is
    taken, reconciles again, and only then, the key provably spent, sends under a new one."""
    runware_fake.faults.refuse_then_drop = [{"code": "noAvailableServer"}]
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    first = str(take.idempotency_key)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED and take.billed is True
    assert runware_fake.seen.conflicts == [first]  # the same key once more, never a job twice
    assert str(take.idempotency_key) != first
    assert [t["taskUUID"] for t in runware_fake.seen.creates] == [str(take.idempotency_key)]
    assert take.events.filter(detail__spent_key=first).exists()
    assert len(runware_fake.tasks) == 1


def test_a_conflict_on_a_key_whose_job_exists_adopts_the_job(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    """A send whose acknowledgement was lost, sent again (a redelivered task): Runware answers
    conflictTaskUUID, and getResponse finds this take's job: adopted, not failed."""
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.IN_PROGRESS
    Render.objects.filter(pk=take.pk).update(status=S.QUEUED, provider_job_id="")
    with django_capture_on_commit_callbacks(execute=True):
        jobs.submit(take.pk)
    take.refresh_from_db()
    assert take.status == S.RECONCILING and runware_fake.seen.conflicts == [
        str(take.idempotency_key)
    ]
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED and take.provider_job_id == str(take.idempotency_key)
    assert len(runware_fake.tasks) == 1


def test_runware_codes_read_as_the_sdk_classifies_them():
    """Each code the adapter retries is retryable in runware-sdk 1.8.0, except the two
    documented deviations; its not-found codes are the SDK's notFound."""
    from runware.errors import derive_code, is_retryable

    from generation.providers import runware

    deviations = {"timeoutProvider"}
    for code in runware.RETRYABLE_CODES | runware.SERVER_CODES:
        assert is_retryable(derive_code(code)) or code in deviations, code
    assert not is_retryable(derive_code("timeoutProvider"))  # the deviation, still one
    assert is_retryable(derive_code("modelDisabled"))  # retried by the SDK, not by us
    assert "modelDisabled" not in runware.RETRYABLE_CODES
    for code in ("taskNotFound", "taskFailedOrNotFound"):
        assert derive_code(code) == "notFound", code
    error = runware.RunwareProvider._task_error({"code": "modelDisabled"})
    assert error.permanent and "switched this model off" in error.message
    blocked = runware.RunwareProvider._task_error({"code": "providerContentPolicyViolation"})
    assert blocked.permanent and "content rules" in blocked.message


def test_a_runware_task_failed_by_a_provider_timeout_is_sent_again_under_a_new_key(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.fail_task_with = {"code": "timeoutProvider", "message": "timed out"}
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    first_key = str(take.idempotency_key)
    runware_fake.faults.fail_task_with = None  # the next task renders
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    uuids = [task["taskUUID"] for task in runware_fake.seen.creates]
    assert uuids[0] == first_key and len(uuids) == 2 and len(set(uuids)) == 2
    assert str(take.idempotency_key) == uuids[1] == take.provider_job_id
    assert take.events.filter(kind="retry", detail__failed_job=first_key).exists()


def test_retries_stop_within_the_takes_limit(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.fail_task_with = {"code": "noAvailableServer", "message": "busy"}
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take], passes=40)
    assert take.status == S.FAILED and take.billed is False
    assert len(runware_fake.seen.creates) == jobs.transitions.MAX_SENDS


def test_a_blocked_prompt_reads_as_the_content_rules(
    ed, veo_shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.create_errors = [
        {"code": "promptBlocked", "message": "Prompt blocked", "taskType": "videoInference"}
    ]
    take = request_take(veo_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.FAILED and take.billed is False
    assert "content rules" in take.error_message and take.prompt_text


def test_an_openai_400_with_a_safety_message_and_no_code_reads_as_the_content_rules(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    openai_fake.faults.create_error = (
        400,
        {"error": {"message": "Your request was rejected by the safety system.",
                   "type": "invalid_request_error", "param": None, "code": None}},
    )  # fmt: skip
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.FAILED and take.error_message == CONTENT_RULES
    assert take.error_code != "http_400" and take.billed is False


# --------------------------------------------------------------------------- 10. six hours


def _sent_hours_ago(take, hours: float) -> None:
    sent = timezone.now() - timedelta(hours=hours)
    Render.objects.filter(pk=take.pk).update(submitted_at=sent, last_attempt_at=sent)
    take.refresh_from_db()


def test_a_take_the_provider_gives_no_answer_about_fails_after_six_hours(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    """Polls that only ever fail passingly (an outage) are retried, but not for ever: six hours
    after the send the take fails, says why with the provider's last answer, and that it may
    have been billed."""
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.IN_PROGRESS
    openai_fake.faults.outage_until = time.time() + 600
    jobs.poll(take.pk)
    take.refresh_from_db()
    assert take.status == S.IN_PROGRESS and take.events.filter(kind="poll_retry").exists()
    _sent_hours_ago(take, 6.1)
    jobs.poll(take.pk)
    take.refresh_from_db()
    assert (take.status, take.error_code, take.billed) == (S.FAILED, "timeout", None)
    assert "within 6 hours" in take.error_message
    assert "answered only with errors (provider_unavailable)" in take.error_message
    assert "may still have been billed" in take.error_message
    assert take.prompt_text  # the prompt is kept


@pytest.mark.parametrize("cancelled", [False, True])
def test_a_send_the_provider_cannot_confirm_for_six_hours_ends_without_a_second_job(
    ed, sora_shot, openai_fake, cancelled, django_capture_on_commit_callbacks
):
    """A create whose answer was lost, then a provider whose list keeps failing: the take
    asks again with backoff, never sends again blindly, and after six hours ends — failed, or
    cancelled when the person asked — saying it may have been billed."""
    openai_fake.faults.drop_after_create = True
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.RECONCILING
    openai_fake.faults.outage_until = time.time() + 600
    if cancelled:
        assert jobs.request_cancel(take, ed)
    jobs.reconcile(take.pk)
    take.refresh_from_db()
    assert take.status == S.RECONCILING
    assert take.events.filter(kind="reconcile_retry").exists()
    _sent_hours_ago(take, 6.1)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.reconcile(take.pk)
    take.refresh_from_db()
    assert take.status == (S.CANCELLED if cancelled else S.FAILED)
    assert (take.error_code, take.billed) == ("reconcile_unconfirmed", None)
    assert "Nothing was sent again" in take.error_message
    assert "may have been billed" in take.error_message
    assert len(openai_fake.seen.creates) == 1


# --------------------------------------------------------------------------- one reading


@pytest.mark.parametrize(
    ("status", "headers", "creating", "code", "permanent", "sent"),
    [
        (401, {}, True, "unauthorized", True, False),
        (403, {}, False, "unauthorized", True, False),
        (402, {}, True, "insufficient_balance", True, False),
        (429, {"Retry-After": "7"}, True, "rate_limited", False, False),
        (503, {}, True, "outcome_unknown", False, True),
        (503, {}, False, "provider_unavailable", False, True),
    ],
)
def test_one_reading_of_an_http_status_for_every_adapter(
    status, headers, creating, code, permanent, sent
):
    from generation.providers.base import OutcomeUnknown, status_error

    error = status_error(
        httpx.Response(status, headers=headers), creating=creating, who="Runware",
        key_setting="RUNWARE_API_KEY",
    )  # fmt: skip
    assert (error.code, error.permanent, error.sent) == (code, permanent, sent)
    assert isinstance(error, OutcomeUnknown) == (code == "outcome_unknown")
    if status == 429:
        assert error.retry_after == 7
    assert status_error(httpx.Response(400), creating=True, who="x", key_setting="K") is None


@pytest.mark.parametrize("shot_of", ["sora_shot", "veo_shot"])
def test_both_adapters_read_a_refused_key_at_create_alike(
    ed, request, shot_of, django_capture_on_commit_callbacks
):
    shot = request.getfixturevalue(shot_of)
    if shot_of == "sora_shot":
        fake = request.getfixturevalue("openai_fake")
        fake.faults.create_error = (401, {"error": {"message": "bad key", "code": None}})
    else:
        request.getfixturevalue("runware_fake").faults.create_status = 401
    take = request_take(shot, ed, django_capture_on_commit_callbacks)
    assert (take.status, take.error_code, take.billed) == (S.FAILED, "unauthorized", False)
    assert "refused the API key" in take.error_message


def test_the_providers_table_says_who_is_offered_where_and_what_is_ai_made(settings):
    from generation import catalog, connections

    settings.RUNWARE_API_KEY = ""
    settings.OPENAI_API_KEY = "sk-test-not-real"
    assert catalog.configured_providers() == {"animatic", "openai"}
    rows = {row["name"]: row for row in connections.overview()}
    assert rows["animatic"]["where"] == "this machine"
    assert rows["openai"]["where"] == settings.OPENAI_BASE_URL and rows["openai"]["configured"]
    assert not rows["runware"]["configured"]
    assert not catalog.ai_made("animatic") and catalog.ai_made("runware")
    assert catalog.ai_made("a-provider-since-removed")  # never a disclosure left off
