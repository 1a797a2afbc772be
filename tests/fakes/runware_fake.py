"""A fake of Runware's task API on 127.0.0.1 (../shared/PROVIDERS.md §2) that checks the task
array it receives and can inject faults. Results are served by a second server on another
port, as Runware's CDN serves `videoURL`; it records the headers each download came with."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.fakes.base import FakeServer, JSONHandler

API_KEY = "rw-fake-test-key"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TASK_KEYS = {
    "taskType",
    "taskUUID",
    "model",
    "positivePrompt",
    "width",
    "height",
    "duration",
    "deliveryMethod",
    "outputType",
    "outputFormat",
    "includeCost",
    "numberResults",
    "webhookURL",
    "outputQuality",
    "ttl",
    "uploadEndpoint",
    "safety",
    "inputs",
    "resolution",
    "providerSettings",
    "settings",
}
VEO_SIZES = {(1280, 720), (720, 1280), (1920, 1080), (1080, 1920), (3840, 2160), (2160, 3840)}
# The documented rows this fake knows: sizes or resolutions, durations, audio parameter.
MODELS = {
    "google:3@3": {
        "sizes": VEO_SIZES,
        "durations": {4, 6, 8},
        "audio": ("providerSettings", "google", "generateAudio"),
    },
    # Kling's pages: "When providerSettings is provided, inputs.referenceImages is required".
    "klingai:kling-video@3-pro": {
        "sizes": {(1920, 1080), (1440, 1440), (1080, 1920)},
        "durations": set(range(3, 16)),
        "frames_set_size": True,
        "provider_settings_need_references": True,
    },
    "bytedance:seedance@2.0": {
        "resolutions": {"480p", "720p", "1080p"},
        "durations": set(range(4, 16)),
        "audio": ("settings", "audio"),
    },
    "runway:1@2": {
        "sizes": {(1280, 720), (720, 1280), (1104, 832), (832, 1104), (960, 960)},
        "durations": {5, 8, 10},
    },
}


@dataclass
class Task:
    uuid: str
    body: dict
    polls_to_finish: int
    polls: int = 0
    fail_with: dict | None = None
    cost: object = 0.4032

    def response(self, base_url: str, with_status: bool = True) -> dict:
        item = {"taskType": "videoInference", "taskUUID": self.uuid}
        if self.polls < self.polls_to_finish:
            return {**item, "status": "processing"}
        if self.fail_with:
            # The shape of runware-sdk's client: the reason nested under `error`.
            return {**item, "status": "error", "error": self.fail_with}
        done = {"status": "success"} if with_status else {}
        return {
            **item,
            **done,
            "videoUUID": f"vid-{self.uuid[:8]}",
            "videoURL": f"{base_url}/media/{self.uuid}.mp4",
            "cost": self.cost,
            "seed": 7,
            "outputs": {"videoId": f"out-{self.uuid[:8]}"},
        }


# Task errors Runware answers with 400 (the request as a whole refused), not 200.
REFUSED_WHOLE = ("unsupportedDuration", "conflictTaskUUID")


@dataclass
class Faults:
    create_status: int | None = None  # answer the next create with this HTTP status
    create_errors: list | None = None  # answer the next create with these task errors (400)
    # Refuse the next create with these task errors, then close the connection unanswered.
    refuse_then_drop: list | None = None
    drop_after_create: bool = False  # accept the task, then close the connection unanswered
    rate_limit: int = 0  # answer this many requests with 429 + Retry-After
    retry_after: int = 20
    malformed: int = 0
    slow_seconds: float = 0.0  # answer after this long (longer than the client waits)
    expire_content: bool = False
    fail_task_with: dict | None = None
    polls_to_finish: int = 2
    omit_status: bool = False  # a finished result carries its videoURL but no `status`
    cost: object = 0.4032  # the cost a finished task reports (a provider's bug may send -1)
    retry_after_value: str | None = None  # Retry-After exactly as sent (an HTTP date, say)
    cdn_redirect_to: str | None = None  # the CDN answers 302 to this base URL
    cdn_rate_limit: int = 0  # the CDN answers this many downloads with 429 + Retry-After


@dataclass
class Seen:
    bodies: list = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    creates: list[dict] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # taskUUIDs sent again, answered 409-ish
    downloads: list[dict] = field(default_factory=list)  # headers of each CDN request


class FakeRunware(FakeServer):
    def __init__(self, video_bytes: bytes):
        self.video_bytes = video_bytes
        self.tasks: dict[str, Task] = {}
        # Every taskUUID a create reached with, refused or not: Runware answers a taskUUID it
        # already holds with `conflictTaskUUID`, whatever became of the first task.
        self.held: set[str] = set()
        self.faults = Faults()
        self.seen = Seen()
        self._lock = threading.Lock()
        self.cdn = FakeServer(self._cdn_handler())
        super().__init__(self._handler())

    def start(self):
        self.cdn.start()
        return super().start()

    def stop(self) -> None:
        self.cdn.stop()
        super().stop()

    # ------------------------------------------------------------------ contract

    def check_inference(self, task: dict) -> dict | None:
        """A task error for a documented refusal, else None; contract breaks are recorded."""
        problems = []
        unknown = set(task) - TASK_KEYS
        if unknown:
            problems.append(f"unknown keys {sorted(unknown)}")
        if not UUID4.match(str(task.get("taskUUID", ""))):
            problems.append("taskUUID is not a UUID v4")
        for key, wanted in (("deliveryMethod", "async"), ("outputType", "URL")):
            if task.get(key) != wanted:
                problems.append(f"{key} must be {wanted}")
        if task.get("outputFormat") not in ("MP4", "WEBM", "MOV"):
            problems.append("outputFormat")
        if task.get("includeCost") is not True:
            problems.append("includeCost should be true")
        if not 1 <= int(task.get("numberResults", 1)) <= 4:
            problems.append("numberResults 1-4")
        if "outputQuality" in task and not 20 <= task["outputQuality"] <= 99:
            problems.append("outputQuality 20-99")
        prompt = task.get("positivePrompt")
        if not isinstance(prompt, str) or not 2 <= len(prompt) <= 6000:
            problems.append("positivePrompt must be 2-6000 characters")
        inputs = task.get("inputs") or {}
        model = MODELS.get(task.get("model"))
        if model is None:
            problems.append(f"model {task.get('model')} unknown to the fake")
            model = {}
        frames = inputs.get("frameImages") or []
        for frame in frames:
            if frame.get("frame") not in ("first", "last") or not str(
                frame.get("image", "")
            ).startswith(("data:image/", "http")):
                problems.append("frameImages entry")
        if "videoId" in inputs:
            if {"width", "height"} & set(task) or frames:
                problems.append("remix must not send width, height or frame images")
        elif "resolutions" in model:
            if task.get("resolution") not in model["resolutions"]:
                problems.append(f"resolution {task.get('resolution')}")
            if {"width", "height"} & set(task):
                problems.append("width/height sent to a resolution model")
        elif frames and model.get("frames_set_size"):
            if {"width", "height"} & set(task):
                problems.append("width/height sent with frame images")
        elif "sizes" in model and (task.get("width"), task.get("height")) not in model["sizes"]:
            problems.append(f"size {task.get('width')}x{task.get('height')}")
        if (
            model.get("provider_settings_need_references")
            and "providerSettings" in task
            and not inputs.get("referenceImages")
        ):
            problems.append("providerSettings sent without inputs.referenceImages")
        if "audio" in model:
            node = task
            for name in model["audio"]:
                node = node.get(name) if isinstance(node, dict) else None
            if not isinstance(node, bool):
                problems.append(f"audio switch {'.'.join(model['audio'])} missing")
        self.seen.violations.extend(problems)
        if model and task.get("duration") not in model.get("durations", {task.get("duration")}):
            return {
                "code": "unsupportedDuration",
                "message": "Unsupported duration.",
                "parameter": "duration",
                "allowedValues": sorted(model["durations"]),
                "taskType": "videoInference",
                "taskUUID": task.get("taskUUID"),
            }
        return None

    def _cdn_handler(self):
        fake = self

        class Handler(JSONHandler):
            def do_GET(self):
                fake.seen.downloads.append(dict(self.headers))
                path = urlsplit(self.path).path
                match = re.match(r"^/media/([0-9a-f-]+)\.mp4$", path)
                task = fake.tasks.get(match.group(1)) if match else None
                faults = fake.faults
                if task is None or faults.expire_content:
                    return self._send(404, {"error": "not found"})
                if faults.cdn_rate_limit > 0:
                    faults.cdn_rate_limit -= 1
                    value = faults.retry_after_value or str(faults.retry_after)
                    return self._send(429, {"error": "slow down"}, {"Retry-After": value})
                if faults.cdn_redirect_to:
                    location = f"{faults.cdn_redirect_to}/{task.uuid}.mp4"
                    return self._send(302, raw=b"", headers={"Location": location})
                self._send(200, raw=fake.video_bytes, content_type="video/mp4")

        return Handler

    def _handler(self):
        fake = self

        class Handler(JSONHandler):
            def do_POST(self):
                if urlsplit(self.path).path != "/v1":
                    return self._send(404, {"errors": [{"code": "notFound"}]})
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    return self._send(
                        401, {"errors": [{"code": "invalidApiKey", "message": "Invalid API key"}]}
                    )
                faults = fake.faults
                if faults.rate_limit > 0:
                    faults.rate_limit -= 1
                    return self._send(
                        429,
                        {"errors": [{"code": "rateLimitExceeded", "message": "Too many requests"}]},
                        headers={
                            "Retry-After": faults.retry_after_value or str(faults.retry_after)
                        },
                    )
                if faults.malformed > 0:
                    faults.malformed -= 1
                    return self._send(200, raw=b"<html>oops")
                if faults.slow_seconds:
                    delay, faults.slow_seconds = faults.slow_seconds, 0.0
                    time.sleep(delay)
                try:
                    tasks = json.loads(raw)
                except ValueError:
                    fake.seen.violations.append("body is not JSON")
                    return self._send(400, {"errors": [{"code": "invalidJSON"}]})
                fake.seen.bodies.append(tasks)
                if not isinstance(tasks, list):
                    fake.seen.violations.append("body is not an array of tasks")
                    return self._send(400, {"errors": [{"code": "invalidBody"}]})
                data, errors = [], []
                for task in tasks:
                    kind = task.get("taskType")
                    if kind == "videoInference":
                        outcome = self._inference(task)
                        if outcome is None:
                            return None  # connection dropped or status answered
                        (data if "error" not in outcome else errors).append(
                            outcome.get("error", outcome)
                        )
                    elif kind == "getResponse":
                        found = fake.tasks.get(task.get("taskUUID"))
                        if found is None:
                            errors.append(
                                {
                                    "code": "taskNotFound",
                                    "message": "Task not found",
                                    "taskType": "getResponse",
                                    "taskUUID": task.get("taskUUID"),
                                }
                            )
                            continue
                        found.polls += 1
                        item = found.response(fake.cdn.root, not fake.faults.omit_status)
                        (errors if item.get("status") == "error" else data).append(item)
                    else:
                        fake.seen.violations.append(f"taskType {kind}")
                status = (
                    400
                    if errors and not data and any(e.get("code") in REFUSED_WHOLE for e in errors)
                    else 200
                )
                body = {}
                if data:
                    body["data"] = data
                if errors:
                    body["errors"] = errors
                self._send(status, body)

            def _inference(self, task):
                faults = fake.faults
                if faults.create_status:
                    status, faults.create_status = faults.create_status, None
                    self._send(status, {"errors": [{"code": "error", "message": "fault"}]})
                    return None
                task_uuid = str(task.get("taskUUID"))
                with fake._lock:
                    if task_uuid in fake.held:
                        fake.seen.conflicts.append(task_uuid)
                        return {
                            "error": {
                                "code": "conflictTaskUUID",
                                "message": "A task with this taskUUID already exists.",
                                "parameter": "taskUUID",
                                "taskType": "videoInference",
                                "taskUUID": task_uuid,
                            }
                        }
                    fake.held.add(task_uuid)
                if faults.create_errors:
                    errors, faults.create_errors = faults.create_errors, None
                    self._send(400, {"errors": errors})
                    return None
                if faults.refuse_then_drop:
                    faults.refuse_then_drop = None
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                refusal = fake.check_inference(task)
                fake.seen.creates.append(task)
                if refusal:
                    return {"error": refusal}
                with fake._lock:
                    if task["taskUUID"] in fake.tasks:
                        fake.seen.violations.append("the same taskUUID was sent twice")
                    fake.tasks[task["taskUUID"]] = Task(
                        task["taskUUID"],
                        task,
                        faults.polls_to_finish,
                        fail_with=faults.fail_task_with,
                        cost=faults.cost,
                    )
                if faults.drop_after_create:
                    faults.drop_after_create = False
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                return {"taskType": "videoInference", "taskUUID": task["taskUUID"]}

        return Handler
