"""EES National / Regional / Local authority rows -> the ``benchmarks`` table.

Each benchmark row of a source gives one row per catalogue measure the source can feed
(numerator and, for rates and means, denominator), only when those values were published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .sources import Benchmark, Source
from .validate import BENCHMARK_LEVELS

BENCHMARK_KEY = (
    "time_period",
    "geographic_level",
    "country_code",
    "region_code",
    "old_la_code",
    "new_la_code",
)
#: The columns that say which area and year a benchmark row is (area_columns).
AREA_COLUMNS = ["time_period", "geographic_level", "area_code", "old_la_code", "area_name"]
COLUMNS = [*AREA_COLUMNS, "measure", "numerator", "denominator"]


def canonical_levels(frame: pd.DataFrame) -> pd.DataFrame:
    """geographic_level spelled as the contract does ('National', 'Regional', ...)."""
    if frame.empty:
        return frame
    level = frame["geographic_level"].str.strip().str.lower().map(BENCHMARK_LEVELS)
    return frame.assign(geographic_level=level.astype("str"))


def benchmark_rows(source: Source, bench: pd.DataFrame) -> pd.DataFrame:
    """Long measure rows from a source's (validated, de-duplicated) benchmark rows."""
    if bench.empty or not source.benchmarks:
        return pd.DataFrame(columns=COLUMNS)
    return measure_rows(area_columns(bench), bench, source.benchmarks)


def measure_rows(
    base: pd.DataFrame, values: pd.DataFrame, benchmarks: tuple[Benchmark, ...]
) -> pd.DataFrame:
    """One row per area row (``base``: AREA_COLUMNS) and benchmark whose numerator (and
    denominator) ``values`` holds and published; a withheld one gives no row."""
    parts = []
    for benchmark in benchmarks:
        if benchmark.numerator not in values or (
            benchmark.denominator is not None and benchmark.denominator not in values
        ):
            continue  # an older file without this measure's columns
        numerator = values[benchmark.numerator].to_numpy(dtype=float, na_value=np.nan)
        if benchmark.denominator is None:
            denominator = np.full(len(values), np.nan)
            known = ~np.isnan(numerator)
        else:
            denominator = values[benchmark.denominator].to_numpy(dtype=float, na_value=np.nan)
            known = ~np.isnan(numerator) & ~np.isnan(denominator)
        part = base[known].assign(
            measure=benchmark.measure, numerator=numerator[known], denominator=denominator[known]
        )
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def area_columns(bench: pd.DataFrame) -> pd.DataFrame:
    """Each benchmark row's period, level, area code and name, and old LA code."""
    missing = [c for c in (*BENCHMARK_KEY, "country_name", "region_name", "la_name")
               if c not in bench]  # fmt: skip
    if missing:  # a National-only file has no region or LA columns
        bench = bench.assign(**{c: "" for c in missing})
    level = bench["geographic_level"]
    national = level.eq("National").to_numpy(dtype=bool)
    regional = level.eq("Regional").to_numpy(dtype=bool)

    def by_level(national_col: str, regional_col: str, la_col: str) -> np.ndarray:
        return np.select(
            [national, regional],
            [
                bench[national_col].to_numpy(dtype=object),
                bench[regional_col].to_numpy(dtype=object),
            ],
            bench[la_col].to_numpy(dtype=object),
        )

    area_code = by_level("country_code", "region_code", "new_la_code")
    area_name = by_level("country_name", "region_name", "la_name")
    old_la = pd.to_numeric(bench["old_la_code"].str.strip(), errors="coerce")
    old_la = old_la.where(level.eq("Local authority")).astype("Int64")
    base = pd.DataFrame(
        {
            "time_period": bench["time_period"].to_numpy(),
            "geographic_level": level.to_numpy(dtype=object),
            "area_code": pd.Series(area_code, dtype="str")
            .str.strip()
            .replace("", None)
            .to_numpy(dtype=object),
            "old_la_code": old_la.to_numpy(),
            "area_name": pd.Series(area_name, dtype="str")
            .str.strip()
            .replace("", None)
            .to_numpy(dtype=object),
        }
    )
    return base
