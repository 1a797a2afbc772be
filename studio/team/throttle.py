"""Who the client is, how often it may try and how much it may hold at once: one approach for
the whole studio.

Logins are django-axes' (settings.AXES_*); guest-link passwords use django-ratelimit, keyed by
the same client address. Unknown guest tokens are not counted at all: a token has 192 random
bits and is looked up by its hash, so refusing one is cheap, and counting them would let one
visitor's typo lock every valid link out for everyone behind the same address.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django_ratelimit.core import get_usage, is_ratelimited


def client_ip(request) -> str:
    """The client's address. Behind the TLS proxy of a production setup, the proxy appends the
    real client to X-Forwarded-For; its last entry is the one the proxy vouches for."""
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return forwarded.split(",")[-1].strip()
    # No address at all (a login made in code, as a test client's force_login): an address all
    # the same, since axes keeps it in an IP column that PostgreSQL checks.
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


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


def guest_write_blocked(request, link_pk: int) -> bool:
    """Counts one comment or decision through a guest link; True when the link has written as
    much as it may this hour (a leaked link cannot flood the team with mail)."""
    return is_ratelimited(
        request,
        group="guest-writes",
        key=lambda _group, _request: str(link_pk),
        rate=settings.STUDIO_GUEST_WRITE_RATE,
        increment=True,
    )


# --------------------------------------------------------------------------- guest downloads

SLOT_SECONDS = 60  # a slot whose download stopped without a word (a killed worker) frees itself
KEEP_EVERY = 10.0  # a running download renews its slot this often


class DownloadSlot:
    """One of the few package downloads a guest link may have running at once (held in the
    shared cache, so the limit holds across web processes). A running download renews it as
    its bytes go out; closing the response frees it."""

    def __init__(self, key: str):
        self.key = key
        self.kept_at = time.monotonic()

    def keep(self) -> None:
        now = time.monotonic()
        if now - self.kept_at >= KEEP_EVERY:
            cache.touch(self.key, SLOT_SECONDS)
            self.kept_at = now

    def release(self) -> None:
        cache.delete(self.key)


def _download_rate(link_pk: int) -> dict:
    """The hourly limit of one link's package downloads (django-ratelimit's arguments)."""
    return {
        "group": "guest-download",
        "key": lambda _group, _request: str(link_pk),
        "rate": settings.STUDIO_GUEST_DOWNLOAD_RATE,
    }


def guest_download_refused(request, link_pk: int) -> int | None:
    """Seconds to wait before this link's package may be downloaded again (its hourly limit is
    reached), or None when it may be now."""
    usage = get_usage(request, increment=False, **_download_rate(link_pk))
    if usage is not None and usage["count"] >= usage["limit"]:
        return max(1, int(usage["time_left"]))
    return None


def take_download_slot(request, link_pk: int) -> DownloadSlot | None:
    """A slot for one more download of the link's package, counted against its rate; None when
    every slot is in use."""
    with _TAKING:
        taken = _first_free_slot(link_pk)
    if taken is None:
        return None
    is_ratelimited(request, increment=True, **_download_rate(link_pk))
    return DownloadSlot(taken)


# cache.add is atomic across processes on Redis (SET NX); the file cache of a single-machine
# run checks, then writes. Taking slots one thread at a time per process closes that gap
# between a process's threads (a web process serves several downloads at once).
_TAKING = threading.Lock()


def _first_free_slot(link_pk: int) -> str | None:
    for n in range(settings.STUDIO_GUEST_DOWNLOADS_AT_ONCE):
        key = f"guest-download:{link_pk}:{n}"
        if cache.add(key, 1, SLOT_SECONDS):
            return key
    return None


class HeldWhileStreaming:
    """A streamed body that holds its download slot while its bytes go out, and frees it when
    the response is closed (finished, or the client went away)."""

    def __init__(self, body, slot: DownloadSlot):
        self.body = body
        self.slot = slot

    def __iter__(self):
        for chunk in self.body:
            self.slot.keep()
            yield chunk

    def close(self) -> None:
        self.slot.release()
