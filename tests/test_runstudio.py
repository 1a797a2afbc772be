"""`make run`'s entry point: setup_studio, then runstudio starts the cluster and the web server
together; /healthz answers 200 while the cluster runs, and Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_sets_up_once_and_serves_with_a_live_cluster(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_SETTINGS_MODULE="studio.settings", STUDIO_VAR_DIR=str(tmp_path))
    manage = [sys.executable, "manage.py"]

    def run(*args):
        return subprocess.run(
            [*manage, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    assert run("migrate", "--noinput").returncode == 0
    first = run("setup_studio", "--defer-login")
    again = run("setup_studio", "--defer-login")
    assert "the login shows once the studio is up" in first.stdout
    assert "password " not in first.stdout and "exists" in again.stdout  # not shown yet
    assert oct((tmp_path / "first-login.json").stat().st_mode & 0o777) == "0o600"

    port = free_port()
    proc = subprocess.Popen(
        [*manage, "runstudio", "--addrport", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lines: list[bytes] = []
    boxed = threading.Event()

    def read():
        for line in proc.stdout:
            lines.append(line)
            if "┘".encode() in line:
                boxed.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                if health.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        assert health is not None and health.status_code == 200, health and health.text
        assert health.json()["checks"]["queue"]["clusters"] >= 1
        login = httpx.get(f"http://127.0.0.1:{port}/", timeout=5, follow_redirects=True)
        assert login.status_code == 200 and "Log in to Reelroom" in login.text
        assert boxed.wait(timeout=15), "the login box was not printed"
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
        reader.join(timeout=5)
    assert proc.returncode == 0
    out = b"".join(lines).decode()
    box = out[out.index("┌") : out.index("┘") + 1]
    assert f"http://127.0.0.1:{port}/" in box and "Log in as owner, password " in box
    assert "manage.py changepassword owner" in box
    password = box.split("password ", 1)[1].split()[0]
    assert "Reelroom is ready" in box and len(password) >= 12
    assert not (tmp_path / "first-login.json").exists()  # shown once, then forgotten
    assert out.rindex("┘") > out.rindex("Reelroom is ready")
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # the web server stopped too


def _start_detached(env, port):
    """As `make run &` or a service manager starts it: SIGINT arrives ignored."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "runstudio", "--addrport", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )


def _wait_until_serving(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError("the studio did not come up")


def test_sigterm_and_sigint_stop_everything_within_five_seconds(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_SETTINGS_MODULE="studio.settings", STUDIO_VAR_DIR=str(tmp_path))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
        capture_output=True, timeout=120,
    )  # fmt: skip
    for signum in (signal.SIGTERM, signal.SIGINT):
        port = free_port()
        proc = _start_detached(env, port)
        try:
            _wait_until_serving(port)
            started = time.monotonic()
            os.kill(proc.pid, signum)
            proc.wait(timeout=10)
            took = time.monotonic() - started
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        assert proc.returncode == 0, signum
        assert took < 5, f"{signum!r} took {took:.1f} s"
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0
        leftover = subprocess.run(
            ["pgrep", "-f", f"runserver 127.0.0.1:{port}"], capture_output=True, text=True
        )
        assert leftover.stdout == ""


def test_sigterm_to_the_process_group_stops_the_cluster_gracefully_within_five_seconds(tmp_path):
    """`make run` stopped by SIGTERM to its process group (a service manager, `kill -- -PGID`):
    a sweep (then a task up to 8 s long) used to hold the graceful stop until runstudio's
    deadline killed it. A stopping cluster's sweeper ends at once, so the cluster stops by
    itself ("has stopped") and everything is gone well within 5 s."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_SETTINGS_MODULE="studio.settings", STUDIO_VAR_DIR=str(tmp_path))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
        capture_output=True, timeout=120,
    )  # fmt: skip
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "runstudio", "--addrport", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        _wait_until_serving(port)
        deadline = time.monotonic() + 20
        while "first pass" not in log.read_text():  # the sweeper is running
            assert time.monotonic() < deadline, "the sweeper did not start"
            time.sleep(0.1)
        started = time.monotonic()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    text = log.read_text()
    assert proc.returncode == 0
    assert took < 5, f"the group took {took:.1f} s to stop"
    assert "has stopped" in text, text[-2000:]  # graceful, not killed at the deadline
