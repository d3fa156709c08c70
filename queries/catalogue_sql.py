"""The staging view ``stg_measure_fact``, generated from the measure catalogue.

Every catalogue measure (contract/measures.csv) for every school and year, long, straight
from the warehouse fact tables: UNSUPPRESSED. One branch per measure, written from the
measure's formula (table, numerator, denominator, only_when); a filter on ``measure`` folds
the other branches away at plan time, so their files are never read.

``is_known``: the school's numerator (and, for rates, means and money, the denominator) were
published. A cell the publisher withheld (value NULL, flag set) makes the pair unknown;
int_school_measure_year says whether it stands for a small number that areas count as a
range. ``fact_table`` names the warehouse table (the key of withheld_ranges). Tables with
several rows per school (bands, provision types) are summed to one row per school, known
only if every row is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from contract.catalogue import MEASURES, SUMMED_TABLES, Measure, headline

VIEW = "stg_measure_fact"


def _branch(m: Measure) -> str:
    # every name here comes from the checked catalogue (columns of contract.schema), never
    # from a user: the catalogue is code
    num, den = m.numerator, m.denominator
    if m.table in SUMMED_TABLES:
        known = f"{num} IS NOT NULL" + (f" AND {den} IS NOT NULL" if den else "")
        select = (
            f"CAST(sum({num}) AS DOUBLE), "
            + (f"CAST(sum({den}) AS DOUBLE), " if den else "CAST(NULL AS DOUBLE), ")
            + f"max({num}_flag), "
            + (f"max({den}_flag), " if den else "CAST(NULL AS VARCHAR), ")
            + f"bool_and({known})"
        )
        grouping = "\nGROUP BY time_period, urn"
    else:
        known = f"{num} IS NOT NULL" + (f" AND {den} IS NOT NULL" if den else "")
        select = (
            f"CAST({num} AS DOUBLE), "
            + (f"CAST({den} AS DOUBLE), " if den else "CAST(NULL AS DOUBLE), ")
            + f"{num}_flag, "
            + (f"{den}_flag, " if den else "CAST(NULL AS VARCHAR), ")
            + f"{known}"
        )
        grouping = ""
    where = f"\nWHERE {m.only_when}" if m.only_when else ""
    return (
        f"SELECT time_period, urn, '{m.measure}', {select}, '{m.table}'\n"
        f"FROM {m.table}{where}{grouping}"
    )


def measure_fact_sql(measures: Iterable[Measure] = MEASURES) -> str:
    """The view's SELECT: column names from a typed empty first branch."""
    header = (
        "SELECT CAST(NULL AS INTEGER) AS time_period, CAST(NULL AS INTEGER) AS urn,"
        " CAST(NULL AS VARCHAR) AS measure, CAST(NULL AS DOUBLE) AS numerator,"
        " CAST(NULL AS DOUBLE) AS denominator, CAST(NULL AS VARCHAR) AS numerator_flag,"
        " CAST(NULL AS VARCHAR) AS denominator_flag, CAST(NULL AS BOOLEAN) AS is_known,"
        " CAST(NULL AS VARCHAR) AS fact_table\nWHERE false"
    )
    branches = [_branch(m) for m in measures if not m.area_only]  # no school rows
    return "\nUNION ALL\n".join([header, *branches])


# --------------------------------------------------------------------------- headline

#: Markers a view or named query may hold, expanded from the catalogue's headline measures
#: before DuckDB sees the SQL (so the wide tables' columns are never listed by hand):
#: ``/*headline_measures*/`` their names as SQL strings ('pupils', 'fsm_percent', ...);
#: ``/*headline_pivot*/`` one ``max(value) FILTER (WHERE measure = 'm') AS m,`` per measure;
#: ``/*headline_columns:w*/`` the measures of the relation ``w``, counts as BIGINT.
_MARKER = re.compile(r"/\*headline_(measures|pivot|columns(?::(\w+))?)\*/")


def _headline_sql(kind: str, alias: str | None, measures: Iterable[Measure]) -> str:
    names = [m.measure for m in measures]
    if kind == "measures":
        return ", ".join(f"'{name}'" for name in names)
    if kind == "pivot":
        return " ".join(f"max(value) FILTER (WHERE measure = '{n}') AS {n}," for n in names)
    prefix = f"{alias}." if alias else ""
    return " ".join(
        f"CAST({prefix}{m.measure} AS BIGINT) AS {m.measure},"
        if m.kind == "count"
        else f"{prefix}{m.measure},"
        for m in measures
    )


def expand(sql: str, measures: Iterable[Measure] | None = None) -> str:
    """``sql`` with its headline markers written out from the catalogue."""
    chosen = tuple(headline() if measures is None else measures)

    def written(match: re.Match[str]) -> str:
        kind = match.group(1).split(":")[0]
        return _headline_sql(kind, match.group(2), chosen)

    return _MARKER.sub(written, sql)
