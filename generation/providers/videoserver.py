"""OpenAI-compatible video servers on the team's GPUs (vLLM-Omni and similar: `POST /v1/videos`
as multipart/form-data with the extra fields the model takes — width, height, num_frames, fps,
seed, negative_prompt — then `GET /v1/videos/{id}`, its `/content`, and `DELETE` as cancel).

Each server is a backend of its own (STUDIO_VIDEO_SERVERS) with its base URL, key, models and
jobs at once; a take is sent to the server of its model, in a slot claimed like a ComfyUI's.
The calls are the OpenAI-compatible adapter's, pointed at the server; a job id is
`<server>:<video id>`. The servers keep no idempotency key and some list no videos: a send
whose answer was lost is looked up in the list where there is one, else it waits, and is never
sent again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from typing import Any

import httpx

from generation import catalog, text
from generation.models import Render
from generation.own_gpus import backends, servers, workflows
from generation.providers.base import JobSpec, JobStatus, Provider, ProviderError
from generation.providers.comfy_answers import seed_of
from generation.providers.openai import OpenAIProvider


class ServerClient(OpenAIProvider):
    """The OpenAI-compatible calls, on one server, for one of its models."""

    def __init__(self, conf: dict[str, Any], model: servers.ServedModel | None = None):
        super().__init__(base_url=conf["url"], api_key=conf["token"])
        self.server = conf["name"]
        self.model = model

    def _client(self, read_timeout: float | None = None) -> httpx.Client:
        client = super()._client(read_timeout)
        if not self.api_key:  # a server started without --api-key takes no Authorization
            client.headers.pop("Authorization", None)
        return client

    def form(self, spec: JobSpec) -> list[tuple[str, Any]]:
        parts = super().form(spec)
        model = self.model
        if model is None:
            return parts
        frames = workflows.frames_for(spec.seconds, model.fps, model.frame_rule)
        extra = {
            "width": spec.width,
            "height": spec.height,
            "num_frames": frames,
            "fps": model.fps,
            "seed": seed_of(spec.idempotency_key),
            "negative_prompt": str(spec.structure.get("negative") or ""),
        }
        parts += [(name, (None, str(extra[name]))) for name in model.fields if extra[name] != ""]
        return parts

    def submit(self, spec: JobSpec) -> JobStatus:
        if self.model is None or self.model.multipart:
            return super().submit(spec)
        fields = [(name, part[1]) for name, part in self.form(spec) if part[0] is None]
        body = {name: int(v) if v.isdigit() else v for name, v in fields}
        try:
            with self._client() as client:
                response = client.post("/videos", json=body)
        except httpx.HTTPError as error:
            raise self._transport_error(error, creating=True) from None
        self._raise_for(response, creating=True)
        return self._status(self._json(response, creating=True))

    def _status(self, video: dict[str, Any]) -> JobStatus:  # type: ignore[override]
        status = OpenAIProvider._status(video)
        started, finished = video.get("created_at"), video.get("completed_at")
        if isinstance(started, int | float) and isinstance(finished, int | float):
            status.gpu_seconds = max(0.0, float(finished) - float(started))
        return status


class VideoServerProvider(Provider):
    name = catalog.VIDEO_SERVER
    label = catalog.PROVIDER_LABELS[catalog.VIDEO_SERVER]
    first_poll = 3.0
    backoff = 1.5
    max_poll = 20.0
    concurrency = 8

    @staticmethod
    def _conf(name: str) -> dict[str, Any]:
        conf = backends.config(name)
        if conf is None or conf["kind"] != catalog.VIDEO_SERVER:
            raise ProviderError(
                f"The video server “{name}” is no longer configured (STUDIO_VIDEO_SERVERS).",
                code="backend_gone",
                permanent=False,
                sent=False,
            )
        return conf

    def _on(self, job_id: str) -> tuple[ServerClient, str]:
        name, _, video = job_id.partition(":")
        return ServerClient(self._conf(name)), video

    def place(self, render_id: int) -> str | None:
        key = Render.objects.filter(pk=render_id).values_list("model_key", flat=True).first()
        model = servers.by_key(key or "")
        return backends.claim(render_id, [model.server]) if model else None

    def submit(self, spec: JobSpec) -> JobStatus:
        model = servers.by_key(spec.model_key)
        if model is None or model.server != spec.backend:
            raise ProviderError(
                "This model's server is no longer configured.",
                code="backend_gone",
                permanent=True,
                sent=False,
            )
        status = ServerClient(self._conf(spec.backend), model).submit(spec)
        backends.mark(spec.backend, True)
        return replace(status, job_id=f"{spec.backend}:{status.job_id}")

    def poll(self, job_id: str) -> JobStatus:
        client, video = self._on(job_id)
        status = replace(client.poll(video), job_id=job_id)
        if status.state == "completed" and status.gpu_seconds is not None:
            key = Render.objects.filter(provider=self.name, provider_job_id=job_id).values_list(
                "model_key", flat=True
            )
            model = servers.by_key(key[0]) if key else None
            if model is not None:
                status.cost = Decimal(str(status.gpu_seconds)) * model.rate
        return status

    def find(self, spec: JobSpec) -> list[JobStatus]:
        client = ServerClient(self._conf(spec.backend), servers.by_key(spec.model_key))
        try:
            found = client.find(spec)
        except ProviderError as error:
            if error.code in ("not_found", "expired"):
                raise ProviderError(
                    f"“{spec.backend}” lists no videos, so Reelroom cannot look up a send whose "
                    "answer was lost; it asks again later and never sends it twice.",
                    code="cannot_list",
                    permanent=False,
                ) from None
            raise
        return [replace(s, job_id=f"{spec.backend}:{s.job_id}") for s in found]

    @contextmanager
    def open_result(self, job_id: str, variant: str = "video") -> Iterator[Iterator[bytes]]:
        client, video = self._on(job_id)
        with client.open_result(video, variant) as chunks:
            yield chunks

    def cancel(self, job_id: str) -> bool:
        client, video = self._on(job_id)
        return client.cancel(video)  # DELETE /videos/{id}

    def test_connection(self) -> tuple[bool, str]:
        configured = backends.configured(catalog.VIDEO_SERVER)
        if not configured:
            return False, "Not configured: set STUDIO_VIDEO_SERVERS (docs/providers.md)."
        backends.sync()
        words, ok = [], True
        for name, conf in configured.items():
            healthy, said = self._check(name, conf)
            ok = ok and healthy
            words.append(f"{name}: {said}")
        servers.forget()
        return ok, " ".join(words)

    @staticmethod
    def _check(name: str, conf: dict[str, Any]) -> tuple[bool, str]:
        """The server's /models: it answers, takes the key, and lists what it serves."""
        client = ServerClient(conf)
        try:
            with client._client() as http:
                response = http.get("/models")
        except httpx.HTTPError:
            backends.mark(name, False, "could not be reached")
            return False, "could not be reached."
        if response.status_code in (401, 403):
            said = f"answered, but refused the key (STUDIO_VIDEO_SERVER_KEY_{name.upper()})."
            backends.mark(name, False, said)
            return False, said
        try:
            listed = [str(m["id"]) for m in text.loads(response.content)["data"]]
        except (ValueError, KeyError, TypeError):
            listed = []
        backends.mark(name, True)
        backends.discovered(name, listed)
        served = ", ".join(listed) or "no model list"
        return True, f"answers; it serves {served}."
