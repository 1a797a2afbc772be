"""The live models offered through Runware's `videoInference`, as data. Each row says where its
sizes, durations, tiers and prices come from and when they were checked: Runware's model pages
(runware.ai/docs/models/<slug>, "Pricing" and "Compatibility & Validation") and the typed params
of runware-sdk 1.8.0 (`runware/types/task_map.py`: the `resolution` and `duration` literals).
Where a page publishes no price, the row says so and the estimate says "price unknown": a
price is never guessed. `manage.py catalog_check` compares these rows with the installed SDK.
A flat charge per take on top of the seconds goes in `take_fee`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from generation.catalog.specs import RUNWARE, Route

D = Decimal
CHECKED = date(2026, 11, 22)
CHECKED_DEC = date(2026, 12, 1)
# Runware documents 2-6000 characters on its Sora pages; per-model limits for the live models
# were not in our sources, so the same bound is used and a provider refusal is explained.
RUNWARE_PROMPT_MAX = 6000
RUNWARE_LIMIT_NOTE = "Prompt limit from Runware's Sora pages; this model's own limit unpublished."
# Where Runware's own page for a model was not in our
# sources, the row says so: its sizes are the SDK's `resolution` values, its lengths are the
# maker's, and its price is unknown (the estimate says so, and a hard budget refuses it).
NO_PAGE = (
    " Runware's page for this model was not in our sources: sizes are runware-sdk 1.8.0's "
    "`resolution` values, lengths the maker's, price unknown."
)


def runware(air: str) -> Route:
    return Route(RUNWARE, air, 2, RUNWARE_PROMPT_MAX, note=RUNWARE_LIMIT_NOTE)


def flat(
    sizes: Iterable[str], no_audio: Decimal | None, with_audio: Decimal | None
) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    return {s: (no_audio, with_audio) for s in sizes}


def unpriced(sizes: Iterable[str]) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    return flat(sizes, None, None)
