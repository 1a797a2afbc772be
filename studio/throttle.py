"""Who the client is, and how often it may try: one approach for the whole studio.

Logins are django-axes' (settings.AXES_*); guest-link passwords use django-ratelimit, keyed by
the same client address. Unknown guest tokens are not counted at all: a token has 192 random
bits and is looked up by its hash, so refusing one is cheap, and counting them would let one
visitor's typo lock every valid link out for everyone behind the same address.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import get_usage, is_ratelimited


def client_ip(request) -> str:
    """The client's address. Behind the TLS proxy of a production setup, the proxy appends the
    real client to X-Forwarded-For; its last entry is the one the proxy vouches for."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def _password_limits(link_pk: int):
    return (
        (
            "guest-password-ip",
            lambda _group, request: f"{link_pk}:{client_ip(request)}",
            settings.STUDIO_GUEST_PASSWORD_RATE,
        ),
        (
            "guest-password-link",
            lambda _group, _request: str(link_pk),
            settings.STUDIO_GUEST_PASSWORD_LINK_RATE,
        ),
    )


def guest_password_blocked(request, link_pk: int) -> bool:
    """Whether this visitor may not try another password for this link now."""
    for group, key, rate in _password_limits(link_pk):
        usage = get_usage(request, group=group, key=key, rate=rate, increment=False)
        if usage is not None and usage["count"] >= usage["limit"]:
            return True
    return False


def count_wrong_guest_password(request, link_pk: int) -> None:
    for group, key, rate in _password_limits(link_pk):
        is_ratelimited(request, group=group, key=key, rate=rate, increment=True)
