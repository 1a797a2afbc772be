"""The brand's banned words, found as a person would: across case, hyphens and spaces
("sugar-free", "sugar free", "Sugarfree") and simple plurals ("guarantee", "guarantees";
"calorie", "calories"; "berry", "berries"), never inside another word ("cheap" is not in
"cheapside" unless that is a plural of it). One matcher for the prompt lint, the planners and
the plan's rules, so what one refuses the others refuse too."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_JOIN = r"[\s\-‐‑–—_]*"  # a hyphen, a dash, a space or nothing between the parts


def _singulars(part: str) -> set[str]:
    forms = {part}
    if part.endswith("ies") and len(part) > 4:
        forms.add(part[:-3] + "y")
    elif part.endswith("es") and len(part) > 3:
        forms.update({part[:-2], part[:-1]})
    elif part.endswith("s") and not part.endswith("ss") and len(part) > 2:
        forms.add(part[:-1])
    return forms


def _part(part: str) -> str:
    """A word and its simple plurals (or singulars)."""
    alternatives = set()
    for base in _singulars(part):
        if base.endswith("y") and len(base) > 2 and base[-2] not in "aeiou":
            alternatives.add(re.escape(base[:-1]) + "(?:y|ies)")
        else:
            alternatives.add(re.escape(base) + "(?:e?s)?")
    return "(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + ")"


@lru_cache(maxsize=512)
def pattern(word: str) -> re.Pattern[str] | None:
    """The pattern that finds `word` (None for a word of no letters or digits)."""
    parts = [p for p in re.split(r"[\s\-‐‑–—_]+", word.strip().lower()) if p]
    if not any(re.search(r"\w", p) for p in parts):
        return None
    # A word and its plurals; a sign ("&") as it is.
    body = _JOIN.join(_part(p) if re.fullmatch(r"[\w']+", p) else re.escape(p) for p in parts)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.I)


def found(text: str, words: Iterable[str]) -> list[str]:
    """The banned words `text` uses, each as the brand kit spells it, in the kit's order."""
    hits = []
    for word in words:
        compiled = pattern(word)
        if compiled and compiled.search(text or ""):
            hits.append(word)
    return hits


def without(text: str, words: Iterable[str]) -> str:
    """`text` with every banned word taken out (and the spaces it leaves tidied)."""
    for word in words:
        compiled = pattern(word)
        if compiled:
            text = compiled.sub("", text)
    text = " ".join(text.split())
    text = re.sub(r"(?:,|\b(?:and|or|with))\s*(?=[.!?;]|$)", "", text)  # "crunchy and."
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([.!?;:,])[.!?;:,]+", r"\1", text)  # ".!" left where words went
    return re.sub(r"^[,.;:!?\s]+", "", text).strip()
