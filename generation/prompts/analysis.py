"""Everything the editor shows about a prompt for a model, computed once: the compiled text,
what was adapted, lint, the catalog's verdict and the cost against the budget."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generation import budget, catalog
from generation.prompts.compile import compile_prompt
from generation.prompts.lint import lint
from generation.prompts.structure import BrandKit, Compiled, Lint, wants_sound


@dataclass
class Analysis:
    compiled: Compiled
    lints: list[Lint]
    problems: list[catalog.Problem]
    prompt_max: int | None
    quote: budget.Quote

    @property
    def text(self) -> str:
        return self.compiled.text

    @property
    def errors(self) -> list[Lint]:
        return [item for item in self.lints if item.level == "error"]

    def by_field(self) -> dict[str, list[Lint]]:
        grouped: dict[str, list[Lint]] = {}
        for item in self.lints:
            grouped.setdefault(item.field, []).append(item)
        return grouped


def analyse(
    prompt: dict[str, Any],
    *,
    model_key: str,
    size: str,
    seconds: int,
    brand: BrandKit,
    budget_limit: Decimal | None,
    budget_account: int | None,
    image_size: tuple[int, int] | None = None,
    variations: int = 1,
) -> Analysis:
    model = catalog.get(model_key) or catalog.require(catalog.DEFAULT_MODEL)
    compiled = compile_prompt(prompt, model, brand)
    route = model.preferred_route() or model.routes[0]
    problems = [
        p
        for p in catalog.validate(model_key, size, seconds, compiled.text, image_size=image_size)
        # the prompt's length is reported by lint, beside the field, with the same numbers
        if p.field != "prompt" or not compiled.text.strip()
    ]
    lints = lint(prompt, model, seconds, compiled.text, brand, prompt_max=route.prompt_max)
    quote = budget.quote(
        model.key,
        size,
        seconds,
        audio=wants_sound(prompt, model),
        variations=variations,
        limit=budget_limit,
        account=budget_account,
    )
    return Analysis(compiled, lints, problems, route.prompt_max, quote)
