"""Settings of what the studio talks to outside itself: video providers, the optional language
model and speech endpoint, Content Credentials, provider webhooks, chat channels, the company's
sign-in, and the audit log's retention. Read by studio/settings.py (every variable is listed in
docs/configuration.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from studio.env import BASE_DIR, env, envbool, envint

VAR_DIR = Path(env("STUDIO_VAR_DIR", str(BASE_DIR / "var")))

# Providers. A model is offered when its provider is configured; the animatic needs nothing.
OPENAI_API_KEY = env("OPENAI_API_KEY")
OPENAI_BASE_URL = env("OPENAI_BASE_URL", "https://api.openai.com/v1").rstrip("/")
RUNWARE_API_KEY = env("RUNWARE_API_KEY")
RUNWARE_BASE_URL = env("RUNWARE_BASE_URL", "https://api.runware.ai/v1").rstrip("/")
OPENAI_WEBHOOK_SECRET = env("OPENAI_WEBHOOK_SECRET")
# The team's own GPUs (docs/providers.md "Your own GPUs"): ComfyUI backends speaking the Comfy
# API v2 (comfy-api-proxy in front of a ComfyUI, Comfy Cloud, a Comfy deployment), named in
# STUDIO_COMFY_BACKENDS as space-separated "name=url" pairs; each backend's bearer token in
# STUDIO_COMFY_TOKEN_<NAME> and how many jobs it runs at once in STUDIO_COMFY_JOBS_<NAME>
# (default 1: ComfyUI runs one prompt at a time). Operators' addresses: a LAN or loopback
# address is allowed here, as it is the point of a self-hosted GPU.


def comfy_backends(value: str) -> dict[str, dict]:
    backends: dict[str, dict] = {}
    for pair in value.split():
        name, _, url = pair.partition("=")
        name = name.strip().lower()
        if (
            not name
            or not url.startswith(("http://", "https://"))
            or "@" in url.split("/")[2]  # credentials go in STUDIO_COMFY_TOKEN_<NAME>
            or not name.isidentifier()
        ):
            raise ImproperlyConfigured(
                f"STUDIO_COMFY_BACKENDS: {pair!r} is not name=http(s)://host:port "
                "(a name of letters, digits and underscores)"
            )
        suffix = name.upper()
        jobs = envint(f"STUDIO_COMFY_JOBS_{suffix}", 1)
        if not 1 <= jobs <= 64:
            raise ImproperlyConfigured(f"STUDIO_COMFY_JOBS_{suffix} must be 1 to 64")
        backends[name] = {
            "url": url.rstrip("/"),
            "token": env(f"STUDIO_COMFY_TOKEN_{suffix}"),
            "jobs": jobs,
        }
    return backends


COMFY_BACKENDS = comfy_backends(env("STUDIO_COMFY_BACKENDS"))

# OpenAI-compatible video servers on the team's GPUs (vLLM-Omni and similar; docs/providers.md):
# STUDIO_VIDEO_SERVERS is a JSON list of {"name", "url" (up to /v1), "jobs", "models": [{"id",
# "label", "sizes", "seconds", "fps", "frame_rule", "fields", "multipart",
# "rate_per_gpu_second", "gpu_seconds_per_second"}]}; a server without "models" offers what its
# /models lists (read by the providers page's connection test) with the server's own "sizes",
# "seconds" and "fps". Each server's key in STUDIO_VIDEO_SERVER_KEY_<NAME>.


def video_servers(value: str) -> dict[str, dict]:
    try:
        listed = json.loads(value or "[]")
    except ValueError:
        raise ImproperlyConfigured("STUDIO_VIDEO_SERVERS must be a JSON list") from None
    servers: dict[str, dict] = {}
    for server in listed if isinstance(listed, list) else [None]:
        if not isinstance(server, dict) or not str(server.get("name", "")).isidentifier():
            raise ImproperlyConfigured("STUDIO_VIDEO_SERVERS: each server needs a name and a url")
        name = server["name"].lower()
        url = str(server.get("url", ""))
        if not url.startswith(("http://", "https://")) or "@" in url.split("/")[2]:
            raise ImproperlyConfigured(
                f"STUDIO_VIDEO_SERVERS: {name} needs an http(s) url without credentials (the "
                f"key goes in STUDIO_VIDEO_SERVER_KEY_{name.upper()})"
            )
        if name in servers or name in COMFY_BACKENDS:
            raise ImproperlyConfigured(f"STUDIO_VIDEO_SERVERS: the name {name} is used twice")
        servers[name] = {
            **server,
            "name": name,
            "url": server["url"].rstrip("/"),
            "token": env(f"STUDIO_VIDEO_SERVER_KEY_{name.upper()}"),
            "jobs": int(server.get("jobs", 1)),
            "models": server.get("models") or [],
        }
    return servers


VIDEO_SERVERS = video_servers(env("STUDIO_VIDEO_SERVERS"))
# The optional language model that plans shots from a brief (any OpenAI-compatible Chat
# Completions endpoint: OpenAI, a gateway, a local Ollama or vLLM). Unset: the built-in
# planner, offline.
STUDIO_LLM_BASE_URL = env("STUDIO_LLM_BASE_URL").rstrip("/")
STUDIO_LLM_API_KEY = env("STUDIO_LLM_API_KEY")
STUDIO_LLM_MODEL = env("STUDIO_LLM_MODEL")
STUDIO_LLM_TIMEOUT = float(env("STUDIO_LLM_TIMEOUT", "60"))
# A voice-over made by an OpenAI-compatible speech endpoint (`/v1/audio/speech`). Unset: the
# spot's voice is an uploaded recording, or the labelled offline scratch voice (eSpeak NG).
STUDIO_TTS_BASE_URL = env("STUDIO_TTS_BASE_URL").rstrip("/")
STUDIO_TTS_API_KEY = env("STUDIO_TTS_API_KEY")
STUDIO_TTS_MODEL = env("STUDIO_TTS_MODEL", "gpt-4o-mini-tts")
STUDIO_TTS_VOICE = env("STUDIO_TTS_VOICE", "alloy")
# Content Credentials (C2PA, docs/provenance.md). Bring your own signer: a certificate chain
# and its private key (a file's path, or the PEM itself), or the dotted path of a callable that
# returns a c2pa.Signer (a KMS); an optional RFC 3161 timestamp authority. Unset: a local CA and
# signer made in STUDIO_VAR_DIR/c2pa at setup — valid, but trusted by nobody (for testing).
STUDIO_C2PA_CERT_CHAIN = env("STUDIO_C2PA_CERT_CHAIN")
STUDIO_C2PA_PRIVATE_KEY = env("STUDIO_C2PA_PRIVATE_KEY")
STUDIO_C2PA_SIGNER = env("STUDIO_C2PA_SIGNER")
STUDIO_C2PA_ALG = env("STUDIO_C2PA_ALG", "es256")
STUDIO_C2PA_TSA_URL = env("STUDIO_C2PA_TSA_URL")
# Trust anchors (PEM) the studio verifies signatures against, e.g. the C2PA trust list.
STUDIO_C2PA_TRUST_ANCHORS = env("STUDIO_C2PA_TRUST_ANCHORS")
STUDIO_C2PA_DIR = Path(env("STUDIO_C2PA_DIR", str(VAR_DIR / "c2pa")))
# The public address providers can call back (webhooks make a take due at once; without it the
# sweep alone polls).
STUDIO_WEBHOOK_BASE_URL = env("STUDIO_WEBHOOK_BASE_URL").rstrip("/")

# The audit log (docs/security.md): entries are kept this many days (at least 30; the database
# refuses to delete anything younger), then purged daily.
STUDIO_AUDIT_RETENTION_DAYS = envint("STUDIO_AUDIT_RETENTION_DAYS", 730)
if STUDIO_AUDIT_RETENTION_DAYS < 30:
    raise ImproperlyConfigured("STUDIO_AUDIT_RETENTION_DAYS must be at least 30")

# Chat channels (Slack, Teams): at most one message per channel this often (seconds).
STUDIO_CHAT_INTERVAL = float(env("STUDIO_CHAT_INTERVAL", "1"))
# The API (docs/api.md): requests per token (django-ratelimit's "count/period"; 429 with
# Retry-After beyond it), and how long outgoing webhooks are retried before a delivery is
# given up (an endpoint failing for a whole day of it is disabled).
STUDIO_API_RATE = env("STUDIO_API_RATE", "1200/m")
STUDIO_WEBHOOK_TIMEOUT = float(env("STUDIO_WEBHOOK_TIMEOUT", "10"))
# Outgoing URLs (chat webhooks, API webhooks) may point at 127.0.0.1 only in the test suite
# (tests/settings.py); never set from the environment.
STUDIO_OUTGOING_ALLOW_LOOPBACK = False

# The company's sign-in (docs/configuration.md "Company sign-in"): an OpenID Connect provider
# (Okta, Entra ID, Google Workspace, Keycloak, …) through django-allauth. People who sign in
# with it join STUDIO_OIDC_WORKSPACE with the role their groups give (STUDIO_OIDC_ROLE_GROUPS,
# "group=role" pairs; the first that matches in the order owner, editor, reviewer, viewer
# wins); no matching group, no access. Roles follow the groups at every sign-in.
STUDIO_OIDC_ISSUER = env("STUDIO_OIDC_ISSUER").rstrip("/")
STUDIO_OIDC_CLIENT_ID = env("STUDIO_OIDC_CLIENT_ID")
STUDIO_OIDC_CLIENT_SECRET = env("STUDIO_OIDC_CLIENT_SECRET")
STUDIO_OIDC_NAME = env("STUDIO_OIDC_NAME", "your company")
STUDIO_OIDC_WORKSPACE = env("STUDIO_OIDC_WORKSPACE")
STUDIO_OIDC_SCOPES = env("STUDIO_OIDC_SCOPES", "openid profile email groups").split()
STUDIO_OIDC_GROUPS_CLAIM = env("STUDIO_OIDC_GROUPS_CLAIM", "groups")
STUDIO_OIDC_ROLE_GROUPS = dict(
    pair.strip().split("=", 1)
    for pair in env(
        "STUDIO_OIDC_ROLE_GROUPS",
        "reelroom-owners=owner,reelroom-editors=editor,reelroom-reviewers=reviewer,"
        "reelroom-viewers=viewer",
    ).split(",")
    if "=" in pair
)
if set(STUDIO_OIDC_ROLE_GROUPS.values()) - {"owner", "editor", "reviewer", "viewer"}:
    raise ImproperlyConfigured(
        "STUDIO_OIDC_ROLE_GROUPS maps groups to owner, editor, reviewer or viewer"
    )
# Password sign-in off for everyone but one break-glass account (an owner's username).
STUDIO_SSO_ONLY = envbool("STUDIO_SSO_ONLY", False)
STUDIO_SSO_BREAK_GLASS = env("STUDIO_SSO_BREAK_GLASS")
if STUDIO_SSO_ONLY and not (STUDIO_OIDC_ISSUER and STUDIO_SSO_BREAK_GLASS):
    raise ImproperlyConfigured(
        "STUDIO_SSO_ONLY needs the company sign-in (STUDIO_OIDC_ISSUER, …) and a break-glass "
        "owner account (STUDIO_SSO_BREAK_GLASS)"
    )


def company_sign_in(issuer: str, client_id: str, secret: str, name: str, scopes, **more) -> dict:
    """django-allauth's provider settings for the company's OpenID Connect provider."""
    app = {
        "provider_id": "company",
        "name": name,
        "client_id": client_id,
        "secret": secret,
        "settings": {"server_url": issuer, "scope": list(scopes), **more},
    }
    return {
        "openid_connect": {
            "provider_class": "studio.team.sso_provider.CompanyProvider",
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [app] if issuer else [],
        }
    }


SOCIALACCOUNT_PROVIDERS = company_sign_in(
    STUDIO_OIDC_ISSUER,
    STUDIO_OIDC_CLIENT_ID,
    STUDIO_OIDC_CLIENT_SECRET,
    STUDIO_OIDC_NAME,
    STUDIO_OIDC_SCOPES,
)
SOCIALACCOUNT_ADAPTER = "studio.team.sso.CompanySignIn"
ACCOUNT_ADAPTER = "studio.team.sso.Accounts"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # a sign-in starts from the login page's form (a POST)
ACCOUNT_EMAIL_VERIFICATION = "none"
