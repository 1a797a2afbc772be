"""The seed templates (the examples of the seed guides), as data in `data/templates.json`."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from generation.prompts.structure import normalize

SEED_TEMPLATES: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "templates.json").read_text(encoding="utf-8")
)


def template_prompt(key: str) -> dict[str, Any]:
    return normalize(copy.deepcopy(SEED_TEMPLATES[key]["prompt"]))
