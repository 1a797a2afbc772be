"""Start the django-q2 cluster and the web server together; Ctrl-C stops both."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

STOP_TIMEOUT = 30


def _die_with_parent() -> None:
    """Children get SIGTERM if this process dies without stopping them (Linux)."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Command(BaseCommand):
    help = "Run the worker cluster and the web server together (the `make run` entry point)."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        manage = [sys.executable, "manage.py"]
        # Each child runs in its own session, so a Ctrl-C reaches only this process, which
        # then asks each child to stop exactly once (a second signal makes qcluster's own
        # shutdown fail).
        children = [
            subprocess.Popen(
                [*manage, command, *extra], start_new_session=True, preexec_fn=_die_with_parent
            )
            for command, extra in (("qcluster", []), ("runserver", [addrport, "--noreload"]))
        ]
        self.stdout.write(f"Reelroom is running on http://{addrport}/ — Ctrl-C stops it.")

        def interrupt(*_):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, interrupt)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)
            deadline = time.monotonic() + STOP_TIMEOUT
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        self.stdout.write("Reelroom stopped.")
        failed = [c for c in children if c.returncode not in (0, -signal.SIGINT)]
        if failed:
            raise SystemExit(1)
