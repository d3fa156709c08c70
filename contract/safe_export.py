"""Safe export: text that a spreadsheet would run as a formula is made inert.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel and LibreOffice (OWASP "CSV injection"); a leading quote makes it text.
Numbers written as text ("-3") stay as they are. Every download, workbook and CSV the app,
the packs or the query layer writes goes through this rule.
"""

from __future__ import annotations

#: What a formula may start with.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """``value`` made inert for spreadsheets when it is text that starts a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        try:
            float(value)
            return value  # a negative number written as text is data, not a formula
        except ValueError:
            return "'" + value
    return value
