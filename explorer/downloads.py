"""CSV downloads that are safe to open in a spreadsheet."""

from __future__ import annotations

import pandas as pd
import streamlit as st

# A cell starting with one of these is run as a formula by Excel and LibreOffice
# (OWASP "CSV injection"); prefixing a quote makes it plain text.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Return value made inert for spreadsheets when it is a string that starts a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        # Negative numbers written as text stay readable: "-3" is data, not a formula.
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def safe_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with BOM so Excel shows £ and accents) with formula injection neutralised."""
    safe = df.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    safe.columns = [str(neutralise_formula(str(c))) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def download_csv(
    df: pd.DataFrame, file_stem: str, label: str = "Download this table (CSV)"
) -> None:
    """A download button for df, placed beside the table or chart it belongs to."""
    st.download_button(
        label,
        data=safe_csv_bytes(df),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"download-{file_stem}",
        icon=":material/download:",
    )
