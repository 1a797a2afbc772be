"""The text the studio accepts, decided once: what anyone types (members, guests), what a
language model answers and what an upload names is cleaned here where it enters, and every
writer of an exchange format (XML, EDL, CSV, manifests) passes what it writes through the same
rules, so stored text of any age is safe to write.

- A single-line field (a title, a name, a label) is one line: line breaks and tabs become a
  space, every other control character is removed.
- A multi-line field (a brief, a comment, a note) keeps tab and newline (CR LF and lone CR
  become a newline); every other control character is removed.
- NUL is refused where a person typed it (a clear form error: PostgreSQL cannot store it) and
  removed everywhere else; so are lone surrogates and U+FFFE / U+FFFF, which neither UTF-8
  nor XML can carry.
- JSON from outside (a drawing, a plan row's layers, a language model's answer, a provider's
  callback) is parsed with its nesting bounded (`loads`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# Everything a line break is to str.splitlines() (and so to a reader that splits lines).
_BREAKS = re.compile(r"\r\n?|[\n\v\f\x1c-\x1e\x85\u2028\u2029]")
# Control characters but tab and newline; C1 controls; what UTF-8 and XML 1.0 cannot carry.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_JSON_DEPTH = 32


def line(value: str) -> str:
    """One line: breaks and tabs become a space, other control characters go, ends stripped."""
    return _CONTROL.sub("", _BREAKS.sub(" ", value).replace("\t", " ")).strip()


def block(value: str) -> str:
    """Multi-line text: breaks as newlines, tabs kept, other control characters removed."""
    return _CONTROL.sub("", _BREAKS.sub("\n", value))


def typed(value: str, *, multiline: bool = False) -> str:
    """Text a person typed, cleaned; NUL is refused with an error they can act on."""
    if "\x00" in value:
        raise ValidationError("Null characters are not allowed.", code="null_characters")
    return block(value).strip() if multiline else line(value)


def strings(value: Any) -> Any:
    """A JSON value with every string in it cleaned as multi-line text (keys as lines)."""
    if isinstance(value, str):
        return block(value)
    if isinstance(value, list):
        return [strings(v) for v in value]
    if isinstance(value, dict):
        return {line(str(k)): strings(v) for k, v in value.items()}
    return value


class TooDeep(ValueError):
    """JSON nested deeper than the studio reads."""


def _deeper_than(value: Any, limit: int) -> bool:
    if limit < 0:
        return True
    if isinstance(value, dict):
        return any(_deeper_than(v, limit - 1) for v in value.values())
    if isinstance(value, list):
        return any(_deeper_than(v, limit - 1) for v in value)
    return False


def loads(raw: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """json.loads with its nesting bounded: a document deeper than `max_depth` raises TooDeep
    (a ValueError, like any JSON that cannot be read), never a RecursionError."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise TooDeep(f"The JSON is nested deeper than {max_depth} levels.") from None
    if _deeper_than(value, max_depth):
        raise TooDeep(f"The JSON is nested deeper than {max_depth} levels.")
    return value


# --------------------------------------------------------------------------- fields


class LineFormField(forms.CharField):
    """A form's single-line text: cleaned, NUL left for Django's validator to refuse."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return text if text is None or "\x00" in text else line(text)


class BlockFormField(forms.CharField):
    """A form's multi-line text: cleaned, NUL left for Django's validator to refuse."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return text if text is None or "\x00" in text else block(text).strip()


class LineField(models.CharField):  # type: ignore[type-arg]
    """A single-line text column: its forms clean it, and it is cleaned again when saved, whoever
    wrote it."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = line(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().formfield(**{"form_class": LineFormField, **kwargs})


class BlockField(models.TextField):  # type: ignore[type-arg]
    """A multi-line text column: its forms clean it, and it is cleaned again when saved."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = block(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().formfield(**{"form_class": BlockFormField, **kwargs})


class CleanJSONField(models.JSONField):
    """A JSON column of text from outside (a prompt's layers, a drawing): every string in it is
    cleaned as multi-line text when saved."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = strings(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
