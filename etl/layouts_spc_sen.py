"""The SPC and SEN school-level files as the DfE publishes them, into the warehouse tables.

One published file can feed two tables. After a source's files are validated and their
duplicate keys rejected (``etl.pipeline._finish_source``), ``derive_tables`` puts them in
the warehouse's grain:

- **SPC supporting file** (``spc_school_level_underlying_data*.csv``, source ``census``):
  one row per school with headcount, FSM and EAL columns (-> ``pupils``) and pupils by
  year group as columns, one per attendance and sex (``Part time girls Year group 1``, ...,
  or ``full-time male Year group 12`` from 2024). Their sum per year group is a second
  reading of the same row -> ``pupils_year_group``. Early 1 and 2 are ``Early years``,
  Nursery 1 and 2 ``Nursery``, ``Year group N`` ``Year N``.
- **SEN supporting file** (``sen_school_level_underlying_data.csv``, source ``sen``): one
  row per school with ``Total pupils``, ``SEN support``, ``EHC plan`` (-> ``sen``) and the
  pupils of each primary type of need as ``EHC_Primary_need_<code>`` /
  ``SUP_Primary_need_<code>`` columns -> ``sen_need`` (the DfE's need labels,
  ``etl.sources.SEN_NEED_LABELS``).
- **SEN "2026 format"** (source ``sen_need``): long, a row per school, ``sen_provision``
  and ``sen_primary_need``. Need rows of EHC plans and SEN support -> ``sen_need``; the
  rows of a provision's total (``All pupils``) -> one ``sen`` row per school.
- **SPC 2025/26 "School level" data set** (source ``census_long``): long, a row per school,
  ``attendance_pattern``, ``sex``, ``breakdown_topic`` and ``breakdown``. The whole-school
  rows (sex and attendance ``Total``/``All pupils`` or absent) of the breakdowns below ->
  one ``pupils`` row per school and ``pupils_year_group``; other rows are out of scope.

Accounting (``FileResult``): every input row is counted once. A wide row is loaded into
its own table and its derived rows are not counted again; a long file's rows folded into
one school row are counted by ``FileResult.folded``; rows loaded only into a derived table
by ``FileResult.derived_loaded``. So rows read = loaded + benchmark + out of scope + rejected.

Two files may give the same school and year for one table (the wide SEN file of 2024/25
and its 2026-format copy): ``resolve_tables`` keeps the first file's row (files in name
order) and rejects the later one (a warning when the row was loaded into its own table).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from contract.symbols import NOT_APPLICABLE, meaning

from .readers import SOURCE_ROW
from .sources import (
    SEN_NEED_LABELS,
    SEN_NEED_PROVISIONS,
    SPC_YEAR_GROUP_PARTS,
    SPC_YEAR_GROUPS,
    Source,
    spc_year_group_column,
)
from .validate import FileResult

#: Each table's key (its grain) for the checks across files.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "pupils": ("time_period", "urn"),
    "pupils_year_group": ("time_period", "urn", "year_group"),
    "sen": ("time_period", "urn"),
    "sen_need": ("time_period", "urn", "sen_provision", "primary_need"),
}
_SCHOOL = ("school_name", "phase_type_grouping")

# --- the SEN 2026 format: values of sen_provision and sen_primary_need ------------------
#: ``sen_provision`` -> the warehouse's (the wide file's column names). "All pupils" is
#: the school-level file's (seen); "Total" the LA-level file's and the data dictionary's.
SEN_PROVISIONS: dict[str, str] = {
    "education, health and care plan": "EHC plan",
    "ehc plan": "EHC plan",
    "sen support / sen without an ehc plan": "SEN support",
    "sen support": "SEN support",
    "all pupils": "All pupils",
    "total": "All pupils",
}
#: ``sen_primary_need`` values that mean every need (the provision's total).
SEN_NEED_TOTALS = frozenset({"all pupils", "total", "all primary need"})
#: A long file's provision total -> the ``sen`` column it fills.
SEN_TOTAL_COLUMNS = {"All pupils": "total_pupils", "SEN support": "sen_support",
                     "EHC plan": "ehc_plan"}  # fmt: skip

# --- the SPC 2025/26 long format -----------------------------------------------------
#: Values of a filter column that mean every pupil (the data dictionary's ``sex``).
WHOLE_SCHOOL = frozenset({"", "total", "all pupils"})
#: (breakdown_topic, breakdown) -> pupils column: the values in the DfE data dictionary.
SPC_MEASURES: dict[tuple[str, str], str] = {
    ("total", "total"): "headcount",
    ("free school meal eligibility", "eligible for free school meals"): "fsm_eligible",
    ("fsm status", "fsm eligible"): "fsm_eligible",
    ("first language", "known or believed to be other than english"): "eal",
    ("first language", "other than english"): "eal",
}
#: Year-group breakdowns the data dictionary lists (Reception, Year 1 to Year 11).
SPC_YEAR_GROUP_TOPIC = "year group"
SPC_LONG_YEAR_GROUPS: dict[str, str] = {
    "reception": "Reception",
    **{f"year {n}": f"Year {n}" for n in range(1, 12)},
}
_YEAR_GROUP_LIKE = re.compile(r"^(year \d+|nursery|early years?)$")


def _lower(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series("", index=frame.index)
    return frame[column].fillna("").astype("str").str.strip().str.lower()


def _flags(frame: pd.DataFrame, name: str) -> np.ndarray:
    column = f"{name}_flag"
    if column not in frame:
        return np.full(len(frame), None, dtype=object)
    values = frame[column].to_numpy(dtype=object)
    return np.where(pd.isna(values), None, values)


# ======================================================================================
# After a source's files are validated: one file, two tables
# ======================================================================================


def derive_tables(results: list[FileResult], source: Source) -> None:
    """Each of this source's files put in the warehouse's grain (see the module doc)."""
    for result in results:
        if result.file_rejected or result.rows.empty:
            continue
        if source.name == "census":
            spc_year_groups(result)
        elif source.name == "census_long":
            spc_long(result)
        elif source.name == "sen":
            sen_needs(result)
        elif source.name == "sen_need":
            sen_long(result)


def _sum_parts(values: np.ndarray, flags: np.ndarray, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Row sums of parts (columns). A part whose symbol means "not applicable" counts 0;
    any other missing part (withheld, not available, blank) makes the sum unknown: NULL,
    with the first such part's symbol as its flag."""
    not_applicable = (
        np.vectorize(
            lambda f: f is not None and meaning(str(f), source) == NOT_APPLICABLE, otypes=[bool]
        )(flags)
        if flags.size
        else np.zeros(values.shape, bool)
    )
    missing = np.isnan(values) & ~not_applicable
    total = np.where(np.isnan(values), 0.0, values).sum(axis=1)
    unknown = missing.any(axis=1)
    none_given = (np.isnan(values)).all(axis=1)
    flag = np.full(len(values), None, dtype=object)
    for row in np.flatnonzero(unknown | none_given):
        lost = np.flatnonzero(missing[row]) if unknown[row] else np.arange(values.shape[1])
        symbols = [flags[row, c] for c in lost if flags[row, c] is not None]
        flag[row] = symbols[0] if symbols else None
    total = np.where(unknown | none_given, np.nan, total)
    return total, flag


def spc_year_groups(result: FileResult) -> None:
    """The SPC file's year-group columns -> ``pupils_year_group`` (a second reading of the
    rows loaded into ``pupils``: not counted again)."""
    rows = result.rows
    labels: dict[str, list[str]] = {}
    for index, (_, label) in enumerate(SPC_YEAR_GROUPS):
        for part, _ in SPC_YEAR_GROUP_PARTS:
            name = spc_year_group_column(index, part)
            if name in rows:
                labels.setdefault(label, []).append(name)
    parts = [name for names in labels.values() for name in names]
    frames = []
    for label, names in labels.items():
        values = np.column_stack([rows[n].to_numpy(dtype=float, na_value=np.nan) for n in names])
        flags = np.column_stack([_flags(rows, n) for n in names])
        total, flag = _sum_parts(values, flags, "census")
        frames.append(
            pd.DataFrame(
                {
                    "time_period": rows["time_period"].to_numpy(),
                    "urn": rows["urn"].to_numpy(),
                    "year_group": label,
                    "headcount": pd.array(np.round(total), dtype="Int64")
                    if not np.isnan(total).all()
                    else pd.array([pd.NA] * len(total), dtype="Int64"),
                    "headcount_flag": flag,
                    SOURCE_ROW: rows[SOURCE_ROW].to_numpy(),
                }
            )
        )
    result.rows = rows.drop(columns=[c for p in parts for c in (p, f"{p}_flag") if c in rows])
    if frames:
        result.derived["pupils_year_group"] = pd.concat(frames, ignore_index=True)


def sen_needs(result: FileResult) -> None:
    """The SEN file's ``EHC_Primary_need_*`` / ``SUP_Primary_need_*`` columns ->
    ``sen_need`` (a second reading of the rows loaded into ``sen``)."""
    rows = result.rows
    frames, used = [], []
    for prefix, provision in SEN_NEED_PROVISIONS.items():
        for code, label in SEN_NEED_LABELS.items():
            name = f"need_{prefix.lower()}_{code}"
            if name not in rows:
                continue
            used += [name, f"{name}_flag"]
            frames.append(
                pd.DataFrame(
                    {
                        "time_period": rows["time_period"].to_numpy(),
                        "urn": rows["urn"].to_numpy(),
                        "sen_provision": provision,
                        "primary_need": label,
                        "pupils": rows[name].to_numpy(),
                        "pupils_flag": _flags(rows, name),
                        SOURCE_ROW: rows[SOURCE_ROW].to_numpy(),
                    }
                )
            )
    result.rows = rows.drop(columns=[c for c in used if c in rows])
    if frames:
        need = pd.concat(frames, ignore_index=True)
        need["pupils"] = need["pupils"].astype("Int64")
        result.derived["sen_need"] = need


def _out_of_scope(result: FileResult, lines: pd.Series | np.ndarray) -> None:
    result.rows_out_of_scope += result.weight_of(lines)


def _reject_repeats(result: FileResult, frame: pd.DataFrame, key: list[str], what: str) -> None:
    """Rows whose ``key`` an earlier row of the file had are rejected (kept: the first)."""
    repeat = frame.duplicated(key, keep="first").to_numpy(dtype=bool)
    if not repeat.any():
        return
    lines = frame.loc[repeat, SOURCE_ROW].to_numpy()
    result.issues.add(
        lines,
        what,
        None,
        "duplicate_key",
        [f"{result.file} row {line}: a second row for the same school, year and {what}; "
         "later duplicates are rejected" for line in lines],
    )  # fmt: skip


def _pivot(result: FileResult, frame: pd.DataFrame, column: str, value: str) -> pd.DataFrame:
    """Rows (one per school, year and ``column``) -> one row per school and year, a column
    per value of ``column``; the row keeps the first line and records how many it stands
    for (``FileResult.folded``). ``frame`` must have no repeated (school, year, column)."""
    frame = frame.sort_values(SOURCE_ROW, kind="stable")
    key = ["time_period", "urn"]
    groups = frame.groupby(key, sort=False)
    out = groups[[SOURCE_ROW, *(c for c in _SCHOOL if c in frame)]].first()
    out[SOURCE_ROW] = groups[SOURCE_ROW].min()
    sizes = groups.size()
    for name, part in frame.groupby(column, sort=False):
        part = part.set_index(key)
        out[str(name)] = part[value].reindex(out.index)
        out[f"{name}_flag"] = part[f"{value}_flag"].reindex(out.index)
    out = out.reset_index()
    for line, size in zip(out[SOURCE_ROW].to_numpy(), sizes.to_numpy(), strict=True):
        if size > 1:
            result.folded[int(line)] = result.folded.get(int(line), 1) + int(size) - 1
    return out


def sen_long(result: FileResult) -> None:
    """A SEN 2026-format file: need rows stay (``sen_need``); provision totals -> ``sen``."""
    rows = result.rows
    unit = _lower(rows, "specialist_provision_unit_type")
    provision = _lower(rows, "sen_provision").map(SEN_PROVISIONS)
    need_total = _lower(rows, "primary_need").isin(SEN_NEED_TOTALS).to_numpy(dtype=bool)
    out = (
        ~unit.isin(WHOLE_SCHOOL).to_numpy(dtype=bool)
        | provision.isna().to_numpy(dtype=bool)
        | (provision.eq("All pupils").to_numpy(dtype=bool) & ~need_total)
    )
    _out_of_scope(result, rows.loc[out, SOURCE_ROW])
    totals = rows[~out & need_total].assign(
        _total=provision[~out & need_total].map(SEN_TOTAL_COLUMNS)
    )
    _reject_repeats(result, totals, ["time_period", "urn", "_total"], "sen_provision")
    totals = totals[~totals.duplicated(["time_period", "urn", "_total"], keep="first")]
    needs = rows[~out & ~need_total].copy()
    needs["sen_provision"] = provision[~out & ~need_total]
    _reject_repeats(result, needs, list(TABLE_KEYS["sen_need"]), "sen_primary_need")
    result.rows = needs[~needs.duplicated(list(TABLE_KEYS["sen_need"]), keep="first")].reset_index(
        drop=True
    )
    if totals.empty:
        return
    sen = _pivot(result, totals, "_total", "pupils")
    for column in SEN_TOTAL_COLUMNS.values():
        if column not in sen:
            sen[column] = pd.array([pd.NA] * len(sen), dtype="Int64")
            sen[f"{column}_flag"] = None
        sen[column] = sen[column].astype("Int64")
    result.derived["sen"] = sen
    result.derived_loaded += result.weight_of(sen[SOURCE_ROW])


def spc_long(result: FileResult) -> None:
    """The SPC 2025/26 long School-level data set -> ``pupils`` and ``pupils_year_group``."""
    rows = result.rows
    whole = (
        _lower(rows, "sex").isin(WHOLE_SCHOOL)
        & _lower(rows, "attendance_pattern").isin(WHOLE_SCHOOL)
    ).to_numpy(dtype=bool)
    topic, breakdown = _lower(rows, "breakdown_topic"), _lower(rows, "breakdown")
    measure = pd.Series(
        [SPC_MEASURES.get(pair) for pair in zip(topic, breakdown, strict=True)], index=rows.index
    )
    is_year = topic.eq(SPC_YEAR_GROUP_TOPIC).to_numpy(dtype=bool)
    year_group = breakdown.map(SPC_LONG_YEAR_GROUPS)
    known_year = is_year & year_group.notna().to_numpy(dtype=bool)
    use_measure = whole & measure.notna().to_numpy(dtype=bool)
    use_year = whole & known_year
    unseen = whole & is_year & ~known_year & breakdown.str.match(_YEAR_GROUP_LIKE).to_numpy(bool)
    if unseen.any():
        values = sorted(set(rows.loc[unseen, "breakdown"].astype("str")))
        line = int(rows.loc[unseen, SOURCE_ROW].iloc[0])
        result.issues.add(
            [line],
            result.raw_names.get("breakdown", "breakdown"),
            [", ".join(values)],
            "unconfirmed_breakdown",
            f"{result.file}: year groups {', '.join(values)} are not loaded (no real file "
            "seen to confirm their labels); they are counted out of scope",
            "warning",
        )
    _out_of_scope(result, rows.loc[~(use_measure | use_year), SOURCE_ROW])
    counts = rows[use_measure].assign(_measure=measure[use_measure])
    _reject_repeats(result, counts, ["time_period", "urn", "_measure"], "breakdown")
    counts = counts[~counts.duplicated(["time_period", "urn", "_measure"], keep="first")]
    years = rows[use_year].assign(year_group=year_group[use_year])
    _reject_repeats(result, years, list(TABLE_KEYS["pupils_year_group"]), "breakdown")
    years = years[~years.duplicated(list(TABLE_KEYS["pupils_year_group"]), keep="first")]
    if len(years):
        derived = years[["time_period", "urn", "year_group", SOURCE_ROW]].assign(
            headcount=years["pupil_count"].astype("Int64"),
            headcount_flag=years["pupil_count_flag"].to_numpy(dtype=object),
        )
        result.derived["pupils_year_group"] = derived.reset_index(drop=True)
        result.derived_loaded += result.weight_of(derived[SOURCE_ROW])
    if counts.empty:
        result.rows = rows.iloc[0:0][["time_period", "urn", SOURCE_ROW]]
        return
    pupils = _pivot(result, counts, "_measure", "pupil_count")
    for column in ("headcount", "fsm_eligible", "eal"):
        if column not in pupils:
            pupils[column] = pd.array([pd.NA] * len(pupils), dtype="Int64")
            pupils[f"{column}_flag"] = None
        pupils[column] = pupils[column].astype("Int64")
    result.rows = pupils


# ======================================================================================
# Across files: one table fed by several sources
# ======================================================================================


def _contributions(results: Sequence[FileResult], table: str) -> list[tuple[FileResult, str]]:
    """(file, where) of every frame feeding ``table``: ``rows`` or a derived table."""
    parts = []
    for result in sorted(results, key=lambda r: r.path_order):
        if result.file_rejected or result.source is None:
            continue
        if result.source.table == table:
            parts.append((result, "rows"))
        if table in result.derived:
            parts.append((result, "derived"))
    return parts


def _frame(result: FileResult, where: str, table: str) -> pd.DataFrame:
    return result.rows if where == "rows" else result.derived[table]


def _owns(result: FileResult, where: str) -> bool:
    """Whether the frame's rows are counted as loaded through it (else they are another
    table's rows read twice)."""
    return (
        where == "rows"
        or result.source is None
        or result.source.name
        in (
            "sen_need",
            "census_long",
        )
    )


def resolve_tables(results: Sequence[FileResult]) -> None:
    """Across the files feeding one table from different sources, a later row with a key
    an earlier file had is dropped: rejected when that was its only table, else warned.
    Then a derived row whose own row was rejected is dropped with it."""
    for table, key in TABLE_KEYS.items():
        parts = _contributions(results, table)
        for result, where in parts:  # derived rows of rows rejected since they were read
            if where == "derived" and not _owns(result, where):
                frame = result.derived[table]
                alive = frame[SOURCE_ROW].isin(result.rows[SOURCE_ROW]).to_numpy(dtype=bool)
                result.derived[table] = frame[alive].reset_index(drop=True)
        if len({id(r.source) for r, _ in parts}) < 2:
            continue  # one source: its duplicates were checked across its files already
        seen: pd.DataFrame | None = None
        for result, where in parts:
            frame = _frame(result, where, table)
            if frame.empty:
                continue
            mine = frame[list(key)].assign(_file=result.file, _line=frame[SOURCE_ROW].to_numpy())
            if seen is not None:
                hit = mine.merge(seen, on=list(key), how="left", suffixes=("", "_first"))
                dup = hit["_file_first"].notna().to_numpy(dtype=bool)
                if dup.any():
                    _drop(result, where, table, frame, dup, hit[dup], key)
                    frame = _frame(result, where, table)
                    mine = mine[~dup]
            seen = mine if seen is None else pd.concat([seen, mine], ignore_index=True)


def _drop(
    result: FileResult,
    where: str,
    table: str,
    frame: pd.DataFrame,
    dup: np.ndarray,
    hits: pd.DataFrame,
    key: tuple[str, ...],
) -> None:
    lines = frame.loc[dup, SOURCE_ROW].to_numpy()
    owned = _owns(result, where)
    reasons = [
        f"{result.file} row {line}: its {table} row (same {', '.join(key)}) was already "
        f"loaded from {first} row {first_line}; "
        + ("later duplicates are rejected" if owned else "this file's is not used")
        for line, first, first_line in zip(lines, hits["_file_first"], hits["_line_first"],
                                           strict=True)
    ]  # fmt: skip
    values = [
        ", ".join(str(v) for v in row) for row in frame.loc[dup, list(key)].itertuples(index=False)
    ]
    severity = "reject" if owned else "warning"
    result.issues.add(lines, ", ".join(key), values, "duplicate_key", reasons, severity)
    kept = frame[~dup].reset_index(drop=True)
    if where == "rows":
        result.rows = kept
    else:
        if owned:
            result.derived_loaded -= result.weight_of(lines)
        result.derived[table] = kept


def table_rows(results: Sequence[FileResult], table: str) -> pd.DataFrame:
    """Every row of ``table``: the rows of the files whose source loads it, then the rows
    other files derive for it; each file's frames handed over (released) as taken."""
    frames = []
    for result, where in _contributions(results, table):
        if where == "rows":
            if not len(result.rows):
                continue
            rows = result.release_rows()
        else:
            rows = result.derived.pop(table)
            if not len(rows):
                continue
        rows["source_file"] = result.file
        frames.append(rows)
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
