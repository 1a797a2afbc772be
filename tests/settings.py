"""Test settings: the real settings, with a throwaway var/ folder and tasks run inline."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("STUDIO_VAR_DIR", tempfile.mkdtemp(prefix="reelroom-test-"))

from studio.settings import *  # noqa: F403
from studio.settings import LOGGING, Q_CLUSTER, VAR_DIR

MEDIA_ROOT = Path(VAR_DIR) / "media"
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    },
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STUDIO_S3_BUCKET = ""
STUDIO_SWEEP_THREADS = 1
LOGGING = {
    **LOGGING,
    "loggers": {
        **LOGGING["loggers"],
        "django-q": {"level": "WARNING"},
        "werkzeug": {"level": "WARNING"},
    },
}
STUDIO_RECONCILE_GRACE = 0  # tests that need the grace period set it
# Every page the studio answers with is recorded and searched for secrets (tests/leaks.py).
MIDDLEWARE = ["tests.leaks.ResponseRecorder", *MIDDLEWARE]  # noqa: F405
# The fake Slack and Teams servers listen on 127.0.0.1 (studio.team.channel_urls).
STUDIO_OUTGOING_ALLOW_LOOPBACK = True
STUDIO_CHAT_INTERVAL = 0.02
