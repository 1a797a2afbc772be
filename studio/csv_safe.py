"""CSV cells that a spreadsheet will not run: text starting with = + - @ (or a tab or carriage
return) is a formula to Excel and LibreOffice, so such a cell gets a leading apostrophe."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row(values) -> list:
    return [cell(v) for v in values]
