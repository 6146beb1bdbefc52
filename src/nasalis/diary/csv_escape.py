"""Neutralise spreadsheet formulas in exported text cells, losslessly.

A cell starting with = + - @ (after any leading apostrophes) is a formula to a spreadsheet.
Export adds one apostrophe to such cells; import removes one. Every other cell is untouched,
so export followed by import gives back exactly the same text.
"""

from __future__ import annotations

_DANGER = ("=", "+", "-", "@", "\t", "\r")


def _is_formula_like(text: str) -> bool:
    return text.lstrip("'").startswith(_DANGER)


def escape_cell(text: str) -> str:
    """The text as it is written to a CSV cell."""
    return "'" + text if _is_formula_like(text) else text


def unescape_cell(text: str) -> str:
    """The text a CSV cell written by escape_cell stands for."""
    return text[1:] if text.startswith("'") and _is_formula_like(text) else text
