"""The DfE's LA, region and England breakdowns -> the ``benchmark_breakdowns`` table.

Exclusions by reason and by pupil characteristic are published for areas only (no school
rows), so they are benchmarks: the county beside England, its region and its neighbours,
reason by reason and group by group. Reason files are wide (``perm_<reason>``,
``fixed_<reason>`` / ``susp_<reason>``: one column per reason and kind); they become one row
per area, year and reason. A withheld cell stays NULL with its symbol in ``<count>_flag``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .benchmarks import AREA_COLUMNS, area_columns, measure_rows
from .sources import REASON_COLUMNS, Source, benchmarks_of

COUNTS = ("headcount", "perm_excl", "susp", "one_plus_susp")
COLUMNS = [
    *AREA_COLUMNS,
    "breakdown",
    "characteristic_group",
    "characteristic",
    *(c for name in COUNTS for c in (name, f"{name}_flag")),
]


def breakdown_rows(source: Source, bench: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``benchmark_breakdowns`` from a breakdown source's benchmark rows."""
    if bench.empty or source.breakdown is None:
        return pd.DataFrame(columns=COLUMNS)
    base = area_columns(bench)
    if source.breakdown == "reason":
        parts = []
        for key, (label, _since) in REASON_COLUMNS.items():
            perm, susp = f"perm_{key}", f"susp_{key}"
            if perm not in bench and susp not in bench:
                continue
            part = base.assign(
                breakdown="reason", characteristic_group="Reason", characteristic=label
            )
            for name, column in (("perm_excl", perm), ("susp", susp)):
                part[name] = _values(bench, column)
                part[f"{name}_flag"] = _flags(bench, column)
            parts.append(part)
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    else:
        frame = base.assign(
            breakdown=source.breakdown,
            characteristic_group=bench["characteristic_group"].to_numpy(dtype=object),
            characteristic=bench["characteristic"].to_numpy(dtype=object),
        )
        for name in COUNTS:
            frame[name] = _values(bench, name)
            frame[f"{name}_flag"] = _flags(bench, name)
    for column in COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame[COLUMNS]


def _values(bench: pd.DataFrame, column: str) -> np.ndarray:
    if column not in bench:
        return np.full(len(bench), np.nan)
    return bench[column].to_numpy(dtype=float, na_value=np.nan)


def _flags(bench: pd.DataFrame, column: str) -> np.ndarray:
    flag = f"{column}_flag"
    if flag not in bench:
        return np.full(len(bench), None, dtype=object)
    return (
        bench[flag].where(bench[flag].notna() & bench[flag].ne("nan"), None).to_numpy(dtype=object)
    )


#: The SEN provision groups of the exclusions by characteristic file, as each release
#: spells them -> the column suffix of the ``exclusions_sen`` measures (contract.schema).
#: The 2006/07-2016/17 file (shared/real) says "SEN provision SEN with statement EHC" and
#: "SEN provision SEN without statement"; the later "EHC plan" / "SEN support" spellings
#: are those of the school census and SEN releases (no LA-level exclusions row of them seen).
SEN_PROVISION_GROUPS = {
    "ehc plan": "ehc_plan",
    "sen provision sen with statement ehc": "ehc_plan",
    "sen support": "sen_support",
    "sen provision sen without statement": "sen_support",
}


def sen_provision_benchmarks(breakdowns: pd.DataFrame) -> pd.DataFrame:
    """``benchmarks`` rows of the catalogue's ``exclusions_sen`` measures (suspensions and
    permanent exclusions of pupils with an EHC plan, or on SEN support, per 100 such pupils)
    from the SEN provision rows of ``benchmark_breakdowns``: one wide row per area and year,
    then the catalogue's formulas. A withheld count stays NULL and gives no row."""
    if breakdowns.empty:
        return pd.DataFrame(columns=[*AREA_COLUMNS, "measure", "numerator", "denominator"])
    rows = breakdowns[
        breakdowns["breakdown"].eq("characteristic")
        & breakdowns["characteristic_group"].str.strip().str.lower().eq("sen provision")
    ]
    group = rows["characteristic"].str.strip().str.lower().map(SEN_PROVISION_GROUPS)
    rows = rows.assign(group=group)[group.notna()]
    # merged, not pivoted: England's old_la_code is NULL, and pandas' merge matches NULLs
    wide = rows[AREA_COLUMNS].drop_duplicates()
    for suffix in dict.fromkeys(SEN_PROVISION_GROUPS.values()):  # each group once
        part = rows.loc[rows["group"].eq(suffix), [*AREA_COLUMNS, "headcount", "susp", "perm_excl"]]
        part = part.drop_duplicates(AREA_COLUMNS).rename(
            columns={c: f"{c}_{suffix}" for c in ("headcount", "susp", "perm_excl")}
        )
        wide = wide.merge(part, on=AREA_COLUMNS, how="left")
    return measure_rows(wide[AREA_COLUMNS], wide, benchmarks_of("exclusions_sen"))
