"""What the operators' Providers page shows: which providers are configured, where they point,
which models they offer (never a key), and a connection test in words."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from generation import catalog
from generation.providers import ProviderError, get_provider

PROVIDER_NAMES = ("animatic", "openai", "runware")


def overview() -> list[dict[str, Any]]:
    """Each provider: configured or not, where it points, which models it offers. Keys are
    never included."""
    configured = catalog.configured_providers()
    where = {
        "animatic": "this machine",
        "openai": settings.OPENAI_BASE_URL,
        "runware": settings.RUNWARE_BASE_URL,
    }
    return [
        {
            "name": name,
            "label": catalog.PROVIDER_LABELS[name],
            "configured": name in configured,
            "where": where[name],
            "models": [
                m.label
                for m in catalog.MODELS.values()
                if any(r.provider == name for r in m.usable_routes())
            ],
        }
        for name in PROVIDER_NAMES
    ]


def test_connection(name: str) -> tuple[bool, str]:
    if name not in PROVIDER_NAMES:
        raise ProviderError("Unknown provider.", code="unknown_provider", permanent=True)
    return get_provider(name).test_connection()
