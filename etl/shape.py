"""Published layouts into one row per school and year (and per area and year).

After each file is validated, and before duplicates are looked for across a source's
files, the rows of a real DfE file are put in the warehouse's grain:

- **Totals only** for benchmark rows: the LA, region and England rows of a file with a
  school-type (phase) filter come once per phase and once as ``Total``; the ``Total`` row
  is the area's figure, the phase rows are counted out of scope.
- **Schools found by LAESTAB** (``identify_by_laestab``): the releases to 2016/17 name a
  school by its LA and establishment number only. GIAS holds every establishment with
  that number, open or closed, and academies often keep the number of the school they
  replaced, so the URN is the one open in that academic year.
- **Terms summed** (``sum_terms``): the termly files have an Autumn, Spring and Summer row
  per school and year. Exclusions and suspensions add up across terms; the headcount is the
  spring census's (the DfE's termly rates use it for every term); pupils with one or more
  suspensions do not add up (a pupil suspended in two terms is in both), so a year summed
  from terms has none (``z``). Which terms a year holds is kept in ``terms`` and a year
  short of a term is warned.

Folding rows keeps the accounting: a row that stands for several input rows carries their
number (``FileResult.folded``), so rows read still equal loaded + benchmark + out of
scope + rejected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .benchmarks import BENCHMARK_KEY
from .exclusions_log import normalise as normalise_log
from .layouts_ks import shape_layout
from .readers import SOURCE_ROW
from .sources import Source
from .validate import FileResult

#: time_identifier values of a single term, and the order terms come in.
TERMS: dict[str, str] = {
    "autumn term": "Autumn",
    "spring term": "Spring",
    "summer term": "Summer",
}
TERM_ORDER = ("Autumn", "Spring", "Summer")
#: Counts that add up across terms, and the one that does not.
TERM_SUMS = ("perm_excl", "susp")
TERM_NOT_ADDITIVE = ("one_plus_susp",)
#: The filter column whose ``Total`` rows are an area's figure.
PHASE_FILTER = "school_type"
TOTAL = "total"


def shape_results(results: list[FileResult], register: pd.DataFrame | None, source: Source) -> None:
    """Every step this source's published layouts need, file by file."""
    for result in results:
        if result.file_rejected:
            continue
        shape_layout(result, register)  # KS2, KS4 and absence layouts (etl.layouts_ks)
        if source.name == "exclusions_log":
            normalise_log(result)
            continue
        if source.kind == "ees" and source.table is None:
            no_school_rows(result)
        if source.kind == "ees":
            totals_only(result)
            all_plans_only(result)
        if source.name == "exclusions":
            identify_by_laestab(result, register)
            sum_terms(result, "rows", ("time_period", "urn"))
            sum_terms(result, "bench", BENCHMARK_KEY)


def no_school_rows(result: FileResult) -> None:
    """A source published for areas only (reasons): any School rows are out of scope."""
    if result.rows.empty:
        return
    result.rows_out_of_scope += result.weight_of(result.rows[SOURCE_ROW])
    result.rows = result.rows.iloc[0:0]


def totals_only(result: FileResult) -> None:
    """Benchmark rows of a phase other than ``Total`` are counted out of scope."""
    bench = result.bench
    if bench.empty or PHASE_FILTER not in bench:
        return
    phase = bench[PHASE_FILTER].fillna("").astype("str").str.strip().str.lower()
    other = (phase.ne(TOTAL) & phase.ne("")).to_numpy(dtype=bool)
    if not other.any():
        return
    result.rows_out_of_scope += result.weight_of(bench[SOURCE_ROW][other])
    result.bench = bench[~other].reset_index(drop=True)


#: The breakdown whose rows are an area's figure in the SEN2 2026 release's files (the others
#: split it by age, need ...: out of scope here).
ALL_PLANS = "all ehc plans"


def all_plans_only(result: FileResult) -> None:
    """Benchmark rows of a breakdown other than 'All EHC plans' are counted out of scope."""
    bench = result.bench
    if bench.empty or "breakdown" not in bench:
        return
    breakdown = bench["breakdown"].fillna("").astype("str").str.strip().str.lower()
    other = (breakdown.ne(ALL_PLANS) & breakdown.ne("")).to_numpy(dtype=bool)
    if not other.any():
        return
    result.rows_out_of_scope += result.weight_of(bench[SOURCE_ROW][other])
    result.bench = bench[~other].reset_index(drop=True)


def _academic_year_bounds(period: pd.Series) -> tuple[pd.Series, pd.Series]:
    start_year = period.astype("Int64") // 100
    start = pd.to_datetime(start_year.astype("str") + "-09-01", errors="coerce")
    end = pd.to_datetime((start_year + 1).astype("str") + "-08-31", errors="coerce")
    return start, end


def identify_by_laestab(result: FileResult, register: pd.DataFrame | None) -> None:
    """School rows without a URN get the URN GIAS gives their LAESTAB in that year."""
    rows = result.rows
    if rows.empty:
        return
    if "urn" not in rows:
        rows["urn"] = pd.array([pd.NA] * len(rows), dtype="Int64")
    need = rows["urn"].isna().to_numpy(dtype=bool)
    if not need.any():
        return
    laestab = (rows["laestab"] if "laestab" in rows else pd.Series(pd.NA, index=rows.index)).astype(
        "Int64"
    )
    urns = pd.array([pd.NA] * len(rows), dtype="Int64")
    if register is not None and not register.empty:
        urns = _laestab_urns(rows.loc[need, "time_period"], laestab[need], register)
        rows.loc[need, "urn"] = urns
    missing = rows["urn"].isna().to_numpy(dtype=bool)
    if missing.any():
        lines = rows.loc[missing, SOURCE_ROW].to_numpy()
        values = laestab[missing]
        raw = result.raw_names.get("laestab", "laestab")
        reasons = [
            f"{result.file} row {line}: LAESTAB {value} is not in GIAS (the full "
            "'Establishment fields' download holds closed schools too), so its school is "
            "not known"
            if not pd.isna(value)
            else f"{result.file} row {line}: the row names no school (no URN and no LAESTAB)"
            for line, value in zip(lines, values, strict=True)
        ]
        result.issues.add(
            lines,
            raw,
            ["" if pd.isna(v) else str(v) for v in values],
            "unknown_laestab",
            reasons,
        )
        rows = rows[~missing]
    rows["urn"] = rows["urn"].astype("Int64")
    result.rows = rows.reset_index(drop=True)


def _laestab_urns(
    period: pd.Series, laestab: pd.Series, register: pd.DataFrame
) -> pd.arrays.IntegerArray:
    """For each (period, LAESTAB), the URN open in that academic year; when several (or
    none) were open, the one that opened last before the year ended."""
    gias = register.dropna(subset=["la_code", "estab_number"]).copy()
    la = pd.to_numeric(gias["la_code"], errors="coerce")
    gias["laestab"] = (la * 10000 + gias["estab_number"].astype("float")).astype("Int64")
    gias = gias.dropna(subset=["laestab"])
    wanted = pd.DataFrame(
        {"_i": np.arange(len(period)), "time_period": period.to_numpy(), "laestab": laestab}
    ).dropna(subset=["laestab"])
    wanted["laestab"] = wanted["laestab"].astype("Int64")
    pairs = wanted.merge(
        gias[["laestab", "urn", "open_date", "close_date"]], on="laestab", how="inner"
    )
    out = pd.array([pd.NA] * len(period), dtype="Int64")
    if pairs.empty:
        return out
    start, end = _academic_year_bounds(pairs["time_period"])
    opened = pd.to_datetime(pairs["open_date"], errors="coerce")
    closed = pd.to_datetime(pairs["close_date"], errors="coerce")
    open_in_year = (opened.isna() | (opened <= end)) & (closed.isna() | (closed >= start))
    pairs["_rank_open"] = (~open_in_year).astype(int)  # open that year first
    pairs["_opened"] = opened.fillna(pd.Timestamp("1900-01-01"))
    pairs["_not_yet"] = (opened > end).fillna(False).astype(int)  # opened later: last resort
    best = pairs.sort_values(
        ["_i", "_rank_open", "_not_yet", "_opened", "urn"],
        ascending=[True, True, True, False, True],
        kind="stable",
    ).drop_duplicates("_i")
    out[best["_i"].to_numpy()] = best["urn"].astype("Int64").to_numpy()
    return out


def _terms_text(terms: list[str]) -> str:
    return ", ".join(t for t in TERM_ORDER if t in terms)


def sum_terms(result: FileResult, attr: str, key: tuple[str, ...]) -> None:
    """Term rows of one key (school or area, and year) become one row for the year."""
    frame: pd.DataFrame = getattr(result, attr)
    if frame.empty or "time_identifier" not in frame:
        return
    term = frame["time_identifier"].fillna("").astype("str").str.strip().str.lower().map(TERMS)
    is_term = term.notna().to_numpy(dtype=bool)
    if not is_term.any():
        return
    key = tuple(k for k in key if k in frame)
    full = frame[~is_term]
    terms = frame[is_term].assign(_term=term[is_term].to_numpy())
    # A year that has its full-year row too: that row is the year's figure.
    if len(full):
        covered = (
            terms.merge(
                full[list(key)].drop_duplicates(), on=list(key), how="left", indicator=True
            )["_merge"]
            .eq("both")
            .to_numpy()
        )
        if covered.any():
            result.rows_out_of_scope += result.weight_of(terms[SOURCE_ROW][covered])
            terms = terms[~covered]
    if terms.empty:
        setattr(result, attr, full.reset_index(drop=True))
        return
    terms = terms.sort_values([*key, SOURCE_ROW], kind="stable")
    for name in TERM_SUMS:  # a flag is a symbol or nothing ("nan" text is nothing)
        flag = f"{name}_flag"
        if flag in terms:
            text = terms[flag].astype("str")
            terms[flag] = terms[flag].where(terms[flag].notna() & ~text.isin(["nan", "", "None"]))
    groups = terms.groupby(list(key), sort=False, dropna=False)
    first = groups.head(1).set_index(list(key))
    summed = first.copy()
    for name in TERM_SUMS:
        if name not in terms:
            continue
        known = groups[name].count()
        total = groups[name].sum(min_count=1)
        size = groups[name].size()
        # the first term's symbol (first() skips the terms that have none)
        flags = groups[f"{name}_flag"].first() if f"{name}_flag" in terms else None
        complete = known.eq(size)
        summed[name] = total.where(complete).reindex(summed.index)
        if flags is not None:
            summed[f"{name}_flag"] = flags.where(~complete).reindex(summed.index)
    if "headcount" in terms:  # the spring census's headcount, else the largest term's
        spring = terms[terms["_term"].eq("Spring")].set_index(list(key))["headcount"]
        spring = spring[~spring.index.duplicated()]
        largest = groups["headcount"].max()
        summed["headcount"] = spring.reindex(summed.index).fillna(largest.reindex(summed.index))
        if "headcount_flag" in terms:
            summed["headcount_flag"] = summed["headcount_flag"].where(summed["headcount"].isna())
    n_terms = groups["_term"].nunique()
    for name in TERM_NOT_ADDITIVE:
        if name in terms:
            several = n_terms.reindex(summed.index).gt(1).to_numpy()
            summed.loc[several, name] = np.nan
            if f"{name}_flag" in terms:
                summed.loc[several, f"{name}_flag"] = "z"
    held = groups["_term"].agg(lambda t: _terms_text(list(t)))
    summed["terms"] = held.reindex(summed.index)
    summed["time_identifier"] = "Academic year"
    sizes = groups.size().reindex(summed.index).to_numpy()
    summed = summed.reset_index().drop(columns=["_term"])
    for line, size in zip(summed[SOURCE_ROW].to_numpy(), sizes, strict=True):
        if size > 1:
            result.folded[int(line)] = result.folded.get(int(line), 1) + int(size) - 1
    _warn_short_years(result, summed, attr)
    out = pd.concat(
        [
            full,
            summed[
                frame.columns.intersection(summed.columns).tolist()
                + [c for c in summed.columns if c not in frame.columns]
            ],
        ],
        ignore_index=True,
    )
    setattr(result, attr, out)


def _warn_short_years(result: FileResult, summed: pd.DataFrame, attr: str) -> None:
    """One warning per year that holds fewer than three terms (the latest year of a
    termly release, usually): its counts are the year so far."""
    full = ", ".join(TERM_ORDER)
    short = summed[summed["terms"].ne(full)]
    if short.empty:
        return
    for (period, held), group in short.groupby(["time_period", "terms"], sort=True):
        year = f"{int(period) // 100}/{int(period) % 100:02d}"
        what = "schools" if attr == "rows" else "areas"
        line = int(group[SOURCE_ROW].iloc[0])
        result.issues.add(
            [line],
            "time_identifier",
            [held],
            "incomplete_year",
            f"{result.file}: {year} holds the {held} term{'s' if ',' in held else ''} only "
            f"({len(group):,} {what}): its exclusions and suspensions are the year so far",
            "warning",
        )
