"""A fake Comfy API v2 server on 127.0.0.1 (../shared/reference/comfy-api-v2-openapi.yaml), as
comfy-api-proxy serves it in front of one ComfyUI ("proxy" flavour) or as Comfy Cloud does
("cloud": outputs answered with a 302 to a signed URL on another host, no job list).

Every request is validated against the published OpenAPI text by openapi-core (a second
reader of the contract, not this file's); the proxy's own documented extensions (`GET
/api/v2/jobs`, its job list) are the only paths allowed beside it. What the contract says and
this fake does: single-use idempotency keys (any reuse is `422 idempotency_key_reuse`, released
only when the submit definitively failed), one job running at a time with queue positions,
progress, outputs as assets, `429 queue_full` with Retry-After, `expired`, cancel through the
job's link, and a restart that forgets every job, key and asset (ComfyUI's history is in memory).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import default as email_policy
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.fakes.base import FakeServer, FileHost, JSONHandler

SPEC = Path(__file__).resolve().parents[2].parent / "shared/reference/comfy-api-v2-openapi.yaml"
TOKEN = "comfy-fake-token-0a9b8c7d"
# comfy-api-proxy's documented extensions (docs/topology-and-deployment.md), not in the text.
PROXY_EXTENSIONS = {("GET", "/api/v2/jobs")}


@cache
def contract() -> OpenAPI:
    return OpenAPI.from_file_path(str(SPEC))


class _Request:
    """A request as openapi-core reads it (its Request protocol)."""

    def __init__(self, method: str, path: str, query: str, headers: dict, body: bytes | None):
        # The published servers name port 8189; the path is what is checked.
        self.host_url = "http://127.0.0.1:8189"
        self.path = path
        self.full_url_pattern = self.host_url + path
        self.method = method.lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qs(query, keep_blank_values=True)),
            header=Headers(headers),
            cookie=ImmutableMultiDict(),
        )
        self.content_type = headers.get("Content-Type", "")
        self.body = body


def problems(method: str, path: str, query: str, headers: dict, body: bytes | None) -> list[str]:
    if (method, path) in PROXY_EXTENSIONS:
        return []
    try:
        contract().validate_request(_Request(method, path, query, headers, body))
    except Exception as error:  # openapi-core's validation errors, each with its reasons
        reasons = [str(e) for e in getattr(error, "schema_errors", [])] or [str(error)]
        return [f"{method} {path}: {error.__class__.__name__}: {'; '.join(reasons)}"[:500]]
    return []


@dataclass
class Job:
    id: str
    workflow: dict
    created: float
    polls_to_finish: int
    polls: int = 0
    cancel_asked: bool = False
    fail_with: dict | None = None
    expire: bool = False
    status: str = "queued"

    def terminal(self) -> bool:
        return self.status in ("succeeded", "failed", "canceled", "expired")


@dataclass
class Faults:
    queue_full: int = 0  # answer this many submits 429 queue_full (key released)
    retry_after: int = 7
    slow_submit: float = 0.0  # make the job, then answer after this long
    fail_with: dict | None = None  # the next jobs fail with this job.error
    expire: bool = False  # the next jobs end expired
    polls_to_finish: int = 2
    slow_upload: float = 0.0  # answer the next upload after this long (and forget it)
    cancel_link: str | None = None  # the job's cancel link, as given (another host, say)


@dataclass
class Seen:
    violations: list[str] = field(default_factory=list)
    submits: list[dict] = field(default_factory=list)  # {"key", "workflow", "status"}
    uploads: list[str] = field(default_factory=list)  # asset ids minted by uploads
    auth: list[str] = field(default_factory=list)  # Authorization of each request
    most_active: int = 0  # the most jobs queued or running at once
    cancels: int = 0


class FakeComfy(FakeServer):
    def __init__(self, video_bytes: bytes, flavour: str = "proxy", token: str = TOKEN):
        self.video_bytes = video_bytes
        self.flavour = flavour
        self.token = token
        self.jobs: dict[str, Job] = {}
        self.keys: set[str] = set()
        self.assets: dict[str, bytes] = {}
        self.faults = Faults()
        self.seen = Seen()
        self.lock = threading.Lock()
        self.signed = FileHost(video_bytes)  # Cloud's signed-URL host
        super().__init__(self._handler())

    def start(self):
        self.signed.start()
        return super().start()

    def stop(self) -> None:
        self.signed.stop()
        super().stop()

    def restart(self) -> None:
        """ComfyUI (and a proxy without --state-dir) restarted: every job, key and asset gone."""
        with self.lock:
            self.jobs.clear()
            self.keys.clear()
            self.assets.clear()

    def active(self) -> int:
        return sum(1 for j in self.jobs.values() if not j.terminal())

    # ------------------------------------------------------------------ jobs

    def _advance(self, job: Job) -> None:
        """A poll moves the job on; one job runs at a time, in order of arrival."""
        if job.terminal():
            return
        if job.cancel_asked:
            job.status = "canceled"
            return
        ahead = [j for j in self.jobs.values() if j.created < job.created and not j.terminal()]
        if ahead:
            job.status = "queued"
            return
        job.polls += 1
        if job.polls < job.polls_to_finish:
            job.status = "running"
        elif job.expire:
            job.status = "expired"
        elif job.fail_with:
            job.status = "failed"
        else:
            job.status = "succeeded"

    def resource(self, job: Job) -> dict:
        created = datetime.fromtimestamp(job.created, UTC)
        ahead = [j for j in self.jobs.values() if j.created < job.created and not j.terminal()]
        done = job.status == "succeeded"
        asset = f"out-{job.id}"
        running = job.status in ("running", "canceling")
        return {
            "id": job.id,
            "status": job.status,
            "created_at": created.isoformat(),
            "started_at": None if job.status == "queued" else created.isoformat(),
            "completed_at": (created + timedelta(seconds=9)).isoformat()
            if job.terminal()
            else None,
            "expires_at": (created + timedelta(days=1)).isoformat(),
            "queue_position": len(ahead) if job.status == "queued" else None,
            "progress": {
                "value": 1.0 if done else (job.polls / job.polls_to_finish if running else 0.0),
                "nodes_done": job.polls,
                "nodes_total": job.polls_to_finish,
                "message": "KSampler" if running else None,
            }
            if job.status != "queued"
            else None,
            "outputs": [
                {
                    "node_id": "9",
                    "name": "reelroom_00001.mp4",
                    "type": "video",
                    "content_type": "video/mp4",
                    "size_bytes": len(self.video_bytes),
                    "id": asset,
                    "hash": None,
                    "url": f"/api/v2/assets/{asset}/content",
                    "url_expires_at": (created + timedelta(hours=1)).isoformat(),
                    "job_id": job.id,
                }
            ]
            if done
            else [],
            "error": job.fail_with if job.status == "failed" else None,
            "metrics": {"queue_ms": 0, "execution_ms": 9000 if job.terminal() else None},
            "urls": {
                "self": f"/api/v2/jobs/{job.id}",
                "events": f"/api/v2/jobs/{job.id}/events",
                "cancel": self.faults.cancel_link or f"/api/v2/jobs/{job.id}/cancel",
            },
        }

    # ------------------------------------------------------------------ server

    def _handler(self):
        fake = self

        class Handler(JSONHandler):
            def _error(self, status, code, message, headers=None, **details):
                body = {"error": {"code": code, "message": message, "details": details or None}}
                self._send(status, body, headers=headers)

            def _begin(self, method) -> tuple[str, bytes | None] | None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = dict(self.headers.items())
                fake.seen.auth.append(headers.get("Authorization", ""))
                fake.seen.violations.extend(
                    problems(method, parts.path, parts.query, headers, body)
                )
                if fake.token and headers.get("Authorization") != f"Bearer {fake.token}":
                    self._error(401, "unauthorized", "Missing or invalid credentials.")
                    return None
                return parts.path, body

            def do_POST(self):
                begun = self._begin("POST")
                if begun is None:
                    return
                path, body = begun
                if path == "/api/v2/assets":
                    return self._upload(body or b"")
                if path == "/api/v2/jobs":
                    return self._submit(body or b"")
                if path.startswith("/api/v2/jobs/") and path.endswith("/cancel"):
                    with fake.lock:
                        job = fake.jobs.get(path.split("/")[4])
                        if job is None:
                            return self._error(404, "not_found", "No such job.")
                        fake.seen.cancels += 1
                        if not job.terminal():
                            job.cancel_asked, job.status = True, "canceling"
                        return self._send(200, fake.resource(job))
                self._error(404, "not_found", "No such path.")

            def _upload(self, body: bytes):
                if fake.faults.slow_upload:
                    wait, fake.faults.slow_upload = fake.faults.slow_upload, 0.0
                    time.sleep(wait)
                message = BytesParser(policy=email_policy).parsebytes(
                    f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
                )
                files = [
                    p
                    for p in message.iter_parts()
                    if p.get_param("name", header="content-disposition") == "file"
                ]
                if not files:
                    return self._error(422, "invalid_request", "No file.")
                asset = str(uuid.uuid4())
                with fake.lock:
                    fake.assets[asset] = files[0].get_payload(decode=True)
                    fake.seen.uploads.append(asset)
                now = datetime.now(UTC)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._upload_answer(asset, now)

            def _upload_answer(self, asset: str, now: datetime):
                self._send(
                    201,
                    {
                        "id": asset,
                        "hash": None,
                        "size_bytes": len(fake.assets[asset]),
                        "content_type": "image/png",
                        "file_path": "frame.png",
                        "created_new": True,
                        "created_at": now.isoformat(),
                        "url": f"/api/v2/assets/{asset}/content",
                        "url_expires_at": (now + timedelta(hours=1)).isoformat(),
                    },
                )

            def _submit(self, body: bytes):
                key = self.headers.get("Idempotency-Key", "")
                try:
                    workflow = json.loads(body)["workflow"]
                except (ValueError, KeyError, TypeError):
                    return self._error(422, "invalid_workflow", "Missing 'workflow'.")
                with fake.lock:
                    if key and key in fake.keys:
                        fake.seen.submits.append({"key": key, "status": 422})
                        return self._error(
                            422, "idempotency_key_reuse", "This Idempotency-Key was already used."
                        )
                    if isinstance(workflow.get("nodes"), list) and "links" in workflow:
                        return self._error(422, "workflow_format_ui", "UI-format workflow.")
                    missing = [
                        ref["info"]["id"]
                        for node in workflow.values()
                        for ref in node.get("inputs", {}).values()
                        if isinstance(ref, dict)
                        and ref.get("__type") == "core/ASSET"
                        and ref.get("info", {}).get("id") not in fake.assets
                    ]
                    if missing:
                        return self._error(422, "missing_asset", f"Unknown asset {missing[0]}.")
                    if fake.faults.queue_full:
                        fake.faults.queue_full -= 1
                        fake.seen.submits.append({"key": key, "status": 429})
                        return self._error(
                            429,
                            "queue_full",
                            "The queue is full.",
                            headers={"Retry-After": str(fake.faults.retry_after)},
                        )
                    if key:
                        fake.keys.add(key)
                    job = Job(
                        id=str(uuid.uuid4()),
                        workflow=workflow,
                        created=time.time(),
                        polls_to_finish=fake.faults.polls_to_finish,
                        fail_with=fake.faults.fail_with,
                        expire=fake.faults.expire,
                    )
                    fake.jobs[job.id] = job
                    fake.seen.submits.append({"key": key, "status": 201, "workflow": workflow})
                    fake.seen.most_active = max(fake.seen.most_active, fake.active())
                    resource = fake.resource(job)
                if fake.faults.slow_submit:
                    time.sleep(fake.faults.slow_submit)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._send(201, resource)  # the sender may have died meanwhile

            def do_GET(self):
                begun = self._begin("GET")
                if begun is None:
                    return
                path, _ = begun
                parts = path.split("/")
                with fake.lock:
                    if path == "/api/v2/jobs":
                        if fake.flavour == "cloud":
                            return self._error(404, "not_found", "No such path.")
                        jobs = sorted(fake.jobs.values(), key=lambda j: -j.created)
                        return self._send(200, {"jobs": [fake.resource(j) for j in jobs]})
                    if len(parts) >= 5 and parts[3] == "jobs":
                        job = fake.jobs.get(parts[4])
                        if job is None:
                            return self._error(404, "not_found", "No such job.")
                        if len(parts) == 6 and parts[5] == "workflow":
                            return self._send(200, {"workflow": job.workflow, "format": "api"})
                        fake._advance(job)
                        return self._send(200, fake.resource(job))
                    if len(parts) == 6 and parts[3] == "assets" and parts[5] == "content":
                        job = fake.jobs.get(parts[4].removeprefix("out-"))
                        if job is None or job.status != "succeeded":
                            return self._error(404, "not_found", "No such asset.")
                if fake.flavour == "cloud":
                    location = f"{fake.signed.root}/signed/{parts[4]}?sig=abc"
                    return self._send(302, raw=b"", headers={"Location": location})
                self._send(200, raw=fake.video_bytes, content_type="video/mp4")

        return Handler
