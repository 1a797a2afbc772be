"""A webhook receiver on 127.0.0.1 that checks each message as the Standard Webhooks
specification says a receiver must (the `standardwebhooks` library's own verify: the
signature over id, timestamp and body with the endpoint's secret, and a timestamp within five
minutes), and answers as a test asks: at once, after a delay longer than the studio waits, or
500 a given number of times before it accepts."""

from __future__ import annotations

import json
import threading
import time

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.fakes.base import FakeServer, JSONHandler


class WebhookReceiver(FakeServer):
    def __init__(self, secret: str = ""):
        self.secret = secret
        self.fail_first = 0  # answer 500 to this many messages first
        self.delay = 0.0  # wait this long before answering
        self.received: list[dict] = []  # verified messages
        self.refused: list[str] = []  # why a message was not verified
        self.attempts = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(JSONHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.attempts += 1
                    failing = receiver.attempts <= receiver.fail_first
                if receiver.delay:
                    time.sleep(receiver.delay)
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError as error:
                    receiver.refused.append(str(error))
                    return self._send(400, {"error": "bad signature"})
                if failing:
                    return self._send(500, {"error": "not now"})
                receiver.received.append(
                    {"id": headers["webhook-id"], "payload": payload, "raw": json.loads(body)}
                )
                self._send(204, raw=b"")

        super().__init__(Handler)

    @property
    def hook_url(self) -> str:
        return f"{self.root}/hooks/reelroom"
