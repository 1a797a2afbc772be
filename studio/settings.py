"""Reelroom settings, driven by environment variables with safe local defaults.

Every variable is listed in docs/configuration.md. The local default needs nothing: SQLite,
django-q2's ORM broker, media under var/, the animatic provider. ``DJANGO_ENV=production``
refuses to start without the essentials.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from studio.env import (
    BASE_DIR,
    LOCAL_SECRET_KEY,
    env,
    envbool,
    envint,
    envlist,
    parse_database_url,
    sqlite_database,
    strong_secret_key,
)

DJANGO_ENV = env("DJANGO_ENV", "local")
if DJANGO_ENV not in {"local", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'local' or 'production', not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    missing = [
        name
        for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")
        if not env(name)
    ]
    if missing:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production refuses to start without "
            + ", ".join(missing)
            + " (see docs/configuration.md)"
        )


if PRODUCTION and not strong_secret_key(env("DJANGO_SECRET_KEY")):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak for production: use at least 50 random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

VAR_DIR = Path(env("STUDIO_VAR_DIR", str(BASE_DIR / "var")))
if not PRODUCTION:
    VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("DJANGO_SECRET_KEY") or LOCAL_SECRET_KEY
DEBUG = envbool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")
STUDIO_BASE_URL = env("STUDIO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    # Before django_q: generation's `qcluster` (a stop that always ends) replaces django-q2's.
    "generation",
    "django_q",
    "axes",
    "csp",
    # The company's sign-in (OpenID Connect), by django-allauth: its account and social account
    # apps, and its OpenID Connect provider (studio/team/sso_provider.py adds the nonce).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # The API's reference page (Swagger UI) from ninja's own static files, never a CDN.
    "ninja",
    "studio",
]

MIDDLEWARE = [
    "studio.uploads.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are served by the studio itself (whitenoise): the product's run has DEBUG off.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Who and from where, for the audit log's entries written while a request is served.
    "studio.team.audit.AuditMiddleware",
    # django-axes last, as its documentation asks: it turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "studio.urls"
WSGI_APPLICATION = "studio.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "studio.context_processors.workspace",
            ],
        },
    }
]

if env("DATABASE_URL"):
    DATABASES = {"default": parse_database_url(env("DATABASE_URL"))}
else:
    DATABASES = {"default": sqlite_database(VAR_DIR / "reelroom.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("STUDIO_CACHE_PREFIX"),
        }
    }
else:
    # A file cache is shared by the web server and the workers on one machine, so the
    # cluster's heartbeat (kept in the cache by django-q2) is visible to /healthz.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "studio:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STUDIO_STATIC_ROOT", str(VAR_DIR / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise looks there first
MEDIA_ROOT = Path(env("STUDIO_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"


# Media: the team's S3 bucket when configured, a private local folder otherwise.
def s3_media_storage() -> dict:
    """django-storages' S3 backend from the STUDIO_S3_* variables: private objects, presigned
    preview URLs that live at most 15 minutes."""
    return {
        "BACKEND": "generation.s3storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": env("STUDIO_S3_BUCKET"),
            "endpoint_url": env("STUDIO_S3_ENDPOINT_URL") or None,
            "region_name": env("STUDIO_S3_REGION") or None,
            "access_key": env("STUDIO_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("STUDIO_S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": env("STUDIO_S3_ADDRESSING_STYLE") or None,
            "default_acl": "private",
            "signature_version": "s3v4",
            "querystring_auth": True,
            "querystring_expire": min(envint("STUDIO_PREVIEW_URL_SECONDS", 900), 900),
            "file_overwrite": False,
        },
    }


STUDIO_S3_BUCKET = env("STUDIO_S3_BUCKET")
if STUDIO_S3_BUCKET:
    _media_storage = s3_media_storage()
else:
    _media_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _media_storage,
    # Production serves hashed, compressed copies made by `collectstatic`; a local run serves
    # static/ as it is (no collectstatic needed).
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Request bodies: form fields are capped in memory by Django; an upload (a reference image of
# at most 20 MB) is refused from its Content-Length before anything is read, and again while it
# streams in, by studio.uploads.LimitedUploadHandler.


def media_origins() -> list[str]:
    """Where previews are loaded from: this site, and the bucket's host when takes live in S3
    (presigned URLs point the browser there)."""
    if not STUDIO_S3_BUCKET:
        return []
    if env("STUDIO_S3_ENDPOINT_URL"):
        parts = urlsplit(env("STUDIO_S3_ENDPOINT_URL"))
        origins = [f"{parts.scheme}://{parts.netloc}"]
        if env("STUDIO_S3_ADDRESSING_STYLE") != "path":
            origins.append(f"{parts.scheme}://{STUDIO_S3_BUCKET}.{parts.netloc}")
        return origins
    region = env("STUDIO_S3_REGION")
    hosts = [f"{STUDIO_S3_BUCKET}.s3.amazonaws.com"]
    if region:
        hosts.append(f"{STUDIO_S3_BUCKET}.s3.{region}.amazonaws.com")
    return [f"https://{host}" for host in hosts]


# Content-Security-Policy (django-csp): scripts and styles from this site only, no inline code
# or styles, media from this site and the bucket.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *media_origins()],
        "media-src": ["'self'", *media_origins()],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
STUDIO_MAX_UPLOAD_BYTES = envint("STUDIO_MAX_UPLOAD_MB", 21) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "studio.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

Q_CLUSTER: dict[str, Any] = {
    # Clusters with the same name share a queue; several studios on one Redis need their own.
    "name": env("STUDIO_QUEUE_NAME", "reelroom"),
    "workers": envint("STUDIO_WORKERS", 4),
    # timeout < retry: a task still running is never handed to a second worker.
    "timeout": envint("STUDIO_TASK_TIMEOUT", 300),
    "retry": envint("STUDIO_TASK_RETRY", 360),
    "max_attempts": 5,
    "catch_up": False,
    "save_limit": 500,
    "ack_failures": True,
    "poll": 0.2,  # the ORM broker looks for new tasks five times a second (each hop waits it)
    "cache": "default",
    "sync": envbool("STUDIO_QUEUE_SYNC", False),
    "label": "Queue",
}
if env("STUDIO_QUEUE_BROKER", "orm") == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("STUDIO_QUEUE_BROKER=redis needs REDIS_URL")
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Seconds to wait for a provider's answer (downloads get twice as long between chunks).
STUDIO_HTTP_TIMEOUT = envint("STUDIO_HTTP_TIMEOUT", 30)

# A take whose create had an unknown outcome is resent only when the provider still has no job
# this many seconds after the send (a create can arrive late).
STUDIO_RECONCILE_GRACE = envint("STUDIO_RECONCILE_GRACE", 60)

# Threads one sweep uses to poll providers at once (each provider also has its own limit).
STUDIO_SWEEP_THREADS = envint("STUDIO_SWEEP_THREADS", 4)

# /healthz reports the queue unhealthy when no cluster has reported for this long.
STUDIO_QUEUE_HEARTBEAT_MAX_AGE = envint("STUDIO_QUEUE_HEARTBEAT_MAX_AGE", 30)

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", False)
# Mail is sent from the queue, never from a request; a slow server still ends the task.
EMAIL_TIMEOUT = envint("DJANGO_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "Reelroom <reelroom@localhost>")

# Logins: django-axes locks a username from one address out after STUDIO_LOGIN_FAILURE_LIMIT
# failures, for STUDIO_LOGIN_LOCKOUT_MINUTES; staff can unlock in the admin (Access attempts)
# or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("STUDIO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("STUDIO_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "studio.team.throttle.client_ip"
AXES_USERNAME_FORM_FIELD = "username"

# Guest links (django-ratelimit, the same client address as above): wrong passwords are
# limited per link and address, and per link across addresses.
RATELIMIT_USE_CACHE = "default"
STUDIO_GUEST_PASSWORD_RATE = env("STUDIO_GUEST_PASSWORD_RATE", "5/15m")
STUDIO_GUEST_PASSWORD_LINK_RATE = env("STUDIO_GUEST_PASSWORD_LINK_RATE", "30/15m")
# Comments and decisions a guest link may write (all its visitors together).
STUDIO_GUEST_WRITE_RATE = env("STUDIO_GUEST_WRITE_RATE", "120/h")
# A guest link's package downloads: a few at a time (slow downloads of one link must not hold
# every web thread), and so many an hour.
STUDIO_GUEST_DOWNLOADS_AT_ONCE = envint("STUDIO_GUEST_DOWNLOADS_AT_ONCE", 2)
STUDIO_GUEST_DOWNLOAD_RATE = env("STUDIO_GUEST_DOWNLOAD_RATE", "20/h")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie: the token travels in hx-headers.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", True)
    if envbool("DJANGO_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"httpx": {"level": "WARNING"}, "botocore": {"level": "WARNING"}},
}

# The outside services (providers, chat, sign-in, …): their own module, read here.
from studio.settings_services import *  # noqa: E402, F403
