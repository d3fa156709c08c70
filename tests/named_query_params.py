"""Parameter values for running every named query (queries/named/*.sql) over a warehouse.

The privacy property test (test_query_layer.py) runs each named query with many
combinations of its parameters and checks no small number is shown. Values come from the
connection itself (every level and area, measure, year, locality …), so a new area or
measure is covered without editing this file; a new parameter name needs a line here
(the test fails naming it until it has one).
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import duckdb

AREA_LEVELS = ("School", "Partnership", "Locality", "County")
#: Combinations run per named query at most (a fixed sample of the rest).
MAX_RUNS = 40


def _column(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    return [row[0] for row in con.execute(sql).fetchall()]


def domains(con: duckdb.DuckDBPyConnection) -> dict[str, list[Any]]:
    """Values for each parameter name that does not depend on another."""
    years = _column(con, "SELECT DISTINCT time_period FROM school_year ORDER BY 1")
    localities = _column(
        con, "SELECT DISTINCT locality FROM school_year WHERE locality IS NOT NULL ORDER BY 1"
    )
    partnerships = _column(
        con,
        "SELECT DISTINCT partnership FROM school_year WHERE partnership IS NOT NULL ORDER BY 1",
    )
    return {
        "measure": _column(con, "SELECT measure FROM measures ORDER BY sort_order"),
        "time_period": [*years, None],
        "locality": [None, *localities],
        "partnership": [None, *partnerships],
        "phase": _column(
            con, "SELECT DISTINCT phase FROM school_year WHERE phase IS NOT NULL ORDER BY 1"
        ),
        "characteristic_group": _column(
            con, "SELECT DISTINCT characteristic_group FROM exclusions_characteristic ORDER BY 1"
        ),
        "subject": [None, *_column(con, "SELECT DISTINCT subject FROM measures ORDER BY 1")],
        "references": [True, False],
        "urn": [None, *_column(con, "SELECT DISTINCT urn FROM school_year ORDER BY 1")],
        "limit": [500],
        "offset": [0],
        "rule": [None, *_column(con, "SELECT DISTINCT rule FROM rejects ORDER BY 1 LIMIT 2")],
        "source_file": [
            None,
            *_column(con, "SELECT DISTINCT source_file FROM rejects ORDER BY 1 LIMIT 2"),
        ],
    }


def _level_pairs(con: duckdb.DuckDBPyConnection, second: str) -> list[dict[str, Any]]:
    """(level, area) or (level, parent) pairs that exist, for queries taking both."""
    if second == "area":
        rows = con.execute(
            "SELECT DISTINCT level, area FROM area_measure_year ORDER BY ALL"
        ).fetchall()
    else:
        rows = con.execute(
            "SELECT DISTINCT level, parent_area FROM area_measure_year"
            " WHERE level IN ('School', 'Partnership', 'Locality', 'County') ORDER BY ALL"
        ).fetchall()
        rows += [(level, None) for level in AREA_LEVELS]
    return [{"level": level, second: value} for level, value in rows]


def combinations(
    con: duckdb.DuckDBPyConnection, params: frozenset[str] | set[str], seed: str
) -> list[dict[str, Any]]:
    """Parameter dicts for one named query: the product of its parameters' values (level
    paired with an area or parent that exists), at most MAX_RUNS of them (a sample fixed
    by ``seed``, the query's name). Raises KeyError naming a parameter with no values."""
    params = set(params)
    known = domains(con)
    axes: list[list[dict[str, Any]]] = []
    if "level" in params:
        paired = "area" if "area" in params else "parent" if "parent" in params else None
        if paired:
            axes.append(_level_pairs(con, paired))
            params -= {"level", paired}
        else:
            axes.append([{"level": level} for level in AREA_LEVELS])
            params.discard("level")
    for name in sorted(params):
        if name not in known:
            raise KeyError(f"no test values for the parameter ${name}")
        axes.append([{name: value} for value in known[name]])
    combos = [
        {key: value for part in parts for key, value in part.items()}
        for parts in itertools.product(*axes)
    ]
    if len(combos) > MAX_RUNS:
        combos = random.Random(seed).sample(combos, MAX_RUNS)
    return combos
