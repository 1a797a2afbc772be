"""The provider interface and its one error type.

Every adapter turns a JobSpec into a provider job and reports JobStatus; every failure is a
ProviderError that says whether it is permanent, what a marketer can do about it, when to try
again, and whether it cost money.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any

import httpx


class ProviderError(Exception):
    def __init__(
        self,
        message: str,
        *,
        code: str,
        permanent: bool,
        billed: bool = False,
        retry_after: float | None = None,
        sent: bool = True,
    ):
        super().__init__(message)
        self.message = message  # written for a marketer: what happened and what to do
        self.code = code
        self.permanent = permanent
        self.billed = billed
        self.retry_after = retry_after
        # False when the request provably never reached the provider (connection refused, a
        # 429 at create): resubmitting then cannot make a second job.
        self.sent = sent

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


# The code of an OutcomeUnknown whose create the provider refused because it already holds the
# take's idempotency key: whether a job exists under it is settled by reconciling.
KEY_TAKEN = "key_taken"
# The code of a job its server no longer knows (a ComfyUI restarted: its history lives in
# memory): the take ends, not billed, and can be generated again.
JOB_LOST = "lost_on_gpu"


class OutcomeUnknown(ProviderError):
    """The create may or may not have made a job (timeout, 5xx after sending, a dropped
    connection): the take must be reconciled before anything is sent again."""

    def __init__(
        self, message: str = "The provider did not confirm the request.", **kwargs: Any
    ) -> None:
        super().__init__(
            message, code=kwargs.pop("code", "outcome_unknown"), permanent=False, **kwargs
        )


@dataclass(frozen=True)
class JobSpec:
    """What to ask a provider for; built from a Render row, never from a request."""

    idempotency_key: str
    model_key: str
    model_id: str
    size: str
    width: int
    height: int
    seconds: int
    prompt: str
    audio: bool = True
    reference_image_key: str = ""
    last_frame_key: str = ""  # an image the video must end on, where the model takes one
    remix_of_job_id: str = ""
    title: str = ""
    structure: dict[str, Any] = field(default_factory=dict)
    created_after: datetime | None = None
    webhook_url: str = ""
    render_id: int = 0
    backend: str = ""  # the team's GPU server the take's slot is on (generation.own_gpus)


@dataclass
class JobStatus:
    job_id: str
    # queued | in_progress | completed | failed | expired (gone before it was stored) |
    # cancelled (stopped at the provider)
    state: str
    progress: int = 0
    error: ProviderError | None = None
    expires_at: datetime | None = None
    # The cost as the provider reported it (any JSON value): budget.accepted_cost decides
    # whether it can be right before anything records it.
    cost: object = None
    output_id: str = ""  # the provider's id of the finished video (for remixing it)
    queue_position: int | None = None  # its place in the provider's own queue, where told
    gpu_seconds: float | None = None  # the GPU time it took, where the server measures it


class Provider:
    name = ""
    label = ""
    # Polling: first poll after `first_poll`, then ×`backoff` up to `max_poll` seconds.
    first_poll = 10.0
    backoff = 1.5
    max_poll = 60.0
    # How many of this provider's takes one sweep handles at once.
    concurrency = 4
    # A free provider never bills (the animatic); a paid one bills a completed job.
    free = False
    # Extra files the provider makes besides the video (OpenAI: a spritesheet for scrubbing).
    extra_variants: tuple[str, ...] = ()

    def place(self, render_id: int) -> str | None:
        """Where the take will be sent: "" for the provider itself; a backend's name for a
        provider of several servers (the take now holds room on it); None when all are busy
        (the take waits in the queue)."""
        return ""

    def submit(self, spec: JobSpec) -> JobStatus:
        raise NotImplementedError

    def poll(self, job_id: str) -> JobStatus:
        raise NotImplementedError

    def find(self, spec: JobSpec) -> list[JobStatus]:
        """Reconciliation: every job the provider has that could be the one this spec made
        (none when it provably has none). A provider that tags jobs with the take's own key
        answers at most one; one that can only match on what was sent (model, size, seconds,
        prompt) may answer several, and the caller adopts a job only when exactly one is not
        already another take's. Raises ProviderError when it cannot tell."""
        raise NotImplementedError

    def open_result(
        self, job_id: str, variant: str = "video"
    ) -> AbstractContextManager[Iterator[bytes]]:
        """The result's bytes as a stream of chunks (never the whole file in memory)."""
        raise NotImplementedError

    def remix(self, job_id: str, spec: JobSpec) -> JobStatus:
        raise ProviderError(
            "This provider cannot remix a take.",
            code="remix_unsupported",
            permanent=True,
            sent=False,
        )

    def cancel(self, job_id: str) -> bool:
        """Ask the provider to stop; True when it confirmed. Best effort."""
        return False

    def test_connection(self) -> tuple[bool, str]:
        """Whether the provider answers with this configuration, in words for an owner."""
        raise NotImplementedError

    def cleanup(self, job_id: str) -> None:
        """Forget provider-side copies once the take is stored (optional)."""


# The longest a provider's Retry-After is honoured: a take is looked at again by then anyway.
MAX_RETRY_AFTER = 600.0


def retry_after(response: httpx.Response) -> float | None:
    """The seconds a provider asks to wait before the next request: Retry-After as a number of
    seconds or as an HTTP date (RFC 9110 allows both), capped at MAX_RETRY_AFTER; None when
    it gave none that can be read."""
    value = (response.headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            return None
    if seconds != seconds:  # NaN
        return None
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


@cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every provider client: building one loads the CA bundle (about
    30 ms of CPU), which a client per request would otherwise pay each time. Shared contexts
    are safe across threads."""
    return httpx.create_ssl_context()


def http_client(**options: Any) -> httpx.Client:
    """An httpx client for a provider, on the shared TLS context."""
    return httpx.Client(verify=tls_context(), **options)


def status_error(
    response: httpx.Response,
    *,
    creating: bool,
    who: str,
    key_setting: str,
    out_of_credit: bool = False,
    credit_code: str = "insufficient_balance",
) -> ProviderError | None:
    """What an HTTP status says, the same for every adapter; None for a status the adapter
    reads from its own body (a 4xx refusal with the provider's code, or a success).

    A 401 / 403 (the key), a 402 (no credit, or a 429 the provider says is about credit) and a
    429 (busy) are refusals: nothing was made, so `sent` is False. A 5xx answered to a create
    leaves the outcome unknown (a gateway may have passed the request on): the take is
    reconciled before anything is sent again; to any other call it is a passing failure."""
    status = response.status_code
    wait = retry_after(response)
    if status == 402 or (status == 429 and out_of_credit):
        return ProviderError(
            f"The {who} account has no credit left. Top it up, then generate again.",
            code=credit_code,
            permanent=True,
            sent=False,
        )
    if status in (401, 403):
        return ProviderError(
            f"{who} refused the API key. An owner should check {key_setting}.",
            code="unauthorized",
            permanent=True,
            sent=False,
        )
    if status == 429:
        return ProviderError(
            f"{who} is busy (rate limited); Reelroom will try again.",
            code="rate_limited",
            permanent=False,
            sent=False,
            retry_after=wait,
        )
    if status >= 500:
        if creating:
            return OutcomeUnknown(
                f"{who} answered {status} after receiving the request; checking whether it "
                "made the video.",
                retry_after=wait,
            )
        return ProviderError(
            f"{who} is unavailable ({status}); Reelroom will try again.",
            code="provider_unavailable",
            permanent=False,
            retry_after=wait,
        )
    return None
