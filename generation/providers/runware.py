"""Runware's `videoInference` over httpx: the live models, and Sora 2 by its AIR ids.

Every request is a JSON array of tasks. The taskUUID is ours (the take's idempotency key,
saved before sending), so after an unknown outcome `getResponse` on the same taskUUID tells
exactly whether the job exists. Each take is its own task with `numberResults: 1`, so each take
has one job to reconcile and one cost.
"""

from __future__ import annotations

import base64
import mimetypes
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Any

import httpx
from django.conf import settings
from django.core.files.storage import default_storage

from generation import catalog, text
from generation.providers.base import (
    KEY_TAKEN,
    JobSpec,
    JobStatus,
    OutcomeUnknown,
    Provider,
    ProviderError,
    http_client,
    retry_after,
    status_error,
)

# How Runware's codes are read, after runware-sdk 1.8.0's classifier (errors.py `derive_code`
# and `is_retryable`); docs/providers.md says the same per code.
# The SDK's "notFound" codes that getResponse answers for a task it has no job under.
NOT_FOUND_CODES = {"taskNotFound", "invalidTaskUUID", "notFound", "taskFailedOrNotFound"}
# The SDK's "provider" codes (retryable): the model's provider failed the task and billed
# nothing; tried again with backoff under a new taskUUID, within the take's sends and deadline.
# Two deviations, on purpose: `timeoutProvider` is retried although the SDK derives "unknown"
# for it (its test for timeouts is `"Timeout" in raw`, which the lowercase prefix slips past;
# a provider's timeout is as passing as its own "timeout"), and `modelDisabled` is not (a
# model switched off does not come back within a take's six hours: said, not retried).
RETRYABLE_CODES = {
    "inferenceError",
    "processingFailed",
    "taskFailed",
    "downloadFailed",
    "uploadFailed",
    "noAvailableServer",
    "modelUnavailable",
    "modelNotReady",
    "mediaStorageFileCouldNotBeMoved",
    "timeoutProvider",
}
# The SDK's "serverError" codes (retryable): at create, whether a task was made is unknown
# (reconciled by getResponse before anything is sent again); on a running task, a failure for
# a passing reason.
SERVER_CODES = {
    "internalServerError",
    "serviceUnavailable",
    "serverUnavailable",
    "standardError",
    "unknownError",
    "undefinedError",
    "defaultError",
    "unrecognizedResponse",
}
# A create under a taskUUID Runware already holds (a send that did arrive, or a refused one).
CONFLICT_CODE = "conflictTaskUUID"
CONTENT_CODES = {"promptBlocked", "contentModerated", "nsfwContent", "safetyCheckFailed"}
OUTPUT_QUALITY = 85


def _set_path(task: dict[str, Any], path: str, value: object) -> None:
    """providerSettings.google.generateAudio -> task["providerSettings"]["google"][...]."""
    *parents, leaf = path.split(".")
    node = task
    for name in parents:
        node = node.setdefault(name, {})
    node[leaf] = value


def _data_uri(key: str) -> str:
    content_type = mimetypes.guess_type(PurePosixPath(key).name)[0] or "image/png"
    with default_storage.open(key, "rb") as handle:
        encoded = base64.b64encode(handle.read()).decode()
    return f"data:{content_type};base64,{encoded}"


def build_task(spec: JobSpec) -> dict[str, Any]:
    """The videoInference task for this take, shaped by the model's catalog row."""
    model = catalog.get(spec.model_key)
    task = {
        "taskType": "videoInference",
        "taskUUID": spec.idempotency_key,
        "model": spec.model_id,
        "positivePrompt": spec.prompt,
        "duration": spec.seconds,
        "deliveryMethod": "async",
        "outputType": "URL",
        "outputFormat": "MP4",
        "outputQuality": OUTPUT_QUALITY,
        "includeCost": True,
        "numberResults": 1,
    }
    if spec.webhook_url:
        task["webhookURL"] = spec.webhook_url
    if spec.remix_of_job_id:
        task["inputs"] = {"videoId": spec.remix_of_job_id}
    else:
        frames = []
        if spec.reference_image_key:
            frames.append({"image": _data_uri(spec.reference_image_key), "frame": "first"})
        if spec.last_frame_key:
            frames.append({"image": _data_uri(spec.last_frame_key), "frame": "last"})
        if frames:
            task["inputs"] = {"frameImages": frames}
        if model is not None and model.uses_resolution:
            task["resolution"] = spec.size
        elif frames and model is not None and model.size_from_frame_image:
            # Frame images set the shape; the tier still says what the take is priced at.
            if spec.size in model.tiers:
                task["resolution"] = model.tiers[spec.size]
        else:
            task["width"], task["height"] = spec.width, spec.height
    if model is not None and model.audio.mode == "optional" and model.audio.parameter:
        _set_path(task, model.audio.parameter, bool(spec.audio))
    return task


class RunwareProvider(Provider):
    name = catalog.RUNWARE
    label = catalog.PROVIDER_LABELS[catalog.RUNWARE]
    first_poll = 5.0
    backoff = 1.5
    max_poll = 30.0
    concurrency = 4

    def __init__(self, base_url: str | None = None, api_key: str | None = None):
        self.base_url = (base_url or settings.RUNWARE_BASE_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else settings.RUNWARE_API_KEY

    def _client(self, read_timeout: float | None = None) -> httpx.Client:
        """The API client: the only one that carries the key."""
        seconds = read_timeout or settings.STUDIO_HTTP_TIMEOUT
        return http_client(
            timeout=httpx.Timeout(seconds, connect=min(10.0, seconds)),
            headers={"Authorization": f"Bearer {self.api_key}"},
        )

    @staticmethod
    def _download_client() -> httpx.Client:
        """Result URLs live on a CDN host, not the API: they are fetched without credentials,
        so a redirect (to storage on yet another host) is followed, a few hops at most."""
        seconds = settings.STUDIO_HTTP_TIMEOUT * 2
        return http_client(
            timeout=httpx.Timeout(seconds, connect=min(10.0, seconds)),
            follow_redirects=True,
            max_redirects=5,
        )

    # ------------------------------------------------------------------ transport

    def _post(self, tasks: list[dict[str, Any]], *, creating: bool) -> dict[str, Any]:
        try:
            with self._client() as client:
                response = client.post(self.base_url, json=tasks)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            raise ProviderError(
                "Reelroom could not reach Runware; it will try again.",
                code="unreachable",
                permanent=False,
                sent=False,
            ) from None
        except httpx.HTTPError:
            if creating:
                raise OutcomeUnknown(
                    "The connection to Runware broke after the request was "
                    "sent; checking whether it made the video.",
                    code="connection_lost",
                ) from None
            raise ProviderError(
                "The connection to Runware broke; Reelroom will try again.",
                code="connection_lost",
                permanent=False,
            ) from None
        known = status_error(
            response, creating=creating, who="Runware", key_setting="RUNWARE_API_KEY"
        )
        if known is not None:
            raise known
        try:
            body = text.loads(response.content)
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            if creating:
                raise OutcomeUnknown(
                    "Runware's answer could not be read.", code="malformed_response"
                ) from None
            raise ProviderError(
                "Runware's answer could not be read; Reelroom will try again.",
                code="malformed_response",
                permanent=False,
            ) from None
        return body

    @staticmethod
    def _task_error(error: dict[str, Any]) -> ProviderError:
        # Two shapes carry a task's failure: the `errors` array's items (code and message at
        # the top) and a failed result item (the SDK's `{"status": "error", "error": {code,
        # message}}`). Both are read, so the real reason reaches the marketer.
        inner = error.get("error")
        nested: dict[str, Any] = inner if isinstance(inner, dict) else {}
        code = str(nested.get("code") or error.get("code") or "error")
        message = str(
            nested.get("message") or error.get("message") or "Runware refused the request."
        )
        allowed = error.get("allowedValues")
        if allowed:
            message = f"{message} Allowed: {', '.join(str(v) for v in allowed)}."
        lowered = code.lower()
        if (
            code in CONTENT_CODES
            or "content" in lowered
            or "safety" in lowered
            or "moderation" in lowered
        ):
            message = (
                "Runware refused this under the model's content rules. Change the "
                "prompt or the reference image and try again."
            )
        elif code in RETRYABLE_CODES or code in SERVER_CODES or code.startswith("provider"):
            return ProviderError(
                "The model's provider failed this take for a passing reason (a timeout, no "
                "server free, an error of its own); Reelroom will try again.",
                code=code,
                permanent=False,
                sent=False,  # the task was refused or failed: sending again makes no second job
                billed=False,
            )
        elif code == "modelDisabled":
            message = (
                "Runware has switched this model off. Choose another model for the shot and "
                "generate again."
            )
        return ProviderError(message, code=code, permanent=True, billed=False)

    def _status(self, item: dict[str, Any]) -> JobStatus:
        state = {"processing": "in_progress", "success": "completed", "error": "failed"}.get(
            str(item.get("status")), "in_progress"
        )
        if isinstance(item.get("error"), dict):
            state = "failed"
        elif item.get("videoURL"):
            # As in the SDK: an item that carries its result URL is finished, whatever its
            # status says (or when it says nothing).
            state = "completed"
        outputs = item.get("outputs") or {}
        return JobStatus(
            job_id=str(item.get("taskUUID")),
            state=state,
            progress=int(item.get("progress") or (100 if state == "completed" else 0)),
            error=self._task_error(item) if state == "failed" else None,
            cost=item.get("cost"),  # as reported: checked where it is recorded
            output_id=str(outputs.get("videoId") or item.get("videoUUID") or ""),
        )

    def _response_for(self, task_uuid: str) -> JobStatus | None:
        body = self._post([{"taskType": "getResponse", "taskUUID": task_uuid}], creating=False)
        for item in body.get("data") or []:
            if item.get("taskUUID") == task_uuid:
                return self._status(item)
        for error in body.get("errors") or []:
            if error.get("taskUUID") in (task_uuid, None):
                if _error_code(error) in NOT_FOUND_CODES:
                    return None
                return JobStatus(job_id=task_uuid, state="failed", error=self._task_error(error))
        raise ProviderError(
            "Runware did not say how this take is doing; Reelroom will ask again.",
            code="no_answer",
            permanent=False,
        )

    # ------------------------------------------------------------------ calls

    def submit(self, spec: JobSpec) -> JobStatus:
        body = self._post([build_task(spec)], creating=True)
        for error in body.get("errors") or []:
            code = _error_code(error)
            if code == CONFLICT_CODE:
                # Runware already holds this taskUUID: a send of ours that did arrive (then
                # its job is this take's), or one it refused (then the key is spent).
                # getResponse on it settles which.
                raise OutcomeUnknown(
                    "Runware already has a task under this take's key; checking whether it "
                    "made the video.",
                    code=KEY_TAKEN,
                )
            if code in SERVER_CODES:
                raise OutcomeUnknown(
                    "Runware had an error of its own while taking the request; checking "
                    "whether it made the video.",
                    code=code,
                )
            raise self._task_error(error)
        for item in body.get("data") or []:
            if item.get("taskUUID") == spec.idempotency_key:
                return JobStatus(job_id=spec.idempotency_key, state="queued")
        raise OutcomeUnknown("Runware did not acknowledge the task.", code="no_ack")

    def poll(self, job_id: str) -> JobStatus:
        status = self._response_for(job_id)
        if status is None:
            raise ProviderError(
                "Runware no longer knows this take.", code="expired", permanent=True
            )
        return status

    def find(self, spec: JobSpec) -> list[JobStatus]:
        # The taskUUID is the take's own key: the answer is exact.
        status = self._response_for(spec.idempotency_key)
        if status is None:
            return []
        if status.state == "queued":
            status.state = "in_progress"
        return [status]

    def test_connection(self) -> tuple[bool, str]:
        host = httpx.URL(self.base_url).host
        if not self.api_key:
            return False, "Not configured: set RUNWARE_API_KEY."
        try:
            self._response_for(str(uuid.uuid4()))
        except ProviderError as error:
            if error.code == "unauthorized":
                return False, f"{host} answered, but refused the API key."
            if error.code == "insufficient_balance":
                return False, f"Connected to {host}, but the account has no balance left."
            return False, f"Could not talk to {host}: {error.message}"
        return True, f"Connected to {host}: the key was accepted."

    def remix(self, job_id: str, spec: JobSpec) -> JobStatus:
        return self.submit(spec)

    @contextmanager
    def open_result(self, job_id: str, variant: str = "video") -> Iterator[Iterator[bytes]]:
        if variant != "video":
            raise ProviderError("Runware has no such file.", code="no_variant", permanent=True)
        body = self._post([{"taskType": "getResponse", "taskUUID": job_id}], creating=False)
        url = next(
            (
                i.get("videoURL")
                for i in body.get("data") or []
                if i.get("taskUUID") == job_id and i.get("videoURL")
            ),
            None,
        )
        if not url:
            raise ProviderError("Runware no longer has this video.", code="expired", permanent=True)
        try:
            with self._download_client() as client, client.stream("GET", url) as response:
                if response.status_code in (403, 404, 410):
                    raise ProviderError(
                        "Runware no longer has this video.", code="expired", permanent=True
                    )
                if response.status_code >= 400:
                    raise ProviderError(
                        f"Downloading the video failed ({response.status_code})"
                        "; Reelroom will try again.",
                        code="download_failed",
                        permanent=False,
                        retry_after=retry_after(response),
                    )
                yield response.iter_bytes(1024 * 1024)
        except httpx.TooManyRedirects:
            raise ProviderError(
                "Runware's download link kept redirecting; Reelroom will try again.",
                code="too_many_redirects",
                permanent=False,
            ) from None
        except httpx.HTTPError:
            raise ProviderError(
                "The download from Runware broke; Reelroom will try again.",
                code="connection_lost",
                permanent=False,
            ) from None


def _error_code(error: dict[str, Any]) -> str:
    nested = error.get("error")
    return str((nested.get("code") if isinstance(nested, dict) else None) or error.get("code"))
