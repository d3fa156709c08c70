"""The council's own data, by viewer: what a named query's rows may show (contract.access).

A connection carries its viewer (``scope``: a DuckDB variable of that connection, so a
cursor handed to a page, a deferred download or a pack keeps it); every named query's
result passes through ``restrict`` in ``queries.run``. A connection nobody scoped (the
command line, the ETL, the tests) sees everything, like the council's own files.

The council's own data is the measures of its own tables (contract.catalogue:
``council_only``) and the reason and pupil-group breakdowns built from its exclusions log.
``RULES`` says, for each named query that reads them, which rows or columns are the
council's and which area each row is about; a test fails when a named query that reads a
council table (through any view) has no rule here and is not in ``CARRIES_NONE``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from contract import catalogue
from contract.access import EVERYONE, SCHOOL, Viewer

VARIABLE = "locality_explorer_viewer"


@dataclass(frozen=True)
class Rule:
    """Which of a query's results are the council's, and whose.

    ``rows``: "measure" (a row is the council's when its ``measure`` is council-only), "all"
    (every row is), "columns" (the ``columns`` of every row are), or "catalogue" (rows
    naming a council measure, kept for whoever sees some council data). ``level``: the level
    every row is about, or None to read the row's own ``level`` column; ``area``: the column
    naming the row's area. No ``area`` column: only an analyst sees them. ``comparisons``:
    columns holding another area's figure (the locality's, the county's), emptied for a
    school viewer.
    """

    rows: str
    level: str | None = None
    area: str | None = "area"
    columns: tuple[str, ...] = ()
    comparisons: tuple[str, ...] = ()


_BY_AREA = Rule("measure")
_ANALYSTS_ONLY = Rule("measure", area=None)
_COUNCIL_COLUMNS = tuple(sorted(catalogue.council_only()))

RULES: dict[str, Rule] = {
    "area_measure_trend": _BY_AREA,
    "area_measures_trend": _BY_AREA,
    "compare_locality_trends": _BY_AREA,
    "funnel_units": _BY_AREA,
    "funnel_trends": _BY_AREA,
    "funnel_phase_units": _BY_AREA,
    "measure_by_area": _BY_AREA,
    "measure_by_area_areas": _BY_AREA,
    "comparator_trend": _ANALYSTS_ONLY,
    "send_board_areas": _ANALYSTS_ONLY,
    "like_for_like_trend": _ANALYSTS_ONLY,
    "locality_vs_county": Rule("measure", level="Locality", area="locality"),
    "partnership_vs_locality": Rule(
        "measure",
        level="Partnership",
        area="partnership",
        comparisons=(
            "locality_value",
            "county_value",
            "national_value",
            "difference_locality",
            "difference",
            "percent_of_locality",
            "percent_of_county",
        ),
    ),
    "school_profile": Rule("columns", level="School", area="urn", columns=_COUNCIL_COLUMNS),
    "locality_partnerships": Rule(
        "columns", level="Partnership", area="partnership", columns=_COUNCIL_COLUMNS
    ),
    # the exclusions log's breakdowns: every row (the DfE's own are reason_benchmarks')
    "exclusions_by_reason": Rule("all"),
    "exclusions_by_characteristic": Rule("all"),
    "funding_share": Rule("all", level="Partnership", area="partnership"),
    # a rejected cell as the file had it (a council file's could name a pupil): analysts only
    "rejects": Rule("columns", area=None, columns=("value",)),
    "rejects_page": Rule("columns", area=None, columns=("value",)),
    # the measure pickers: a council measure is offered to whoever sees some council data
    "list_measures": Rule("catalogue"),
}

#: Named queries that read a council table through some view but return none of its
#: figures: why each is safe.
CARRIES_NONE: dict[str, str] = {
    "characteristic_groups": "the names of the pupil groups, no figures",
    "data_dictionary": "each measure's definition and source, no figures",
    "data_measure_years": "which years each measure has, no figures",
    "comparator_coverage": "which areas each measure has, no figures",
    "search_index": "school, partnership and locality names",
    "reconciliation": "the DfE's published figures against the schools' sums",
    "withheld_ranges": "the settings' ranges for withheld cells",
    "exclusion_trend": "the exclusion measures of the DfE's school-level files only",
    "exclusions_child_areas": "the exclusion measures of the DfE's school-level files only",
}


# --------------------------------------------------------------------------- scoping


def scope(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> duckdb.DuckDBPyConnection:
    """Make ``con`` (a cursor: the variable is its own) answer as ``viewer``; returns it."""
    con.execute(f"SET VARIABLE {VARIABLE} = $key", {"key": viewer.key})
    return con


def viewer_of(con: duckdb.DuckDBPyConnection) -> Viewer:
    """The viewer ``con`` answers as (everyone, when nobody scoped it)."""
    (key,) = con.execute(f"SELECT getvariable('{VARIABLE}')").fetchone()
    return Viewer.from_key(key)


def _school_years(con: duckdb.DuckDBPyConnection, partnership: str) -> pd.DataFrame:
    """The (urn, time_period) pairs of the partnership's schools: a school's council data
    belongs to the partnership it was in that year."""
    return con.execute(
        "SELECT DISTINCT CAST(urn AS VARCHAR) AS urn, time_period FROM school_year"
        " WHERE partnership = $partnership",
        {"partnership": partnership},
    ).df()


def _allowed(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, rule: Rule, viewer: Viewer):
    """Per row: may ``viewer`` see the council's figures of the area the row is about."""
    if viewer.sees_all_council_data:
        return pd.Series(True, index=frame.index)
    if not viewer.sees_some_council_data or rule.area is None or rule.area not in frame:
        return pd.Series(False, index=frame.index)
    level = frame["level"] if rule.level is None else pd.Series(rule.level, index=frame.index)
    area = frame[rule.area].astype("string")
    own = (level == "Partnership") & (area == viewer.partnership)
    schools = level == "School"
    if schools.any():
        pairs = _school_years(con, str(viewer.partnership))
        if "time_period" in frame:
            keys = set(zip(pairs["urn"], pairs["time_period"].astype(int), strict=True))
            periods = pd.to_numeric(frame["time_period"], errors="coerce")
            in_partnership = [
                (u, int(t)) in keys if pd.notna(t) else False
                for u, t in zip(area, periods, strict=True)
            ]
        else:
            urns = set(pairs["urn"])
            in_partnership = [u in urns for u in area]
        own = own | (schools & pd.Series(in_partnership, index=frame.index))
    return own.fillna(False).astype(bool)


def restrict(
    con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, viewer: Viewer | None = None
) -> pd.DataFrame:
    """The rows and columns of named query ``name``'s result that ``viewer`` (default: the
    connection's) may see; the council's figures for anything else are gone."""
    rule = RULES.get(name)
    viewer = viewer_of(con) if viewer is None else viewer
    if rule is None or viewer == EVERYONE or frame.empty:
        return frame
    if rule.rows == "catalogue":
        if viewer.sees_some_council_data:
            return frame
        return frame[~frame["measure"].isin(catalogue.council_only())].reset_index(drop=True)
    allowed = _allowed(con, frame, rule, viewer)
    if rule.rows == "columns":
        hidden = [column for column in rule.columns if column in frame]
        if hidden:
            frame = frame.copy()
            for column in hidden:
                frame[column] = frame[column].where(allowed)
        return frame
    if rule.rows == "all":
        council = pd.Series(True, index=frame.index)
    else:
        council = frame["measure"].isin(catalogue.council_only())
    kept = frame[~council | allowed]
    if viewer.role == SCHOOL and rule.comparisons:
        council_kept = council[kept.index]
        kept = kept.copy()
        for column in rule.comparisons:
            if column in kept:
                kept[column] = kept[column].where(~council_kept)
    return kept.reset_index(drop=True) if len(kept) != len(frame) else kept


# --------------------------------------------------------------------------- downloads

#: A school viewer's own areas, in SQL: the partnership, and its schools in the years they
#: were in it (bound: $partnership).
_OWN_AREA_SQL = (
    "((level = 'Partnership' AND area = $partnership) OR (level = 'School' AND"
    " (area, time_period) IN (SELECT CAST(urn AS VARCHAR), time_period FROM school_year"
    " WHERE partnership = $partnership)))"
)
_OWN_SCHOOL_SQL = (
    "((urn, time_period) IN (SELECT urn, time_period FROM school_year"
    " WHERE partnership = $partnership))"
)


def download_sql(
    con: duckdb.DuckDBPyConnection, table: str, viewer: Viewer | None = None
) -> tuple[str, dict[str, str]]:
    """The SELECT (and its bound parameters) of a whole downloadable view as ``viewer``
    (default: the connection's) may have it: the same rows and columns ``restrict`` leaves
    of the named queries that read it."""
    # table: one of queries.DOWNLOADABLE (the callers check), so safe to name in the SQL
    viewer = viewer_of(con) if viewer is None else viewer
    everything = f'SELECT * FROM "{table}"'  # noqa: S608
    if viewer.sees_all_council_data:
        return everything, {}
    school = viewer.sees_some_council_data
    params = {"partnership": str(viewer.partnership)} if school else {}
    own = _OWN_AREA_SQL if school else "false"
    council = ", ".join(f"'{m}'" for m in sorted(catalogue.council_only()))
    if table in ("area_measure_year", "locality_vs_county"):
        allowed = own if table == "area_measure_year" else "false"
        params = params if table == "area_measure_year" else {}
        return f"{everything} WHERE measure NOT IN ({council}) OR {allowed}", params
    if table in ("exclusions_by_reason", "exclusions_by_characteristic"):
        return f"{everything} WHERE {own}", params
    if table == "funding_share":
        if not school:
            return f"{everything} WHERE false", {}
        return f"{everything} WHERE level = 'Partnership' AND area = $partnership", params
    if table == "school_profile":
        columns = [c for c in RULES["school_profile"].columns if _has_column(con, table, c)]
        if not columns:
            return everything, {}
        shown = _OWN_SCHOOL_SQL if school else "false"
        replaced = ", ".join(f'CASE WHEN {shown} THEN "{c}" END AS "{c}"' for c in columns)
        return f'SELECT * REPLACE ({replaced}) FROM "{table}"', params  # noqa: S608
    if table == "rejects":
        return "SELECT * REPLACE (CAST(NULL AS VARCHAR) AS value) FROM rejects", {}
    return everything, {}


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    described = con.execute(f'SELECT * FROM "{table}" LIMIT 0').description  # noqa: S608
    return column in [d[0] for d in described]
