"""Typed access to a form's fields, for the forms of every area."""

from __future__ import annotations

from django import forms


def choice_field(field: forms.Field) -> forms.ChoiceField:
    """A choice field of the form, typed as one (its choices are set per model or status)."""
    assert isinstance(field, forms.ChoiceField)
    return field
