"""What the whole test run writes where a secret must never appear: log records, pages and
headers, task payloads, and every value written to the database (error messages, event details,
queued tasks). tests/conftest.py records each test's output and fails the test when a configured
key or webhook secret shows up in it (see tests/test_secrets.py)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

_local = threading.local()
_lock = threading.Lock()


@dataclass
class Recorder:
    texts: list[tuple[str, str]] = field(default_factory=list)  # (where, text)

    def add(self, where: str, text) -> None:
        with _lock:
            self.texts.append((where, str(text)))

    def leaks(self, secrets) -> list[str]:
        secrets = [s for s in secrets if s and len(s) >= 8]
        return [
            f"{where}: …{text[max(0, text.find(s) - 40) : text.find(s) + 8]}…"
            for where, text in self.texts
            for s in secrets
            if s in text
        ]


CURRENT = Recorder()


def reset() -> Recorder:
    global CURRENT
    CURRENT = Recorder()
    return CURRENT


class RecordingHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            CURRENT.add(f"log {record.name}", self.format(record))
        except Exception:
            CURRENT.add(f"log {record.name}", record.msg)


HANDLER = RecordingHandler()
HANDLER.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))


class ResponseRecorder:
    """Test-only middleware: every page and header the studio answers with."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        CURRENT.add(f"headers {request.path}", dict(response.items()))
        if not getattr(response, "streaming", False):
            CURRENT.add(f"page {request.path}", response.content.decode("utf-8", "replace"))
        return response


def record_task(sender, task, **kwargs) -> None:
    CURRENT.add(f"task {task.get('func')}", {k: task.get(k) for k in ("args", "kwargs", "name")})


def record_sql(execute, sql, params, many, context):
    if params and sql.lstrip()[:6].upper() in ("INSERT", "UPDATE"):
        CURRENT.add("database", params)
    return execute(sql, params, many, context)
