"""CSV cells that a spreadsheet will not run: text starting with = + - @ (or a tab or carriage
return) is a formula to Excel and LibreOffice, so such a cell gets a leading apostrophe."""

from __future__ import annotations

from generation import text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A cell safe to open and to parse: no control characters but tab and newline (whatever
    was stored), no formula."""
    if not isinstance(value, str):
        return value
    value = text.block(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def row(values) -> list:
    return [cell(v) for v in values]
