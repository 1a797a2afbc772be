"""A fake vLLM-Omni video server on 127.0.0.1 (`vllm serve <model> --omni`, ../shared/PROVIDERS.md
§4): one model per server, a Bearer key when started with one, `POST /v1/videos` as
multipart/form-data with the extra fields vLLM-Omni documents, `GET /v1/videos/{id}` (queued →
in_progress → completed as it is polled), `/content`, `DELETE` to abort, and `GET /v1/models`.
No remix, no idempotency key and no list of videos (404), as seen on the real one. Every
request that breaks that is recorded as a violation."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as email_policy
from urllib.parse import urlsplit

from tests.fakes.base import FakeServer, JSONHandler

KEY = "vllm-fake-key-5e6f7a8b"
# The form fields vLLM-Omni's /v1/videos takes.
FIELDS = {
    "prompt", "model", "seconds", "size", "width", "height", "num_frames", "fps",
    "num_inference_steps", "guidance_scale", "seed", "negative_prompt", "input_reference",
}  # fmt: skip
NUMBERS = {"seconds", "width", "height", "num_frames", "fps", "seed"}


@dataclass
class Seen:
    violations: list[str] = field(default_factory=list)
    creates: list[dict] = field(default_factory=list)
    bodies: list[dict] = field(default_factory=list)  # as sent (JSON keeps its types)
    deletes: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)


class FakeVLLM(FakeServer):
    def __init__(self, video_bytes: bytes, model: str, key: str = KEY, json_body: bool = False):
        self.video_bytes = video_bytes
        self.json_body = json_body  # a server that takes the create as JSON instead
        self.model = model
        self.key = key
        self.videos: dict[str, dict] = {}
        self.polls: dict[str, int] = {}
        self.seen = Seen()
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        super().__init__(self._handler())

    def _handler(self):
        fake = self

        class Handler(JSONHandler):
            def _authorized(self) -> bool:
                fake.seen.paths.append(f"{self.command} {urlsplit(self.path).path}")
                if fake.key and self.headers.get("Authorization") != f"Bearer {fake.key}":
                    self._send(401, {"error": {"message": "Unauthorized", "code": "401"}})
                    return False
                return True

            def _video(self):
                parts = urlsplit(self.path).path.split("/")
                video = fake.videos.get(parts[3]) if len(parts) > 3 else None
                if video is None:
                    self._send(404, {"error": {"message": "Not found", "code": "404"}})
                return video, parts

            def do_POST(self):
                if not self._authorized():
                    return
                if urlsplit(self.path).path != "/v1/videos":
                    return self._send(404, {"error": {"message": "Not found"}})
                if "remix" in self.path:
                    fake.seen.violations.append("remix asked of a server that has none")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                kind = self.headers.get("Content-Type", "")
                wanted = "application/json" if fake.json_body else "multipart/form-data"
                if not kind.startswith(wanted):
                    fake.seen.violations.append(f"create sent as {kind}")
                    return self._send(400, {"error": {"message": f"{wanted} expected"}})
                form = json.loads(body) if fake.json_body else self._form(kind, body)
                fake.seen.bodies.append(dict(form))
                for name in set(form) - FIELDS:
                    fake.seen.violations.append(f"unknown field {name}")
                form = {k: v if isinstance(v, bytes) else str(v) for k, v in form.items()}
                for name in NUMBERS & set(form):
                    if not form[name].lstrip("-").isdigit():
                        fake.seen.violations.append(f"{name} is not a number: {form[name]!r}")
                if form.get("model") != fake.model or not form.get("prompt"):
                    return self._send(400, {"error": {"message": f"model is {fake.model}"}})
                with fake.lock:
                    video_id = f"video_{next(fake.ids)}"
                    fake.seen.creates.append(form)
                    fake.videos[video_id] = {
                        "id": video_id,
                        "object": "video",
                        "model": fake.model,
                        "status": "queued",
                        "progress": 0,
                        "created_at": int(time.time()),
                        "size": form.get("size"),
                        "seconds": form.get("seconds"),
                        "prompt": form["prompt"],
                    }
                    self._send(200, fake.videos[video_id])

            def _form(self, kind: str, body: bytes) -> dict:
                message = BytesParser(policy=email_policy).parsebytes(
                    f"Content-Type: {kind}\r\n\r\n".encode() + body
                )
                form = {}
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    payload = part.get_payload(decode=True)
                    form[name] = payload if name == "input_reference" else payload.decode()
                return form

            def do_GET(self):
                if not self._authorized():
                    return
                path = urlsplit(self.path).path
                if path == "/v1/models":
                    return self._send(200, {"object": "list", "data": [{"id": fake.model}]})
                if path == "/v1/videos":
                    return self._send(404, {"error": {"message": "Not found", "code": "404"}})
                with fake.lock:
                    video, parts = self._video()
                    if video is None:
                        return
                    if len(parts) == 5 and parts[4] == "content":
                        if video["status"] != "completed":
                            return self._send(404, {"error": {"message": "not ready"}})
                        return self._send(200, raw=fake.video_bytes, content_type="video/mp4")
                    polls = fake.polls[video["id"]] = fake.polls.get(video["id"], 0) + 1
                    if video["status"] not in ("completed", "cancelled"):
                        video["status"] = "completed" if polls >= 2 else "in_progress"
                        video["progress"] = 100 if polls >= 2 else 50
                        if polls >= 2:
                            video["completed_at"] = video["created_at"] + 12
                    self._send(200, video)

            def do_DELETE(self):
                if not self._authorized():
                    return
                with fake.lock:
                    video, _ = self._video()
                    if video is None:
                        return
                    fake.seen.deletes.append(video["id"])
                    video["status"] = "cancelled"
                    self._send(200, {"id": video["id"], "object": "video", "deleted": True})

        return Handler
