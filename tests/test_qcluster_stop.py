"""A worker cluster stops within 10 seconds however it is signalled: SIGTERM to its pid (docker
stop, systemd KillMode=mixed) or to its whole process group (systemd's default, a terminal's
Ctrl-C), even while a task runs long; nothing of it is left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LONG_TASK = "from django_q.tasks import async_task; async_task('time.sleep', 120, task_name='long')"


def _env(tmp_path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "STUDIO_", "REDIS_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="studio.settings", STUDIO_VAR_DIR=str(tmp_path / "var"))
    return env


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


@pytest.mark.parametrize(
    ("target", "busy"), [("group", True), ("pid", False)], ids=["group-long-task", "pid-idle"]
)
def test_the_cluster_stops_within_ten_seconds(tmp_path, target, busy):
    env = _env(tmp_path)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    if busy:
        subprocess.run(
            [*manage, "shell", "-c", LONG_TASK], cwd=ROOT, env=env, check=True, timeout=60
        )
    cluster = subprocess.Popen(
        [*manage, "qcluster"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        wanted = "processing long" if busy else "ready for work"
        for line in cluster.stdout:  # the cluster's own log says when it is working
            if wanted in line:
                break
        group = os.getpgid(cluster.pid)
        members = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
                   and _pgid(p) == group]  # fmt: skip
        started = time.monotonic()
        if target == "group":
            os.killpg(group, signal.SIGTERM)
        else:
            cluster.send_signal(signal.SIGTERM)
        cluster.wait(timeout=15)
        took = time.monotonic() - started
    finally:
        if cluster.poll() is None:
            os.killpg(cluster.pid, signal.SIGKILL)
    print(f"cluster stopped {took:.1f} s after SIGTERM to its {target}")
    assert took < 10
    assert cluster.returncode in (0, -signal.SIGTERM)
    time.sleep(0.2)  # the kernel reaps orphans asynchronously
    left = [pid for pid in members if _alive(pid)]
    assert left == [], [Path(f"/proc/{p}/cmdline").read_bytes() for p in left]


def _pgid(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[3])
    except (OSError, ValueError, IndexError):
        return None
