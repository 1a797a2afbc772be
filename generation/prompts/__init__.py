"""Prompts: a shot's structured prompt (structure), the exact text it compiles to (compile),
timelines (timeline), lint (lint, rules), the seed templates (templates) and the editor's
analysis of all of these (analysis)."""

from generation.prompts.analysis import Analysis, analyse
from generation.prompts.compile import camera_text, compile_prompt, lighting_text
from generation.prompts.lint import LINT_SCOPE, lint
from generation.prompts.structure import (
    CURVES,
    FRAMINGS,
    BrandKit,
    Compiled,
    Lint,
    empty_prompt,
    normalize,
    wants_sound,
)
from generation.prompts.templates import SEED_TEMPLATES, template_prompt
from generation.prompts.timeline import edit_timeline, even_timeline, timeline_problems

__all__ = [
    "CURVES",
    "FRAMINGS",
    "LINT_SCOPE",
    "SEED_TEMPLATES",
    "Analysis",
    "BrandKit",
    "Compiled",
    "Lint",
    "analyse",
    "camera_text",
    "compile_prompt",
    "edit_timeline",
    "empty_prompt",
    "even_timeline",
    "lighting_text",
    "lint",
    "normalize",
    "template_prompt",
    "timeline_problems",
    "wants_sound",
]
