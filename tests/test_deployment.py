"""The deployment stack: docker-compose.yml and the Procfile say what docs/configuration.md
says, the production settings load with the compose environment, and gunicorn serves the
studio."""

from __future__ import annotations

import json
import os
import re
import secrets as secrets_module
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker")


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _documented() -> set[str]:
    text = (ROOT / "docs" / "configuration.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def _app_environment() -> dict[str, str]:
    env = _compose()["services"]["web"]["environment"]
    return {name: str(value) for name, value in env.items()}


def test_the_stack_has_every_service_and_two_workers():
    services = _compose()["services"]
    assert set(services) >= {"postgres", "redis", "minio", "bucket", "migrate", "web", "worker"}
    assert services["worker"]["deploy"]["replicas"] == 2
    assert "qcluster" in services["worker"]["command"]
    assert "studio.wsgi" in services["web"]["command"]
    assert "gunicorn" in services["web"]["command"][0]
    migrate = " ".join(services["migrate"]["command"])
    assert "manage.py migrate" in migrate and "collectstatic" in migrate
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    bucket = " ".join(services["bucket"]["command"])
    assert "mc mb" in bucket and "anonymous set none" in bucket  # created, and private


def test_every_variable_of_the_stack_is_documented():
    documented = _documented()
    for service in APP_SERVICES:
        names = set(_compose()["services"][service]["environment"])
        assert names - documented == set(), f"{service} uses undocumented variables"
    for required in ("DJANGO_ENV", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL",
                     "STUDIO_S3_BUCKET", "REDIS_URL"):  # fmt: skip
        assert required in _app_environment()


def test_the_procfile_runs_gunicorn_the_cluster_and_migrations():
    lines = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert lines["web"].startswith("gunicorn studio.wsgi")
    assert lines["worker"] == "python manage.py qcluster"
    assert "migrate" in lines["release"]


def _resolved(value: str) -> str:
    """A compose value with its ${VAR:-default} / ${VAR:?error} filled for the test."""
    secrets = {"DJANGO_SECRET_KEY": secrets_module.token_urlsafe(50), "MINIO_ROOT_PASSWORD": "m"}

    def fill(match):
        name, default = match.group(1), match.group(3) or ""
        return secrets.get(name, default if match.group(2) == ":-" else "x")

    return re.sub(r"\$\{(\w+)(:-|:\?)?([^}]*)\}", fill, value)


def test_the_production_settings_load_with_the_stacks_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STUDIO_"))}
    env.update({name: _resolved(value) for name, value in _app_environment().items()})
    env.update(STUDIO_VAR_DIR=str(tmp_path / "var"), STUDIO_STATIC_ROOT=str(tmp_path / "s"))
    result = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from django.conf import settings as s; "
         "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.STORAGES['default']['BACKEND'], "
         "s.Q_CLUSTER.get('orm'))"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "studio.settings"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [
        "False", "django.db.backends.postgresql", "generation.s3storage.MediaStorage", "default",
    ]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _first_answer(url: str, **options) -> httpx.Response:
    """The first answer of a server that is starting (30 s at most)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(url, timeout=2, **options)
        except httpx.TransportError:
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)


def test_gunicorn_serves_the_studio(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STUDIO_"))}
    env.update(STUDIO_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="studio.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=120)  # fmt: skip
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "studio.wsgi", f"--bind=127.0.0.1:{port}", "--workers=2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        response = _first_answer(f"http://127.0.0.1:{port}/login/")
        assert response.status_code == 200 and "Log in" in response.text
        assert httpx.get(f"http://127.0.0.1:{port}/static/css/studio.css").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_collectstatic_runs_with_the_production_settings_and_gunicorn_serves_its_files(tmp_path):
    """The release step (Procfile) and compose's migrate step run collectstatic with the
    manifest storage; a vendored file naming a source map that is not there made it fail, so
    the documented deployment never started."""
    static_root = tmp_path / "static"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STUDIO_"))}
    env.update({name: _resolved(value) for name, value in _app_environment().items()})
    env.update(
        STUDIO_VAR_DIR=str(tmp_path / "var"), STUDIO_STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="studio.settings", DJANGO_SECURE_SSL_REDIRECT="false",
    )  # fmt: skip
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr[-3000:]
    hashed = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    player = hashed["vendor/plyr/plyr.min.js"]
    assert player != "vendor/plyr/plyr.min.js" and (static_root / player).exists()
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "studio.wsgi", f"--bind=127.0.0.1:{port}", "--workers=1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/static/{hashed['css/studio.css']}"
        response = _first_answer(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and ".btn" in response.text
        assert "immutable" in response.headers["cache-control"]  # whitenoise: a hashed name
        assert response.headers.get("content-encoding") == "gzip"  # its compressed copy
        played = httpx.get(f"http://127.0.0.1:{port}/static/{player}", timeout=5)
        assert played.status_code == 200 and "sourceMappingURL" not in played.text
    finally:
        server.terminate()
        server.wait(timeout=15)
