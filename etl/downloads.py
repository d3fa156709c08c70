"""GIAS downloads as councils have them: narrower extracts and several copies of one file.

* GIAS's "State-funded school fields" extract (``edubaseallstatefundedYYYYMMDD.csv``)
  lacks columns of the full "Establishment fields" extract (``edubasealldataYYYYMMDD.csv``).
  It loads with them blank and one warning per file naming them and what that costs.
* Two downloads of the same national file (e.g. ``links_edubasealldata20250422.csv`` and
  ``links_edubasealldata_20250727.csv``): the newest by its own date wins, the date in the
  file name (``YYYYMMDD``), else the latest date inside the file (``LinkEstablishedDate``,
  ``OpenDate``). A full extract beats a narrower one whatever their dates. The others are
  reported, not loaded: their rows are counted out of scope, with a file-level warning,
  so every file still reconciles.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from .sources import SOURCES_BY_NAME
from .validate import FileResult

#: Sources published as one national file, downloaded again and again.
SINGLE_FILE_SOURCES = ("gias", "gias_links")
#: What a GIAS extract without each optional column costs.
REGISTER_COSTS = {
    "establishment_group": "no establishment group",
    "close_date": "no close dates (closed schools cannot be told apart by date)",
    "easting": "no map positions",
    "northing": "no map positions",
    "district": "no district",
    "ward": "no ward",
}
_DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_DATE_COLUMNS = ("link_date", "open_date")


def missing_register_columns(result: FileResult) -> list[str]:
    """ETL names of the optional GIAS columns a register file lacks."""
    source = SOURCES_BY_NAME["gias"]
    return [c.name for c in source.columns if not c.required and c.name not in result.raw_names]


def warn_narrow_register(result: FileResult) -> None:
    """One warning naming the columns a GIAS file lacks and what that costs."""
    missing = missing_register_columns(result)
    if result.file_rejected or not missing:
        return
    source = SOURCES_BY_NAME["gias"]
    raws = [source.column(name).raw for name in missing]
    costs = list(dict.fromkeys(REGISTER_COSTS[name] for name in missing))
    if "easting" in missing or "northing" in missing:
        costs.append("locality outlines cannot be derived from school locations")
    reason = (
        f"{result.file}: this GIAS extract lacks {', '.join(raws)}; loaded with them blank, "
        f"so: {'; '.join(costs)}. For everything download the full 'Establishment fields' "
        "extract (edubasealldataYYYYMMDD.csv) from the GIAS Download data page"
    )
    result.issues.add([None], ", ".join(raws), None, "narrow_extract", reason, "warning")


def complete_register(gias: pd.DataFrame) -> pd.DataFrame:
    """GIAS rows with every optional column present (blank where the extract lacks it)."""
    source = SOURCES_BY_NAME["gias"]
    for column in source.columns:
        if column.name in gias:
            continue
        if column.type == "date":
            gias[column.name] = pd.Series(pd.NaT, index=gias.index, dtype="datetime64[us]")
        elif column.type in ("coordinate", "whole"):
            gias[column.name] = pd.Series(np.nan, index=gias.index, dtype="float64")
        else:
            gias[column.name] = pd.Series(None, index=gias.index, dtype="object")
    return gias


def download_date(result: FileResult) -> tuple[dt.date | None, str]:
    """The file's own date and where it came from: its name (``YYYYMMDD``), else the
    latest date in its rows."""
    for match in _DATE_IN_NAME.finditer(PurePosixPath(result.file).name):
        try:
            return dt.date(*(int(part) for part in match.groups())), "file name"
        except ValueError:
            continue
    latest = None
    for column in _DATE_COLUMNS:
        if column in result.rows and len(result.rows):
            value = result.rows[column].max()
            if pd.notna(value) and (latest is None or value.date() > latest):
                latest = value.date()
    return latest, "latest date inside the file"


def _shown(date: dt.date | None, how: str) -> str:
    return f"{date:%d-%m-%Y} ({how})" if date else "no date"


def keep_newest(results: Sequence[FileResult]) -> None:
    """Of several downloads of one national file, load the newest; report the others."""
    for name in SINGLE_FILE_SOURCES:
        same = [r for r in results if r.source is not None and r.source.name == name]
        usable = [r for r in same if not r.file_rejected]
        if name == "gias":
            for result in usable:
                warn_narrow_register(result)
        if len(usable) < 2:
            continue
        dated = {r.file: download_date(r) for r in usable}
        ranked = sorted(
            usable,
            key=lambda r: (
                name != "gias" or not missing_register_columns(r),
                dated[r.file][0] or dt.date.min,
                r.file,
            ),
        )
        winner = ranked[-1]
        for older in ranked[:-1]:
            rows = older.rows_loaded + older.rows_benchmark
            older.rows_out_of_scope += rows
            older.rows = older.rows.iloc[0:0]
            older.bench = older.bench.iloc[0:0]
            reason = (
                f"{older.file}: another download of the same file, {winner.file}, is newer or "
                f"fuller ({_shown(*dated[winner.file])} against {_shown(*dated[older.file])}), "
                f"so this one is not loaded: its {rows:,} rows are counted out of scope"
            )
            older.issues.add([None], None, None, "superseded_download", reason, "warning")
