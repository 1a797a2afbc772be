"""What the operators' Providers page shows: which providers are configured, where they point,
which models they offer (never a key), and a connection test in words."""

from __future__ import annotations

from typing import Any

from generation import catalog
from generation.providers import ProviderError, get_provider


def overview() -> list[dict[str, Any]]:
    """Each provider: configured or not, where it points, which models it offers. Keys are
    never included."""
    return [
        {
            "name": provider.name,
            "label": provider.label,
            "configured": provider.configured,
            "where": provider.where,
            "models": [
                m.label
                for m in catalog.all_models()
                if any(r.provider == provider.name for r in m.usable_routes())
            ],
        }
        for provider in catalog.PROVIDERS.values()
    ]


def known(name: str) -> bool:
    return name in catalog.PROVIDERS


def test_connection(name: str) -> tuple[bool, str]:
    if not known(name):
        raise ProviderError("Unknown provider.", code="unknown_provider", permanent=True)
    return get_provider(name).test_connection()
