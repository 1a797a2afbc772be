"""The team's own GPUs: ComfyUI behind the Comfy API v2 (../shared/reference/
comfy-api-v2-openapi.yaml), over httpx — comfy-api-proxy in front of a ComfyUI, Comfy Cloud, or a
Comfy deployment, one or more of them (generation.own_gpus.backends spreads the takes).

- A job is sent once: `Idempotency-Key` is the take's key and single use. A `422
  idempotency_key_reuse`, a timeout or a 5xx leaves the outcome unknown, and the take is
  reconciled by looking the job up (never by sending again).
- Frames go up as assets first (once per take and backend) and are named in the graph as
  `core/ASSET` references.
- The job's links are followed, never built: a host-relative link is resolved against the
  backend's origin. Output bytes come from `/assets/{id}/content`, following Cloud's 302 to a
  signed URL; httpx drops the token on a redirect to another host.
- A job id is `<backend>:<job id>`, so every later call goes to the backend that has it. A job the
  backend no longer knows (ComfyUI keeps history in memory: a restart forgets it) is lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.files.storage import default_storage

from generation import catalog, text
from generation.models import BoundWorkflow, Render
from generation.own_gpus import backends, workflows
from generation.providers.base import (
    JobSpec,
    JobStatus,
    OutcomeUnknown,
    Provider,
    ProviderError,
    http_client,
)
from generation.providers.comfy_answers import (
    error_body,
    object_of,
    refused,
    seed_of,
    status_of,
    values,
    when,
)

LIST_LIMIT = 100  # jobs asked for when a lost send is looked up


class ComfyProvider(Provider):
    name = catalog.COMFY
    label = catalog.PROVIDER_LABELS[catalog.COMFY]
    # Polled often: a backend that restarted (and forgot the job) is found within a minute.
    first_poll = 3.0
    backoff = 1.5
    max_poll = 20.0
    concurrency = 8

    # ------------------------------------------------------------------ backends

    def place(self, render_id: int) -> str | None:
        return backends.claim(render_id, list(backends.configured(catalog.COMFY)))

    def _split(self, job_id: str) -> tuple[str, str]:
        name, _, job = job_id.partition(":")
        return name, job

    def _client(self, name: str, read_timeout: float | None = None) -> httpx.Client:
        conf = backends.config(name)
        if conf is None:
            raise ProviderError(
                f"The GPU backend “{name}” is no longer configured (STUDIO_COMFY_BACKENDS).",
                code="backend_gone",
                permanent=False,
                sent=False,
            )
        seconds = read_timeout or settings.STUDIO_HTTP_TIMEOUT
        headers = {"Authorization": f"Bearer {conf['token']}"} if conf["token"] else {}
        return http_client(
            base_url=conf["url"],
            timeout=httpx.Timeout(seconds, connect=min(10.0, seconds)),
            headers=headers,
            max_redirects=5,
        )

    @staticmethod
    def _link(client: httpx.Client, link: str) -> str | None:
        """A job's link as an absolute URL: host-relative links against the origin. A link to
        another origin is not followed (the token would go with it)."""
        base = client.base_url
        origin = httpx.URL(f"{base.scheme}://{base.netloc.decode()}")
        target = origin.join(link)
        return str(target) if (target.scheme, target.netloc) == (base.scheme, base.netloc) else None

    def _transport(self, name: str, error: httpx.HTTPError, *, creating: bool) -> ProviderError:
        if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
            backends.mark(name, False, "could not be reached")
            return ProviderError(
                f"Reelroom could not reach the GPU backend “{name}”; the take waits for a "
                "backend that answers.",
                code="unreachable",
                permanent=False,
                sent=False,
            )
        if creating:
            return OutcomeUnknown(
                f"The connection to “{name}” broke after the job was sent; looking it up.",
                code="connection_lost",
            )
        return ProviderError(
            f"The connection to “{name}” broke; Reelroom will try again.",
            code="connection_lost",
            permanent=False,
        )

    def _json(self, name: str, response: httpx.Response, *, creating: bool) -> dict[str, Any]:
        if response.status_code >= 400:
            raise refused(name, response, creating=creating)
        try:
            body = text.loads(response.content)
            if isinstance(body, dict):
                return body
        except ValueError:
            pass
        if creating:
            raise OutcomeUnknown(f"“{name}”'s answer could not be read.", code="malformed_response")
        raise ProviderError(
            f"“{name}”'s answer could not be read; Reelroom will try again.",
            code="malformed_response",
            permanent=False,
        )

    # ------------------------------------------------------------------ reading jobs

    def _get_job(self, client: httpx.Client, name: str, job: str) -> dict[str, Any]:
        return self._json(name, client.get(f"/api/v2/jobs/{quote(job, safe='')}"), creating=False)

    # ------------------------------------------------------------------ calls

    def _upload(self, client: httpx.Client, name: str, key: str) -> str:
        file_name = PurePosixPath(key).name
        content_type = "image/png" if file_name.endswith(".png") else "image/jpeg"
        with default_storage.open(key, "rb") as handle:
            data = handle.read()
        response = client.post(
            "/api/v2/assets",
            data={"content_type": content_type, "file_path": file_name},
            files={"file": (file_name, data, content_type)},
        )
        return str(self._json(name, response, creating=False)["id"])

    def _frames(
        self, client: httpx.Client, spec: JobSpec, bindings: dict[str, Any]
    ) -> dict[str, str]:
        """The take's frames as assets on this backend, uploaded once (their ids are kept on
        the take before the job is sent)."""
        wanted = {"first_frame": spec.reference_image_key, "last_frame": spec.last_frame_key}
        if not any(key and slot in bindings for slot, key in wanted.items()):
            return {}  # a text-to-video take: nothing to upload, nothing to read
        kept = Render.objects.filter(pk=spec.render_id).values_list("uploads", flat=True).first()
        uploads = dict((kept or {}).get(spec.backend) or {})
        for slot, key in wanted.items():
            if key and slot in bindings and not uploads.get(slot):
                uploads[slot] = self._upload(client, spec.backend, key)
                everything = {**(kept or {}), spec.backend: uploads}
                Render.objects.filter(pk=spec.render_id).update(uploads=everything)
        return uploads

    def submit(self, spec: JobSpec) -> JobStatus:
        workflow = BoundWorkflow.objects.filter(key=spec.model_id, active=True).first()
        if workflow is None:
            raise ProviderError(
                "This workflow was switched off before the take was sent.",
                code="workflow_gone",
                permanent=True,
                sent=False,
            )
        name = spec.backend
        try:
            with self._client(name) as client:
                try:
                    uploads = self._frames(client, spec, workflow.bindings)
                except httpx.HTTPError as error:  # no job was asked for yet: safe to send again
                    failed = self._transport(name, error, creating=False)
                    failed.sent = False
                    raise failed from None
                except ProviderError as error:
                    error.sent = False
                    raise
                graph = workflows.fill(
                    workflow.graph, workflow.bindings, values(spec, workflow, uploads)
                )
                response = client.post(
                    "/api/v2/jobs",
                    json={"workflow": graph},
                    headers={"Idempotency-Key": spec.idempotency_key},
                )
        except httpx.HTTPError as error:
            raise self._transport(name, error, creating=True) from None
        if response.status_code == 422 and error_body(response)[0] == "missing_asset":
            Render.objects.filter(pk=spec.render_id).update(uploads={})
        job = self._json(name, response, creating=True)
        backends.mark(name, True)
        return status_of(name, job)

    def poll(self, job_id: str) -> JobStatus:
        name, job = self._split(job_id)
        try:
            with self._client(name) as client:
                status = status_of(name, self._get_job(client, name, job))
        except httpx.HTTPError as error:
            raise self._transport(name, error, creating=False) from None
        if status.state == "completed" and status.gpu_seconds is not None:
            status.cost = self._cost(job_id, status.gpu_seconds)
        return status

    @staticmethod
    def _cost(job_id: str, gpu_seconds: float) -> Decimal | None:
        """The job's GPU-seconds at its workflow's rate (one query)."""
        model = Render.objects.filter(provider=catalog.COMFY, provider_job_id=job_id)
        rate = BoundWorkflow.objects.filter(key__in=model.values("provider_model")).values_list(
            "rate_per_gpu_second", flat=True
        )
        return Decimal(str(gpu_seconds)) * rate[0] if rate else None

    def find(self, spec: JobSpec) -> list[JobStatus]:
        """The job this take's send made, if the backend has it. The contract has no list;
        comfy-api-proxy lists the jobs it recorded (GET /api/v2/jobs), and each candidate's
        executed graph (GET /api/v2/jobs/{id}/workflow) shows its prompt and seed, which
        the take's key fixes. A backend that cannot list leaves the take unresolved."""
        workflow = BoundWorkflow.objects.filter(key=spec.model_id).first()
        if workflow is None:
            return []
        wanted = {"prompt": spec.prompt, "seed": seed_of(spec.idempotency_key)}
        wanted = {k: v for k, v in wanted.items() if k in workflow.bindings}
        since = (spec.created_after or datetime.now(UTC)) - timedelta(minutes=2)
        name = spec.backend
        try:
            with self._client(name) as client:
                response = client.get("/api/v2/jobs", params={"limit": LIST_LIMIT})
                if response.status_code in (404, 405, 501):
                    raise ProviderError(
                        f"“{name}” cannot list its jobs (Comfy Cloud has no list), so Reelroom "
                        "cannot look up a send whose answer was lost; it asks again later.",
                        code="cannot_list",
                        permanent=False,
                    )
                body = self._json(name, response, creating=False)
                jobs: list[dict[str, Any]] = next(
                    (body[k] for k in ("jobs", "data", "items") if isinstance(body.get(k), list)),
                    [],
                )
                recent = [j for j in jobs if (when(j.get("created_at")) or since) >= since]
                if len(jobs) >= LIST_LIMIT and len(recent) == len(jobs):
                    # The list may go on past what it showed: no proof that the job is not there.
                    raise ProviderError(
                        f"“{name}” has more recent jobs than one list shows; Reelroom looks "
                        "again later and sends nothing meanwhile.",
                        code="reconcile_incomplete",
                        permanent=False,
                    )
                found = []
                for job in recent:
                    path = f"/api/v2/jobs/{quote(str(job.get('id')), safe='')}/workflow"
                    ran = self._json(name, client.get(path), creating=False)
                    graph = object_of(ran.get("workflow"))
                    if workflows.bound_values(graph, workflow.bindings) == wanted:
                        found.append(status_of(name, job))
                return found
        except httpx.HTTPError as error:
            raise self._transport(name, error, creating=False) from None

    @contextmanager
    def open_result(self, job_id: str, variant: str = "video") -> Iterator[Iterator[bytes]]:
        name, job = self._split(job_id)
        try:
            with self._client(name, settings.STUDIO_HTTP_TIMEOUT * 2) as client:
                status = status_of(name, self._get_job(client, name, job))
                if not status.output_id:
                    raise ProviderError(
                        "The job has no video output.", code="no_video_output", permanent=True
                    )
                with client.stream(
                    "GET",
                    f"/api/v2/assets/{quote(status.output_id, safe='')}/content",
                    follow_redirects=True,
                ) as response:
                    if response.status_code >= 400:
                        response.read()
                        raise refused(name, response, creating=False)
                    yield response.iter_bytes(1024 * 1024)
        except httpx.TooManyRedirects:
            raise ProviderError(
                f"“{name}”'s download link kept redirecting; Reelroom will try again.",
                code="too_many_redirects",
                permanent=False,
            ) from None
        except httpx.HTTPError as error:
            raise self._transport(name, error, creating=False) from None

    def cancel(self, job_id: str) -> bool:
        name, job = self._split(job_id)
        try:
            with self._client(name) as client:
                links = object_of(self._get_job(client, name, job).get("urls"))
                link = self._link(client, str(links.get("cancel") or ""))
                if not links.get("cancel") or link is None:
                    return False
                response = client.post(link)
        except (httpx.HTTPError, ProviderError):
            return False
        return response.status_code < 400

    def test_connection(self) -> tuple[bool, str]:
        configured = backends.configured(catalog.COMFY)
        if not configured:
            return False, "Not configured: set STUDIO_COMFY_BACKENDS (docs/providers.md)."
        backends.sync()
        words, ok = [], True
        for name in configured:
            healthy, said = self.check(name)
            ok = ok and healthy
            words.append(f"{name}: {said}")
        return ok, " ".join(words)

    def check(self, name: str) -> tuple[bool, str]:
        """A backend's health against the v2 API itself: an unknown job must be a 404."""
        try:
            with self._client(name) as client:
                response = client.get(f"/api/v2/jobs/{uuid.uuid4()}")
        except httpx.HTTPError:
            backends.mark(name, False, "could not be reached")
            return False, "could not be reached."
        if response.status_code in (401, 403):
            said = f"answered, but refused the token (STUDIO_COMFY_TOKEN_{name.upper()})."
        elif response.status_code == 404 and error_body(response)[0] == "not_found":
            backends.mark(name, True)
            return True, "answers the Comfy API v2."
        else:
            said = f"does not answer the Comfy API v2 ({response.status_code})."
        backends.mark(name, False, said)
        return False, said
