"""Webhook URLs of chat channels (and of API webhook endpoints: `check_endpoint`): which are
accepted, and how they are kept.

Accepted: https only, on the chat service's own hosts (Slack's incoming webhooks; Teams'
Workflows webhooks), resolving to public addresses only (checked when added and again before
every send: a name that later points inside the network is refused, server-side request
forgery). The retired Office 365 connector webhooks are refused with what to use instead.
The URL is a secret (whoever has it can post to the channel): it is sealed with a key derived
from DJANGO_SECRET_KEY and never shown again; the page shows its host and last characters."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import socket
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError

from studio.models import ChannelKind

HOSTS: dict[str, tuple[str, ...]] = {
    ChannelKind.SLACK: ("hooks.slack.com", "hooks.slack-gov.com"),
    # Workflows ("When a Teams webhook request is received"): Logic Apps and Power Platform.
    ChannelKind.TEAMS: (".logic.azure.com", ".environment.api.powerplatform.com"),
}
RETIRED = (".webhook.office.com", "outlook.office.com", "outlook.office365.com")


def _host_allowed(kind: str, host: str) -> bool:
    return any(host == h or (h.startswith(".") and host.endswith(h)) for h in HOSTS[kind])


def _public(host: str, port: int) -> bool:
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError):  # unknown, or not a name at all (UnicodeError)
        return False
    addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found}
    return bool(addresses) and all(a.is_global for a in addresses)


def _https(url: str, what: str) -> tuple[str, int] | None:
    """The host and port of `url` if it is https with no user name or password; None for
    127.0.0.1 where the test suite allows it (its fake services, and nothing else); else
    ValidationError saying why."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port or 443
    except ValueError:
        raise ValidationError("That is not a web address.") from None
    if settings.STUDIO_OUTGOING_ALLOW_LOOPBACK and host == "127.0.0.1":
        return None
    if parts.scheme != "https":
        raise ValidationError(f"The {what} must start with https://.")
    if parts.username or parts.password:
        raise ValidationError(f"The {what} must not carry a user name or password.")
    return host, port


def check(kind: str, url: str) -> str:
    """The URL, if a channel of this kind may be sent to it; else ValidationError saying why."""
    url = url.strip()
    found = _https(url, "webhook URL")
    if found is None:
        return url
    host, port = found
    if kind == ChannelKind.TEAMS and any(host.endswith(r.lstrip(".")) for r in RETIRED):
        raise ValidationError(
            "Office 365 connector webhooks are retired. In Teams, add the workflow “Post to a "
            "channel when a webhook request is received” and paste its URL."
        )
    if not _host_allowed(kind, host):
        hosts = " or ".join(h.lstrip(".") for h in HOSTS[kind])
        label = ChannelKind(kind).label
        raise ValidationError(f"A {label} webhook URL is on {hosts}; this one is on {host}.")
    if not _public(host, port):
        raise ValidationError(f"{host} does not resolve to a public address.")
    return url


def check_endpoint(url: str) -> str:
    """The URL, if an API webhook may be sent to it: https, no user name or password, on a
    name that resolves to public addresses only; else ValidationError saying why."""
    url = url.strip()
    found = _https(url, "endpoint's URL")
    if found is not None and not _public(*found):
        raise ValidationError(f"{found[0]} does not resolve to a public address.")
    return url


def hint(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}/…{url.rstrip('/')[-4:]}"


def _fernet() -> Fernet:
    key = hashlib.sha256(f"reelroom.channel-url:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(url: str) -> str:
    return _fernet().encrypt(url.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The URL, or None when it cannot be read (DJANGO_SECRET_KEY changed: add it again)."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None
