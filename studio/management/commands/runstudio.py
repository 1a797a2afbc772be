"""Start the django-q2 cluster and the web server together; Ctrl-C (SIGINT) or SIGTERM stops
both within STOP_TIMEOUT seconds, whether run in a terminal or detached."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from studio.management import first_login

STOP_TIMEOUT = 4.0  # then whatever still runs is killed, with its own children


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
        shown = False

        def interrupt(*_):
            raise KeyboardInterrupt

        # Both signals stop the studio, even where SIGINT arrives ignored (a detached run
        # inherits SIG_IGN for it from the shell).
        signal.signal(signal.SIGINT, interrupt)
        signal.signal(signal.SIGTERM, interrupt)
        try:
            while all(child.poll() is None for child in children):
                if not shown and _answers(addrport):
                    shown = True
                    self.stdout.write(_welcome(addrport))
                    self.stdout.flush()
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            _stop(children)
        self.stdout.write("Reelroom stopped.")
        clean = (0, -signal.SIGTERM, -signal.SIGINT, -signal.SIGKILL)
        if any(c.returncode not in clean for c in children):
            raise SystemExit(1)


def _answers(addrport: str) -> bool:
    host, _, port = addrport.rpartition(":")
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host or "127.0.0.1", int(port))) == 0


def _welcome(addrport: str) -> str:
    """Last on the screen once the studio answers: where it is and how to log in."""
    kept = first_login.take()
    username = kept[0] if kept else os.environ.get("STUDIO_OWNER_USERNAME", "owner")
    url = os.environ.get("STUDIO_BASE_URL") or f"http://{addrport}/"  # the public address, if set
    text = first_login.box(username, kept[1] if kept else None, url)
    return text + "Ctrl-C stops the studio (web server and workers).\n"


def _stop(children: list[subprocess.Popen]) -> None:
    """SIGTERM to each child (the children may ignore SIGINT when detached): the cluster lets
    its workers finish, the web server exits. Past the deadline, a child's whole process group
    is killed: a take a worker held is picked up again by the sweep."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
