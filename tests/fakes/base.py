"""What the fake provider servers share: a threaded HTTP server on 127.0.0.1 and JSON replies."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JSONHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(
        self,
        status: int,
        body=None,
        headers=None,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ):
        data = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    # A provider's server takes connections as they come (Linux allows 4096 waiting): the
    # standard library's backlog of 5 would leave a burst of creates retransmitting their
    # requests for many seconds, even from a sender already killed — a create that reaches the
    # provider long after it was sent, which no real front end makes.
    request_queue_size = 1024


class FakeServer:
    """Serves `handler` on a free port of 127.0.0.1 until stopped."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        self.server = _Server(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.root}/v1"

    def start(self):
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FileHost(FakeServer):
    """A second host (a storage bucket, a CDN's origin) that a provider's download redirects
    to: serves `data` for any GET and records the headers each request came with, so a test
    can check that no API key travelled beyond the API's host."""

    def __init__(self, data: bytes, content_type: str = "video/mp4"):
        self.data = data
        self.headers: list[dict] = []
        host = self

        class Handler(JSONHandler):
            def do_GET(self):
                host.headers.append({k.lower(): v for k, v in self.headers.items()})
                self._send(200, raw=host.data, content_type=content_type)

        super().__init__(Handler)
