"""Independent sums for page tests: numerators and denominators added up straight from the
warehouse Parquet files with DuckDB, never through the query layer, so a page's figure is
checked against arithmetic it did not do itself."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd


def _connection() -> duckdb.DuckDBPyConnection:
    """A connection of its own: a fetchone() on DuckDB's shared default connection leaves
    a result open that makes another test's duckdb.read_parquet fail ("Resource In Use")."""
    return duckdb.connect()


def parquet(warehouse: Path, table: str) -> str:
    """The path of a warehouse table's Parquet file, as text for read_parquet($param)."""
    return str(warehouse / f"{table}.parquet")


def area_sum(
    warehouse: Path,
    table: str,
    numerator: str,
    denominator: str | None,
    year: int,
    level: str | None = None,
    area: str | None = None,
) -> tuple[float, float | None]:
    """(sum of numerator, sum of denominator) over the schools of an area in a year, counting
    only rows where both are published; level None = the whole county."""
    where = "" if level is None else f"AND y.{level} = $area"
    known = f"t.{numerator} IS NOT NULL" + (
        f" AND t.{denominator} IS NOT NULL" if denominator else ""
    )
    den = f"sum(t.{denominator})" if denominator else "NULL"
    sql = f"""
        SELECT sum(t.{numerator}), {den}
        FROM read_parquet($fact) AS t
        JOIN read_parquet($years) AS y USING (time_period, urn)
        WHERE t.time_period = $year AND {known} {where}
    """  # noqa: S608 - column names are the tests' own constants; values are bound
    params = {
        "fact": parquet(warehouse, table),
        "years": parquet(warehouse, "school_year"),
        "year": year,
    }
    if level is not None:
        params["area"] = area
    num, den_value = _connection().execute(sql, params).fetchone()
    return float(num or 0), None if den_value is None else float(den_value)


def area_rate(warehouse: Path, table: str, num: str, den: str, year: int, **area) -> float:
    """100 × sum(num) ÷ sum(den) over an area's schools in a year (see area_sum)."""
    n, d = area_sum(warehouse, table, num, den, year, **area)
    return 100 * n / d


def latest_year(warehouse: Path) -> int:
    """The newest time_period in the warehouse's school_year table."""
    return (
        _connection()
        .execute(
            "SELECT max(time_period) FROM read_parquet($p)",
            {"p": parquet(warehouse, "school_year")},
        )
        .fetchone()[0]
    )


def locality_exclusion_sums(warehouse: Path) -> pd.DataFrame:
    """Permanent exclusions (numerator), headcount (denominator), schools counted and the
    rate per 100 pupils, per locality and year and for the county ('County'), over schools
    with both figures published. Indexed by (locality, time_period)."""
    sums = (
        _connection()
        .execute(
            """
        SELECT s.time_period, s.locality, sum(e.perm_excl) AS numerator,
            sum(e.headcount) AS denominator, count(*) AS n_schools
        FROM read_parquet($exclusions) AS e
        JOIN read_parquet($school_year) AS s USING (time_period, urn)
        WHERE e.perm_excl IS NOT NULL AND e.headcount IS NOT NULL
        GROUP BY ALL
        """,
            {
                "exclusions": parquet(warehouse, "exclusions"),
                "school_year": parquet(warehouse, "school_year"),
            },
        )
        .df()
    )
    county = sums.groupby("time_period", as_index=False)[
        ["numerator", "denominator", "n_schools"]
    ].sum()
    county["locality"] = "County"
    out = pd.concat([sums.dropna(subset=["locality"]), county], ignore_index=True)
    out["rate"] = 100 * out["numerator"] / out["denominator"]
    # hidden: below the threshold of 3 (data/config.toml), or hidden with one that is so it
    # cannot be worked out by subtraction (the cells complementary suppression picked; that
    # they are needed and enough is tested in test_complementary_suppression.py)
    secondary = complementary_cells(warehouse, "Locality", "Permanent exclusions")
    keys = list(zip(out["locality"], out["time_period"], strict=True))
    out["hidden"] = out["numerator"].between(1, 2) | pd.Series(
        [key in secondary for key in keys], index=out.index
    )
    return out.set_index(["locality", "time_period"]).sort_index()


def complementary_cells(warehouse: Path, level: str, family: str) -> set[tuple[str, int]]:
    """(area, time_period) of the cells at ``level`` that complementary suppression hides
    for ``family`` (a numerator label: 'Permanent exclusions')."""
    import queries

    con = queries.connect(warehouse)
    try:
        rows = con.execute(
            "SELECT area, time_period FROM int_complementary_cells WHERE tbl = 'area'"
            " AND level = ? AND family = ?",
            [level, family],
        ).fetchall()
    finally:
        con.close()
    return {(area, int(period)) for area, period in rows}


def benchmark_rate(
    warehouse: Path, measure: str, level: str, time_period: int, area_code: str | None = None
) -> float:
    """100 × numerator ÷ denominator of the DfE's own figure (benchmarks table) for a
    geographic level ('National', 'Regional' with its area_code, …) in a year."""
    row = (
        _connection()
        .execute(
            """
        SELECT numerator, denominator FROM read_parquet($benchmarks)
        WHERE geographic_level = $level AND measure = $measure AND time_period = $period
            AND ($code IS NULL OR area_code = $code)
        """,
            {
                "benchmarks": parquet(warehouse, "benchmarks"),
                "level": level,
                "measure": measure,
                "period": time_period,
                "code": area_code,
            },
        )
        .fetchone()
    )
    assert row is not None
    return 100 * row[0] / row[1]
