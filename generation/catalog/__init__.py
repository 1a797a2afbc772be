"""Every video model Reelroom knows, as data (rows), what a model is (specs), and the one
function that says whether a request is valid for it (validation).

The rows come from ../shared/PROVIDERS.md (checked 2026-11-22). Providers change sizes,
durations and prices often, so each row carries a source note and the date it was last checked;
correct the data in rows.py, not the code. Unsupported combinations are refused before anything is
sent.
"""

from generation.catalog.rows import MODELS
from generation.catalog.specs import (
    ANIMATIC,
    COMFY,
    OPENAI,
    PROVIDER_LABELS,
    PROVIDERS,
    RESOLUTION_FRAMES,
    RUNWARE,
    VIDEO_SERVER,
    Audio,
    Lifecycle,
    ProviderInfo,
    Route,
    VideoModel,
    ai_made,
    aspect_label,
    configured_providers,
    matches_aspect,
    parse_size,
    size_label,
    watermark,
)
from generation.catalog.validation import (
    DEFAULT_MODEL,
    Problem,
    all_models,
    get,
    offered_models,
    register,
    require,
    validate,
)

__all__ = [
    "ANIMATIC",
    "DEFAULT_MODEL",
    "MODELS",
    "OPENAI",
    "PROVIDER_LABELS",
    "PROVIDERS",
    "ProviderInfo",
    "ai_made",
    "all_models",
    "COMFY",
    "register",
    "RESOLUTION_FRAMES",
    "RUNWARE",
    "VIDEO_SERVER",
    "Audio",
    "Lifecycle",
    "Problem",
    "Route",
    "VideoModel",
    "aspect_label",
    "configured_providers",
    "get",
    "matches_aspect",
    "offered_models",
    "parse_size",
    "require",
    "size_label",
    "validate",
    "watermark",
]
