"""The OpenAI-compatible Videos API (`/v1/videos`), over httpx.

OpenAI removed the API on 2026-09-24; gateways still serve the same contract, so the base URL
comes from OPENAI_BASE_URL. There is no idempotency header: a create whose answer was lost is
reconciled by listing recent jobs and matching model, size, seconds and prompt. The contract
has no field that would carry the take's own key (no metadata, no `user`), so every match is
returned: variations of one shot share all four, and the state machine adopts a job only when
exactly one match belongs to no other take.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

import httpx
from django.conf import settings
from django.core.files.storage import default_storage

from generation import catalog, text
from generation.providers.base import (
    JobSpec,
    JobStatus,
    OutcomeUnknown,
    Provider,
    ProviderError,
    http_client,
    status_error,
)

CONTENT_RULES = (
    "The provider refused this under its content rules (no real people, no human faces in the "
    "reference image, no copyrighted characters or music, suitable for under-18s). Change the "
    "prompt or the image and try again."
)


MAX_REDIRECTS = 5
# Words of a refusal under the content rules, for answers that carry no code saying so.
SAFETY_WORDS = ("safety", "moderation", "content policy", "content_policy", "guardrail")


def _is_safety(code: str, message: str = "") -> bool:
    lowered = f"{code} {message}".lower()
    return "content" in code or any(word in lowered for word in SAFETY_WORDS)


def _error_body(response: httpx.Response) -> tuple[str, str, str]:
    try:
        error = text.loads(response.content).get("error") or {}
    except ValueError:
        return "", "", ""
    if not isinstance(error, dict):
        return "", "", ""
    return (
        str(error.get("code") or ""),
        str(error.get("message") or ""),
        str(error.get("param") or ""),
    )


def _timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


class OpenAIProvider(Provider):
    name = catalog.OPENAI
    label = catalog.PROVIDER_LABELS[catalog.OPENAI]
    first_poll = 10.0
    backoff = 1.5
    max_poll = 60.0
    concurrency = 4
    extra_variants = ("spritesheet",)

    def __init__(self, base_url: str | None = None, api_key: str | None = None):
        self.base_url = (base_url or settings.OPENAI_BASE_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else settings.OPENAI_API_KEY

    def _client(self, read_timeout: float | None = None) -> httpx.Client:
        seconds = read_timeout or settings.STUDIO_HTTP_TIMEOUT
        return http_client(
            base_url=self.base_url,
            timeout=httpx.Timeout(seconds, connect=min(10.0, seconds)),
            headers={"Authorization": f"Bearer {self.api_key}"},
            max_redirects=MAX_REDIRECTS,
        )

    # ------------------------------------------------------------------ errors

    def _raise_for(self, response: httpx.Response, *, creating: bool) -> None:
        if response.status_code < 400:
            return
        code, message, param = _error_body(response)
        status = response.status_code
        known = status_error(
            response,
            creating=creating,
            who="The provider",
            key_setting="OPENAI_API_KEY",
            out_of_credit=code == "insufficient_quota",
            credit_code="insufficient_quota",
        )
        if known is not None:
            raise known
        if status in (404, 410):
            raise ProviderError(
                "The provider no longer has this video.",
                code="expired" if not creating else "not_found",
                permanent=True,
            )
        if _is_safety(code, message):
            # Some answers say it only in words (a 400 whose code is null).
            raise ProviderError(CONTENT_RULES, code=code or "content_policy", permanent=True)
        if param == "input_reference":
            raise ProviderError(
                f"The reference image was refused: {message or 'check it'}. "
                "It must be a JPEG, PNG or WebP of exactly the video's size.",
                code=code or "invalid_reference",
                permanent=True,
            )
        raise ProviderError(
            f"The provider refused the request: {message or status}.",
            code=code or f"http_{status}",
            permanent=True,
        )

    @staticmethod
    def _json(response: httpx.Response, *, creating: bool) -> dict[str, Any]:
        try:
            body = text.loads(response.content)
            if not isinstance(body, dict) or "id" not in body:
                raise ValueError
            return body
        except ValueError:
            if creating:
                raise OutcomeUnknown(
                    "The provider's answer could not be read.", code="malformed_response"
                ) from None
            raise ProviderError(
                "The provider's answer could not be read; Reelroom will try again.",
                code="malformed_response",
                permanent=False,
            ) from None

    @staticmethod
    def _status(video: dict[str, Any]) -> JobStatus:
        # The OpenAPI text lists queued, in_progress, completed and failed; gateways serving
        # the contract also answer `expired` (the content is gone) and `cancelled`. Both are
        # final: polling them until the 6-hour deadline would only wait.
        state = {
            "queued": "queued",
            "in_progress": "in_progress",
            "completed": "completed",
            "failed": "failed",
            "expired": "expired",
            "cancelled": "cancelled",
            "canceled": "cancelled",
        }.get(str(video.get("status")), "in_progress")
        error = None
        if state == "failed":
            err = video.get("error") or {}
            code = str(err.get("code") or "failed")
            message = str(err.get("message") or "The provider could not make this video.")
            if _is_safety(code, message):
                message = CONTENT_RULES
            error = ProviderError(message, code=code, permanent=True, billed=False)
        return JobStatus(
            job_id=str(video["id"]),
            state=state,
            progress=int(video.get("progress") or 0),
            error=error,
            expires_at=_timestamp(video.get("expires_at")),
        )

    def _transport_error(self, error: httpx.HTTPError, *, creating: bool) -> ProviderError:
        if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
            return ProviderError(
                "Reelroom could not reach the provider; it will try again.",
                code="unreachable",
                permanent=False,
                sent=False,
            )
        if creating:
            return OutcomeUnknown(
                "The connection to the provider broke after the request was "
                "sent; checking whether it made the video.",
                code="connection_lost",
            )
        return ProviderError(
            "The connection to the provider broke; Reelroom will try again.",
            code="connection_lost",
            permanent=False,
        )

    # ------------------------------------------------------------------ calls

    def form(self, spec: JobSpec) -> list[tuple[str, Any]]:
        """The create's fields: always multipart/form-data (the contract), with or without a
        reference image."""
        parts: list[tuple[str, Any]] = [
            ("prompt", (None, spec.prompt)),
            ("model", (None, spec.model_id)),
            ("seconds", (None, str(spec.seconds))),
            ("size", (None, spec.size)),
        ]
        if spec.reference_image_key:
            name = PurePosixPath(spec.reference_image_key).name
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            with default_storage.open(spec.reference_image_key, "rb") as handle:
                parts.append(("input_reference", (name, handle.read(), content_type)))
        return parts

    def submit(self, spec: JobSpec) -> JobStatus:
        try:
            parts = self.form(spec)
            with self._client() as client:
                response = client.post("/videos", files=parts)
        except httpx.HTTPError as error:
            raise self._transport_error(error, creating=True) from None
        self._raise_for(response, creating=True)
        return self._status(self._json(response, creating=True))

    def poll(self, job_id: str) -> JobStatus:
        try:
            with self._client() as client:
                response = client.get(f"/videos/{job_id}")
        except httpx.HTTPError as error:
            raise self._transport_error(error, creating=False) from None
        self._raise_for(response, creating=False)
        return self._status(self._json(response, creating=False))

    def find(self, spec: JobSpec) -> list[JobStatus]:
        since = (spec.created_after or datetime.now(UTC)) - timedelta(minutes=2)
        after = None
        matches: list[JobStatus] = []
        try:
            with self._client() as client:
                for _page in range(20):
                    params: dict[str, str | int] = {"limit": 100, "order": "desc"}
                    if after:
                        params["after"] = after
                    response = client.get("/videos", params=params)
                    self._raise_for(response, creating=False)
                    body = text.loads(response.content)
                    if after and not body.get("data"):
                        # The page before said there was more: an empty page is no proof that
                        # the job does not exist (a video deleted meanwhile may have been the
                        # cursor), so nothing may be sent again on its word.
                        raise ProviderError(
                            "The provider's list of videos ended early; Reelroom will look again.",
                            code="reconcile_incomplete",
                            permanent=False,
                        )
                    for video in body.get("data", []):
                        created = _timestamp(video.get("created_at"))
                        if created and created < since:
                            return matches
                        if (
                            video.get("model") == spec.model_id
                            and video.get("size") == spec.size
                            and str(video.get("seconds")) == str(spec.seconds)
                            and video.get("prompt") == spec.prompt
                        ):
                            matches.append(self._status(video))
                    if not body.get("has_more"):
                        return matches
                    after = body.get("last_id")
        except httpx.HTTPError as error:
            raise self._transport_error(error, creating=False) from None
        except ValueError:
            raise ProviderError(
                "The provider's list could not be read.", code="malformed_response", permanent=False
            ) from None
        raise ProviderError(
            "Too many recent videos to be sure; Reelroom will look again.",
            code="reconcile_incomplete",
            permanent=False,
        )

    @contextmanager
    def open_result(self, job_id: str, variant: str = "video") -> Iterator[Iterator[bytes]]:
        try:
            # A content URL may redirect to storage on another host: followed (a few hops),
            # and httpx sends the API key to the API's own origin only.
            with (
                self._client(settings.STUDIO_HTTP_TIMEOUT * 2) as client,
                client.stream(
                    "GET",
                    f"/videos/{job_id}/content",
                    params={"variant": variant},
                    follow_redirects=True,
                ) as response,
            ):
                if response.status_code >= 400:
                    response.read()
                    if response.status_code in (401, 403, 404, 410, 429) or (
                        response.status_code >= 500
                    ):
                        self._raise_for(response, creating=False)
                    # The job completed, so its content should come: anything else is retried
                    # until it does, or until it expires (404).
                    raise ProviderError(
                        f"The provider could not send the video yet ({response.status_code}); "
                        "Reelroom will try again.",
                        code="download_failed",
                        permanent=False,
                    )
                yield response.iter_bytes(1024 * 1024)
        except httpx.TooManyRedirects:
            raise ProviderError(
                "The provider's download link kept redirecting; Reelroom will try again.",
                code="too_many_redirects",
                permanent=False,
            ) from None
        except httpx.HTTPError as error:
            raise self._transport_error(error, creating=False) from None

    def remix(self, job_id: str, spec: JobSpec) -> JobStatus:
        try:
            with self._client() as client:
                response = client.post(f"/videos/{job_id}/remix", json={"prompt": spec.prompt})
        except httpx.HTTPError as error:
            raise self._transport_error(error, creating=True) from None
        self._raise_for(response, creating=True)
        return self._status(self._json(response, creating=True))

    def test_connection(self) -> tuple[bool, str]:
        host = httpx.URL(self.base_url).host
        if not self.api_key:
            return (
                False,
                "Not configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a gateway).",
            )
        try:
            with self._client() as client:
                response = client.get("/videos", params={"limit": 1})
        except httpx.HTTPError:
            return False, f"Could not reach {host}. Check OPENAI_BASE_URL and the network."
        if response.status_code in (401, 403):
            return False, f"{host} answered, but refused the API key."
        if response.status_code == 404:
            return False, f"{host} answered, but does not serve the Videos API (/videos)."
        if response.status_code >= 400:
            return False, f"{host} answered with an error ({response.status_code})."
        return True, f"Connected to {host}: the key was accepted and /videos answered."

    def cancel(self, job_id: str) -> bool:
        try:
            with self._client() as client:
                response = client.delete(f"/videos/{job_id}")
        except httpx.HTTPError:
            return False
        return response.status_code < 400
