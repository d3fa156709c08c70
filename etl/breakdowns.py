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

from .benchmarks import AREA_COLUMNS, area_columns
from .sources import REASON_COLUMNS, Source

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
