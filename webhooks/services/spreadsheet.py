"""CSV cells that a spreadsheet will not run: formulas neutralised on export, restored on import.

A cell starting with = + - @ (or a tab or carriage return, which some spreadsheets skip before
one) is a formula to Excel, LibreOffice and Google Sheets: a resource name or an audit detail
could make a supervisor's spreadsheet fetch a URL or run a command. OWASP's advice: prefix a
single quote, which spreadsheets show as text.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The exact text again, for a file exported here and imported back."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def safe_row(row: list[Any]) -> list[Any]:
    return [neutralise(cell) for cell in row]
