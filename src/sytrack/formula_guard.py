"""Spreadsheet cells that a spreadsheet would run as a formula (OWASP "CSV injection"): the guard and its inverse."""

from __future__ import annotations

# Cells that a spreadsheet would read as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARDED_STARTS = frozenset(_FORMULA_STARTS + ("'",))


def guard_formula(text: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula by prefixing a quote. A cell that
    already starts with a quote gets one too, so that `unguard_formula` restores any text exactly."""
    return "'" + text if text.startswith(_FORMULA_STARTS + ("'",)) else text


def unguard_formula(text: str) -> str:
    """The inverse of guard_formula, for reading back a CSV that sytrack wrote."""
    return text[1:] if text.startswith("'") else text
