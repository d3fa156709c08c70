"""CSV downloads that are safe to open in a spreadsheet."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import duckdb
import pandas as pd
import streamlit as st

import packs
import queries
from contract.safe_export import neutralise_formula
from explorer import data


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


def slug(text: object) -> str:
    """A file-name-safe form of a name, for download file names and widget keys:
    'Banbury North' -> 'banbury-north'."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def download_csv(
    df: pd.DataFrame, file_stem: str, label: str = "Download this table (CSV)"
) -> None:
    """A download button for df, placed beside the table or chart it belongs to. The CSV
    is written when the button is pressed, not on every run (a page has several: writing
    them all cost 9% of a page load's server time)."""
    st.download_button(
        label,
        data=lambda: safe_csv_bytes(df),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"download-{file_stem}",
        icon=":material/download:",
        on_click="ignore",
    )


class DeferredBuildCsv:
    """A callable that writes the CSV when called, from the build ``offer`` names (see
    ``download_csv_from_build``): ``write(connection, path)`` writes a file (DuckDB COPY:
    rows stream to disk, never one DataFrame). It returns the open file; Streamlit reads
    it once. Raises data.BuildReplaced once that build is gone. ``started`` is set when a
    call begins (the click's rerun waits for it: see ``_note_if_replaced``)."""

    def __init__(
        self, offer: data.Offer, write: Callable[[duckdb.DuckDBPyConnection, Path], object]
    ) -> None:
        self.offer = offer
        self.write = write
        self.started = threading.Event()

    def __call__(self) -> BinaryIO:
        self.started.set()
        handle, name = tempfile.mkstemp(prefix="locality-explorer-", suffix=".csv")
        os.close(handle)
        path = Path(name)
        try:
            with data.offered_connection(self.offer) as con:
                self.write(con, path)
            return path.open("rb")
        finally:
            path.unlink(missing_ok=True)  # the open file still reads; its space is freed after


#: How long a click's rerun waits for its download to start (see _note_if_replaced).
DOWNLOAD_START_WAIT_S = 3.0


def _note_if_replaced(offer: data.Offer, flag: str, deferred: DeferredBuildCsv) -> None:
    """On the click's rerun: remember to say so when the offer's build is gone (the file
    cannot be made, and Streamlit's own words for that are no help).

    Waits first (a few seconds at most) until the click's file has started being made:
    the browser asks for the file and for the rerun at once, and a rerun that ended first
    would retire the button's file id, so the file would never be made."""
    deferred.started.wait(DOWNLOAD_START_WAIT_S)
    if not data.offer_available(offer):
        st.session_state[flag] = True


def download_csv_from_build(
    write: Callable[[duckdb.DuckDBPyConnection, Path], object],
    file_stem: str,
    label: str = "Download this table (CSV)",
    help: str | None = None,
) -> None:
    """A download button whose CSV is written only when it is clicked, for tables too big to
    build on every run: from the build the page was drawn on, or, if a rebuild has removed
    that build since, a plain line saying so above the button (offered again, live)."""
    key = f"download-{file_stem}"
    flag = f"{key}-replaced"
    if st.session_state.pop(flag, False):
        st.warning(data.REPLACED, icon=":material/update:")
    offer = data.current_offer()
    deferred = DeferredBuildCsv(offer, write)
    st.download_button(
        label,
        data=deferred,
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=key,
        icon=":material/download:",
        help=help,
        on_click=_note_if_replaced,
        args=(offer, flag, deferred),
    )


#: The tables and public views the Data page may offer whole (queries.DOWNLOADABLE).
DOWNLOADABLE_TABLES: tuple[str, ...] = tuple(queries.DOWNLOADABLE)


def download_rejects_csv(label: str, help: str | None = None) -> None:
    """Every rejected row and warning of the build as CSV, written when clicked."""
    download_csv_from_build(queries.write_rejects_csv, "rejects-and-warnings", label, help)


def download_table_csv(table: str, label: str, help: str | None = None) -> None:
    """A whole downloadable table as CSV (DuckDB writes it to a file when clicked)."""
    if table not in DOWNLOADABLE_TABLES:
        raise ValueError(f"{table!r} is not a downloadable table")
    download_csv_from_build(
        lambda con, path: queries.write_table_csv(con, table, path), table, label, help
    )


def offer_pdf(
    column,
    *,
    state_key: str,
    key: str,
    make: Callable[[], bytes],
    file_name: str,
    what: str,
    download_help: str | None = None,
) -> None:
    """A button that makes a PDF of ``what`` (``make``, a few seconds in Chromium, so only
    when asked), then its download; one plain line when it cannot be made. ``state_key``
    names the request (per area and build); ``key`` names the buttons (make-``key``,
    download-``key``)."""
    if not packs.pdf_available():
        column.caption(
            "A PDF cannot be made here because the Chromium browser is not installed; "
            "download the web page and print it to PDF instead."
        )
        return
    if not st.session_state.get(state_key):
        # a callback, so the request survives the page's own reruns (it writes its address)
        column.button(
            f"Make a PDF of {what} (A4)",
            key=f"make-{key}",
            icon=":material/picture_as_pdf:",
            help=f"Prints {what} to an A4 PDF; takes a few seconds.",
            on_click=lambda: st.session_state.update({state_key: True}),
        )
        return
    try:
        with column, st.spinner("Making the PDF…"):
            pdf_bytes = make()
    except packs.PdfUnavailable as error:
        column.caption(str(error))
        return
    except Exception:  # noqa: BLE001 - the browser failed: one plain line, no traceback
        column.caption("The PDF could not be made just now; download the web page instead.")
        return
    column.download_button(
        "Download PDF",
        data=pdf_bytes,
        file_name=file_name,
        mime="application/pdf",
        key=f"download-{key}",
        icon=":material/picture_as_pdf:",
        help=download_help,
    )
