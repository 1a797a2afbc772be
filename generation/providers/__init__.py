"""Provider adapters, one class per integration, registered by name."""

from __future__ import annotations

from generation.providers.base import Provider, ProviderError


def get_provider(name: str) -> Provider:
    from generation.providers.animatic import AnimaticProvider
    from generation.providers.openai import OpenAIProvider

    registry: dict[str, type[Provider]] = {
        AnimaticProvider.name: AnimaticProvider,
        OpenAIProvider.name: OpenAIProvider,
    }
    try:
        return registry[name]()
    except KeyError:
        raise ProviderError(
            f"Reelroom has no provider called {name!r}.", code="unknown_provider", permanent=True
        ) from None


__all__ = ["Provider", "ProviderError", "get_provider"]
