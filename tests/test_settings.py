"""The settings module as it starts in production and locally, checked in fresh processes."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from generation.provenance import keys
from studio.settings import parse_database_url

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "x7!Qm2#pLr9$Vt4^Wz8&Kc1*Hs5(Jd3)Nf6_Bg0+Ya-Ue=Io~Pk;Rl:Tm,Sn.Vq/"


def manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_SETTINGS_MODULE="studio.settings", **env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "DJANGO_ALLOWED_HOSTS": "studio.example.com",
    "DATABASE_URL": "postgres://reelroom@127.0.0.1:5432/test",
}


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_an_essential(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"refuses to start without {missing}" in result.stderr


@pytest.mark.parametrize(
    "weak",
    [
        "short-but-secret",
        "a" * 60,
        "local-only-insecure-key-reelroom-do-not-use-in-production",
        "django-insecure-" + "k" * 50 + "x7!Qm2#pL",
    ],
)
def test_production_refuses_a_weak_secret_key(weak):
    result = manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": weak})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr
    assert weak not in result.stderr  # the key itself is never printed


def test_production_passes_the_deploy_check_without_warnings(tmp_path):
    # A signing certificate of its own (here a throwaway one, as a file and inline PEM).
    chain, key = keys.split(keys.make_bundle("Example Studio", "Example"))
    (tmp_path / "chain.pem").write_bytes(chain)
    signer = {"STUDIO_C2PA_CERT_CHAIN": str(tmp_path / "chain.pem"),
              "STUDIO_C2PA_PRIVATE_KEY": key.decode()}  # fmt: skip
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **signer)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    # With the local test signer, the deploy check says so.
    local = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert local.returncode != 0 and "reelroom.W001" in local.stderr + local.stdout
    assert key.decode().splitlines()[1] not in result.stderr + result.stdout  # never printed


def test_local_default_is_debug_on_sqlite():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], "
        "s.DATABASES['default']['OPTIONS']['transaction_mode'], s.Q_CLUSTER['orm'])",
    )
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", "IMMEDIATE", "default"]


def test_database_urls():
    pg = parse_database_url("postgres://u:p%40ss@db.local:6543/studio")
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "studio",
        "u",
        "p@ss",
        "db.local",
        "6543",
    )
    assert str(parse_database_url("sqlite:////tmp/x.db")["NAME"]) == "/tmp/x.db"
    assert parse_database_url("sqlite:///var/x.db")["NAME"] == ROOT / "var/x.db"
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        parse_database_url("mysql://u@h/db")


def test_no_migrations_are_missing(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
