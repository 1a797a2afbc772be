"""A fake of the OpenAI Videos API on 127.0.0.1 that enforces the documented contract
(../shared/reference/openai-videos-openapi.yaml) and can inject faults.

Jobs move queued -> in_progress -> completed (or failed) as they are polled, with progress.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as email_policy
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.fakes.base import FakeServer, JSONHandler

# The model enum of the OpenAPI text: the aliases and their dated snapshots.
SORA = {"720x1280", "1280x720"}
SORA_PRO = {*SORA, "1024x1792", "1792x1024"}
SIZES = {
    "sora-2": SORA,
    "sora-2-2025-10-06": SORA,
    "sora-2-2025-12-08": SORA,
    "sora-2-pro": SORA_PRO,
    "sora-2-pro-2025-10-06": SORA_PRO,
}
MODELS = set(SIZES)
SECONDS = {"4", "8", "12"}
API_KEY = "sk-fake-test-key"


@dataclass
class Job:
    id: str
    model: str
    prompt: str
    size: str
    seconds: str
    created_at: int
    polls_to_finish: int
    fail_with: dict | None = None
    remixed_from: str | None = None
    polls: int = 0
    deleted: bool = False
    expired: bool = False
    reference: bytes | None = None
    finish_at: float | None = None  # when set, the job completes at this time, polls or not
    final_status: str | None = None
    poll_times: list[float] = field(default_factory=list)  # time.time() of every retrieve
    made_at: float = field(default_factory=time.time)  # when the create arrived

    def resource(self) -> dict:
        if self.finish_at is not None and time.time() < self.finish_at:
            started = self.finish_at - self.created_at
            status = "in_progress"
            progress = min(99, int(100 * (time.time() - self.created_at) / max(started, 1)))
        elif self.finish_at is not None:
            status, progress = ("failed", 100) if self.fail_with else ("completed", 100)
        elif self.polls == 0:
            status, progress = "queued", 0
        elif self.polls < self.polls_to_finish:
            status = "in_progress"
            progress = int(100 * self.polls / self.polls_to_finish)
        elif self.fail_with:
            status, progress = "failed", 100
        else:
            status, progress = self.final_status or "completed", 100
        done = status in ("completed", "failed")
        return {
            "id": self.id,
            "object": "video",
            "model": self.model,
            "status": status,
            "progress": progress,
            "created_at": self.created_at,
            "completed_at": self.created_at + 30 if done else None,
            "expires_at": self.created_at + 3600 if status == "completed" else None,
            "prompt": self.prompt,
            "size": self.size,
            "seconds": self.seconds,
            "remixed_from_video_id": self.remixed_from,
            "error": self.fail_with if status == "failed" else None,
        }


@dataclass
class Faults:
    """Set before a call; each applies to the next matching request(s)."""

    create_error: tuple[int, dict] | None = None  # answer the next create with this
    create_error_times: int = 1
    drop_after_create: int = 0  # make the job, then close the connection unanswered (N times)
    create_status_after_accept: int | None = None  # make the job, then answer 5xx
    rate_limit_polls: int = 0  # answer this many polls with 429 + Retry-After
    retry_after: int = 30
    malformed_poll: int = 0
    slow_poll_seconds: float = 0.0
    fail_job_with: dict | None = None
    expire_content: bool = False
    content_not_ready: int = 0  # answer this many content downloads with 400 invalid_state
    polls_to_finish: int = 3
    # Time-based jobs: seconds from create to completed, per job (overrides polls_to_finish).
    render_seconds: object = None  # a callable (prompt) -> seconds
    content_seconds: float = 0.0  # stream each video download over this long
    # An outage: every request until this time (time.time()) gets `outage_status`; a 429 says
    # when to come back (Retry-After: retry_after seconds).
    outage_until: float = 0.0
    outage_status: int = 500
    # Retry-After exactly as sent (an HTTP date, say); else `retry_after` seconds.
    retry_after_value: str | None = None
    # A finished job reports this status instead of completed: "expired" or "cancelled"
    # (gateways serving the contract send both).
    final_status: str | None = None
    content_rate_limit: int = 0  # answer this many video downloads with 429 + Retry-After
    content_redirect_to: str | None = None  # answer downloads with 302 to this base URL
    # Answer a page asked for after a cursor with nothing (has_more false), as a list whose
    # cursor's video was deleted between two pages may.
    lose_cursor: bool = False


@dataclass
class Recorder:
    requests: list[tuple[str, str]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    creates: list[dict] = field(default_factory=list)
    outage_answers: int = 0
    webhooks: list[tuple[str, int]] = field(default_factory=list)  # (video id, answer status)
    # Each list answered: (time, after, ids on the page) — the crash suite's evidence.
    lists: list[tuple[float, str | None, list[str]]] = field(default_factory=list)


class FakeOpenAI(FakeServer):
    def __init__(self, video_bytes: bytes):
        from io import BytesIO

        from PIL import Image

        self.video_bytes = video_bytes
        webp, jpeg = BytesIO(), BytesIO()
        Image.new("RGB", (320, 180), (40, 40, 40)).save(webp, format="WEBP")
        Image.new("RGB", (1280, 144), (90, 60, 30)).save(jpeg, format="JPEG")
        self.thumbnail_bytes, self.spritesheet_bytes = webp.getvalue(), jpeg.getvalue()
        self.jobs: dict[str, Job] = {}
        self.faults = Faults()
        self.seen = Recorder()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        # Webhooks, as a project's endpoint in OpenAI's dashboard: `video.completed` POSTed to
        # this URL, signed the Standard Webhooks way with this `whsec_` secret, `delay` seconds
        # after the job finishes (a provider dispatches events a moment after the fact).
        self.webhook: tuple[str, str] | None = None
        self.webhook_delay = 0.3
        self._webhook_client = httpx.Client(timeout=10)
        super().__init__(self._handler())

    def stop(self) -> None:
        super().stop()
        self._webhook_client.close()

    def _send_webhook(self, job: Job) -> None:
        url, secret = self.webhook
        event_id = f"evt_{job.id}"
        body = json.dumps(
            {
                "id": event_id,
                "object": "event",
                "created_at": int(time.time()),
                "type": "video.failed" if job.fail_with else "video.completed",
                "data": {"id": job.id},
            }
        ).encode()
        stamp = str(int(time.time()))
        key = base64.b64decode(secret.removeprefix("whsec_"))
        digest = hmac.new(key, f"{event_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
        headers = {
            "webhook-id": event_id,
            "webhook-timestamp": stamp,
            "webhook-signature": "v1," + base64.b64encode(digest).decode(),
            "content-type": "application/json",
        }
        try:
            status = self._webhook_client.post(url, content=body, headers=headers).status_code
        except httpx.HTTPError:
            status = 0
        self.seen.webhooks.append((job.id, status))

    def retry_header(self) -> dict:
        return {"Retry-After": self.faults.retry_after_value or str(self.faults.retry_after)}

    def live_jobs(self) -> list[Job]:
        return [j for j in self.jobs.values() if not j.deleted]

    # ------------------------------------------------------------------ contract

    def _make_job(self, fields: dict, reference: bytes | None, remixed_from=None) -> Job:
        with self._lock:
            job = Job(
                id=f"video_{next(self._ids):06d}",
                model=fields["model"],
                prompt=fields["prompt"],
                size=fields["size"],
                seconds=fields["seconds"],
                created_at=int(time.time()),
                polls_to_finish=self.faults.polls_to_finish,
                fail_with=self.faults.fail_job_with,
                final_status=self.faults.final_status,
                finish_at=(
                    time.time() + self.faults.render_seconds(fields["prompt"])
                    if self.faults.render_seconds
                    else None
                ),
                remixed_from=remixed_from,
                reference=reference,
            )
            self.jobs[job.id] = job
        if self.webhook and job.finish_at is not None:
            delay = max(0.0, job.finish_at - time.time()) + self.webhook_delay
            timer = threading.Timer(delay, self._send_webhook, args=(job,))
            timer.daemon = True
            timer.start()
        return job

    def _check_create(self, fields: dict, files: dict) -> str | None:
        unknown = set(fields) - {"prompt", "model", "seconds", "size"}
        if unknown:
            return f"unknown fields {sorted(unknown)}"
        if not fields.get("prompt"):
            return "prompt is required"
        if not 1 <= len(fields["prompt"]) <= 32000:
            return "prompt length"
        fields.setdefault("model", "sora-2")
        fields.setdefault("seconds", "4")
        fields.setdefault("size", "720x1280")
        if fields["model"] not in MODELS:
            return f"model {fields['model']!r} is not allowed"
        if fields["seconds"] not in SECONDS:
            return f"seconds {fields['seconds']!r} is not allowed"
        if fields["size"] not in SIZES[fields["model"]]:
            return f"size {fields['size']!r} is not allowed for {fields['model']}"
        if set(files) - {"input_reference"}:
            return f"unknown files {sorted(files)}"
        if "input_reference" in files:
            content_type, data = files["input_reference"]
            if content_type not in ("image/jpeg", "image/png", "image/webp"):
                return f"input_reference type {content_type}"
            from io import BytesIO

            from PIL import Image

            width, height = Image.open(BytesIO(data)).size
            if f"{width}x{height}" != fields["size"]:
                return "input_reference must match size"
        return None

    def _handler(self):
        fake = self

        class Handler(JSONHandler):
            def _error(self, status, message, code=None, param=None):
                self._send(
                    status,
                    {
                        "error": {
                            "message": message,
                            "type": "invalid_request_error",
                            "param": param,
                            "code": code,
                        }
                    },
                )

            def _authorized(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    self._error(401, "Incorrect API key provided", "invalid_api_key")
                    return False
                return True

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _in_outage(self) -> bool:
                if time.time() >= fake.faults.outage_until:
                    return False
                status = fake.faults.outage_status
                fake.seen.outage_answers += 1
                headers = fake.retry_header() if status == 429 else {}
                self._send(
                    status,
                    {"error": {"message": "Service unavailable, try again later",
                               "type": "server_error", "param": None,
                               "code": "rate_limit_exceeded" if status == 429 else None}},
                    headers=headers,
                )  # fmt: skip
                return True

            def do_POST(self):
                path = urlsplit(self.path).path
                fake.seen.requests.append(("POST", path))
                body = self._body()
                if self._in_outage():
                    return
                if not self._authorized():
                    return
                if path == "/v1/videos":
                    return self._create(body)
                if path.startswith("/v1/videos/") and path.endswith("/remix"):
                    return self._remix(path.split("/")[3], body)
                self._error(404, "Not found")

            def _create(self, body: bytes):
                content_type = self.headers.get("Content-Type", "")
                if not content_type.startswith("multipart/form-data"):
                    fake.seen.violations.append(f"create sent as {content_type}")
                    return self._error(400, "expected multipart/form-data")
                message = BytesParser(policy=email_policy).parsebytes(
                    b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
                )
                fields, files = {}, {}
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    if part.get_filename() is not None:
                        files[name] = (part.get_content_type(), part.get_payload(decode=True))
                    else:
                        fields[name] = part.get_content()
                problem = fake._check_create(fields, files)
                fake.seen.creates.append(dict(fields))
                if problem:
                    fake.seen.violations.append(problem)
                    return self._error(
                        400,
                        problem,
                        "invalid_value",
                        "input_reference" if "input_reference" in problem else None,
                    )
                faults = fake.faults
                if faults.create_error and faults.create_error_times > 0:
                    faults.create_error_times -= 1
                    status, payload = faults.create_error
                    headers = fake.retry_header() if status in (429, 503) else {}
                    return self._send(status, payload, headers)
                job = fake._make_job(fields, files.get("input_reference", (None, None))[1])
                if faults.drop_after_create:
                    faults.drop_after_create -= 1
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if faults.create_status_after_accept:
                    status, faults.create_status_after_accept = (
                        faults.create_status_after_accept,
                        None,
                    )
                    return self._error(status, "Internal server error")
                self._send(200, job.resource())

            def _remix(self, video_id, body):
                job = fake.jobs.get(video_id)
                if job is None or job.deleted:
                    return self._error(404, "No video found", "not_found")
                if job.resource()["status"] != "completed":
                    return self._error(400, "Video is not completed", "invalid_state")
                try:
                    prompt = json.loads(body)["prompt"]
                except (ValueError, KeyError, TypeError):
                    fake.seen.violations.append("remix body")
                    return self._error(400, "prompt is required")
                new = fake._make_job(
                    {
                        "model": job.model,
                        "prompt": prompt,
                        "size": job.size,
                        "seconds": job.seconds,
                    },
                    None,
                    remixed_from=job.id,
                )
                self._send(200, new.resource())

            def do_GET(self):
                parts = urlsplit(self.path)
                fake.seen.requests.append(("GET", parts.path))
                if self._in_outage():
                    return
                if not self._authorized():
                    return
                query = parse_qs(parts.query)
                segments = parts.path.strip("/").split("/")
                if parts.path == "/v1/videos":
                    return self._list(query)
                if len(segments) == 3 and segments[:2] == ["v1", "videos"]:
                    return self._retrieve(segments[2])
                if len(segments) == 4 and segments[3] == "content":
                    return self._content(segments[2], query.get("variant", ["video"])[0])
                self._error(404, "Not found")

            def _retrieve(self, video_id):
                faults = fake.faults
                if faults.rate_limit_polls > 0:
                    faults.rate_limit_polls -= 1
                    return self._send(
                        429,
                        {
                            "error": {
                                "message": "Rate limit",
                                "type": "requests",
                                "param": None,
                                "code": "rate_limit_exceeded",
                            }
                        },
                        fake.retry_header(),
                    )
                if faults.malformed_poll > 0:
                    faults.malformed_poll -= 1
                    return self._send(200, raw=b"{not json", content_type="application/json")
                if faults.slow_poll_seconds:
                    time.sleep(faults.slow_poll_seconds)
                job = fake.jobs.get(video_id)
                if job is None or job.deleted:
                    return self._error(404, "No video found", "not_found")
                job.polls += 1
                job.poll_times.append(time.time())
                self._send(200, job.resource())

            def _list(self, query):
                limit = int(query.get("limit", ["20"])[0])
                if not 0 <= limit <= 100:
                    fake.seen.violations.append(f"list limit {limit}")
                order = query.get("order", ["desc"])[0]
                if order not in ("asc", "desc"):
                    fake.seen.violations.append(f"list order {order}")
                # Keyset paging: the page after a cursor starts where the cursor's video was,
                # whether or not it has been deleted since.
                jobs = sorted(fake.jobs.values(), key=lambda j: j.id, reverse=order == "desc")
                after = query.get("after", [None])[0]
                if after:
                    ids = [j.id for j in jobs]
                    jobs = jobs[ids.index(after) + 1 :] if after in ids else []
                    if fake.faults.lose_cursor:
                        jobs = []
                jobs = [j for j in jobs if not j.deleted]
                page = jobs[:limit]
                fake.seen.lists.append((time.time(), after, [j.id for j in page]))
                self._send(
                    200,
                    {
                        "object": "list",
                        "data": [j.resource() for j in page],
                        "has_more": len(jobs) > limit,
                        "first_id": page[0].id if page else None,
                        "last_id": page[-1].id if page else None,
                    },
                )

            def _trickle(self, data: bytes, seconds: float):
                """The body in 16 pieces over `seconds`: a download that is in flight."""
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                step = max(1, len(data) // 16)
                for start in range(0, len(data), step):
                    self.wfile.write(data[start : start + step])
                    self.wfile.flush()
                    time.sleep(seconds / 16)

            def _content(self, video_id, variant):
                if variant not in ("video", "thumbnail", "spritesheet"):
                    fake.seen.violations.append(f"variant {variant}")
                    return self._error(400, "bad variant")
                job = fake.jobs.get(video_id)
                if job is None or job.deleted or fake.faults.expire_content:
                    return self._error(404, "The video content has expired", "not_found")
                if job.resource()["status"] != "completed" or fake.faults.content_not_ready:
                    fake.faults.content_not_ready = max(0, fake.faults.content_not_ready - 1)
                    return self._error(400, "Video is not ready", "invalid_state")
                if variant == "video" and fake.faults.content_rate_limit > 0:
                    fake.faults.content_rate_limit -= 1
                    return self._send(
                        429,
                        {"error": {"message": "Rate limit", "type": "requests", "param": None,
                                   "code": "rate_limit_exceeded"}},
                        fake.retry_header(),
                    )  # fmt: skip
                if variant == "video" and fake.faults.content_redirect_to:
                    location = f"{fake.faults.content_redirect_to}/{video_id}.mp4"
                    return self._send(302, raw=b"", headers={"Location": location})
                if variant == "video" and fake.faults.content_seconds:
                    return self._trickle(fake.video_bytes, fake.faults.content_seconds)
                if variant == "video":
                    return self._send(200, raw=fake.video_bytes, content_type="video/mp4")
                if variant == "thumbnail":
                    return self._send(200, raw=fake.thumbnail_bytes, content_type="image/webp")
                return self._send(200, raw=fake.spritesheet_bytes, content_type="image/jpeg")

            def do_DELETE(self):
                path = urlsplit(self.path).path
                fake.seen.requests.append(("DELETE", path))
                if not self._authorized():
                    return
                job = fake.jobs.get(path.rstrip("/").split("/")[-1])
                if job is None or job.deleted:
                    return self._error(404, "No video found", "not_found")
                job.deleted = True
                self._send(200, {"id": job.id, "object": "video.deleted", "deleted": True})

        return Handler
