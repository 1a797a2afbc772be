"""Provider adapters, one class per integration, registered by name."""

from __future__ import annotations

from generation.providers.animatic import AnimaticProvider
from generation.providers.base import Provider, ProviderError
from generation.providers.comfy import ComfyProvider
from generation.providers.openai import OpenAIProvider
from generation.providers.runware import RunwareProvider
from generation.providers.videoserver import VideoServerProvider

REGISTRY: dict[str, type[Provider]] = {
    AnimaticProvider.name: AnimaticProvider,
    ComfyProvider.name: ComfyProvider,
    OpenAIProvider.name: OpenAIProvider,
    RunwareProvider.name: RunwareProvider,
    VideoServerProvider.name: VideoServerProvider,
}


__all__ = ["REGISTRY", "Provider", "ProviderError", "get_provider"]


def get_provider(name: str) -> Provider:
    try:
        return REGISTRY[name]()
    except KeyError:
        raise ProviderError(
            f"Reelroom has no provider called {name!r}.", code="unknown_provider", permanent=True
        ) from None
