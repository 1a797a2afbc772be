"""The studio as `make run` starts it: migrate, setup_studio, then runstudio (the django-q2
cluster and the web server) in child processes, on a throwaway var/ folder."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


_TEMPLATE: list[Path] = []


def _migrated_database(env: dict) -> Path:
    """A SQLite database with every migration applied, made once per test run."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="reelroom-migrated-"))
        atexit.register(shutil.rmtree, folder, True)
        done = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT, env={**env, "STUDIO_VAR_DIR": str(folder)}, capture_output=True,
            text=True, timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert not (folder / "reelroom.sqlite3-wal").exists()  # all of it in the file copied
        _TEMPLATE.append(folder / "reelroom.sqlite3")
    return _TEMPLATE[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StudioProcess:
    def __init__(self, var_dir: Path, password: str = "owner-password-for-tests"):
        self.password = password
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "STUDIO_", "OPENAI_", "RUNWARE_"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="studio.settings",
            STUDIO_VAR_DIR=str(var_dir),
            STUDIO_OWNER_PASSWORD=password,
        )
        self.process: subprocess.Popen | None = None
        self.log = var_dir / "studio.log"

    def manage(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )

    def start(self, timeout: float = 90) -> StudioProcess:
        # A database migrated once per test run, copied: `migrate` below then has nothing to
        # do but check (two seconds, not eight, for every studio a test starts).
        database = Path(self.env["STUDIO_VAR_DIR"]) / "reelroom.sqlite3"
        if not database.exists():
            database.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(_migrated_database(self.env), database)
        assert self.manage("migrate", "--noinput").returncode == 0
        setup = self.manage("setup_studio")
        assert setup.returncode == 0, setup.stderr
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runstudio", "--addrport", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the studio did not become healthy:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> int | None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode if self.process else None
