"""CSV downloads that are safe to open in a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable

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


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of df safe to write to CSV or a spreadsheet: every text cell (object, string
    or categorical columns) and every column name that would start a formula is made inert.
    Use it before writing an Excel workbook too (writers store "=..." text as a formula)."""
    safe = df.copy()
    for column in safe.columns:
        values = safe[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            safe[column] = values.astype(object).map(neutralise_formula)
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            safe[column] = values.map(neutralise_formula)
    safe.columns = [str(neutralise_formula(str(c))) for c in safe.columns]
    return safe


def safe_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with BOM so Excel shows £ and accents) with formula injection neutralised.

    Rows end with CRLF (RFC 4180, as Excel writes): the writer then quotes any cell holding
    a bare carriage return, which would otherwise start a new row in Excel whose first
    cell (the text after the CR) escapes neutralising."""
    return neutralise_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


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


def deferred_csv(make_frame: Callable[[], pd.DataFrame]) -> Callable[[], bytes]:
    """A callable that builds the safe CSV only when called (see ``download_csv_on_click``)."""

    def build() -> bytes:
        return safe_csv_bytes(make_frame())

    return build


def download_csv_on_click(
    make_frame: Callable[[], pd.DataFrame],
    file_stem: str,
    label: str = "Download this table (CSV)",
    help: str | None = None,
) -> None:
    """A download button whose CSV is read and built only when it is clicked (Streamlit
    calls ``data`` then), for tables too big to build on every run of the page."""
    st.download_button(
        label,
        data=deferred_csv(make_frame),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"download-{file_stem}",
        icon=":material/download:",
        help=help,
    )
