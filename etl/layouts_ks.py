"""Published KS2, KS4 and absence layouts that are not EES school files with LA columns.

Each layout here is recognised by its header and rewritten, before validation, into the
columns its source reads (etl.sources ``ks2``, ``ks4``, ``absence``); after validation
(``shape_layout``, called first in etl.shape.shape_results) its rows are put in the
warehouse's grain. The file's own column names are kept where a column comes straight
from the file (the source lists them as aliases), so a reject names the header the
analyst sees. Rows a layout leaves out (other subjects, breakdowns, terms) are counted
out of scope; a row standing for several rows records how many (``FileResult.folded``).

Layouts (docs/architecture.md, "Raw sources"):

- ``ks2_ees_long``: EES "Key stage 2 institution level" (2022/23 on): long by
  ``breakdown_topic``/``breakdown``/``subject``, **percentages only** and no LA columns.
  Kept: subject "Reading, writing and maths", breakdown "All pupils"/"Total". The file
  has no pupil numbers, so no count can be derived: the published percentage is kept in
  ``ks2.rwm_expected_percent`` and ``pupils_eligible``/``rwm_expected`` are NULL.
- ``ks2_performance_tables``: "Compare school and college performance" download
  ``england_ks2final.csv`` (``RECTYPE``, ``LEA``, ``URN``, ``TELIG``, ``PTRWM_EXP``):
  ``rwm_expected = round(PTRWM_EXP * TELIG / 100)`` (half up).
- ``ks4_ees_long``: EES "Key stage 4 performance" institution level (``pupil_count``,
  ``attainment8_average``; the "Total"/"All pupils" rows, every other filter "Total").
- ``ks4_performance_tables``: ``england_ks4final.csv`` / ``england_ks4provisional.csv``
  (``RECTYPE``, ``LEA``, ``URN``, ``TPUP``, ``ATT8SCR``).
- ``absence_la_termly``: EES absence by term, National/Regional/LA (``term`` column:
  ``Total`` and each term; ``school_type`` without a Total): the ``Total`` (full-year)
  rows are kept, term rows counted out of scope; the school types of an area and year
  are summed into its Total (sessions add up), folded.

Performance-tables downloads have no year column: the year comes from the file's path
(a folder or file name like ``2018-2019``), as the download's folders are named; a file
without one is rejected. ``RECTYPE``: 1 and 2 (mainstream and special schools) are
School rows, 4 Local authority, 7 National (state-funded schools); others (5: all
schools, independent ones included) are out of scope. Files without an LA column (the
EES long files; a trimmed download without ``LEA``) have their School rows scoped by URN:
the LA's schools in GIAS.

Known layouts that cannot be loaded are rejected with the reason: the performance-tables
absence download ``england_abs.csv`` (percentages only, no sessions), a KS2/KS4 download
without its pupil numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from contract.settings import Config

from .benchmarks import BENCHMARK_KEY
from .readers import SOURCE_ROW, RawFile, _csv_head
from .sources import EES_STANDARD as SOURCE_EES_STANDARD
from .sources import SOURCES_BY_NAME, Detection, detect_source, normalise_header
from .validate import FileResult

#: The EES standard columns a rewritten file starts with (etl.sources.EES_STANDARD).
EES_STANDARD = tuple(column.raw for column in SOURCE_EES_STANDARD)
#: Performance-tables record types (as england_ks4provisional.csv shows them).
RECTYPE_LEVELS = {"1": "School", "2": "School", "4": "Local authority", "7": "National"}
KS2_SUBJECT = "reading, writing and maths"
TOTAL_BREAKDOWNS = frozenset({"total", "all pupils"})
#: EES KS4 institution-level filters besides the breakdown: only their Total rows.
KS4_FILTERS = ("sex", "disadvantage_status", "first_language", "prior_attainment", "mobility")
_YEAR = re.compile(r"(?<!\d)(20\d\d)[-_ /]?(?:20)?(\d\d)(?!\d)")


@dataclass(frozen=True)
class Layout:
    name: str
    source: str
    #: Normalised headers the file must have, and any of which it must not.
    needs: frozenset[str]
    lacks: frozenset[str] = frozenset()
    #: School rows scoped by URN in GIAS (no LA column); benchmark school types summed.
    scope_by_urn: bool = False
    sum_school_types: bool = False
    #: Why a recognised file cannot be loaded (rejected whole with this reason).
    refuse: str | None = None


def _keys(*names: str) -> frozenset[str]:
    return frozenset(normalise_header(n) for n in names)


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "ks2_ees_long",
        "ks2",
        _keys(
            "time_period",
            "school_urn",
            "breakdown_topic",
            "breakdown",
            "subject",
            "expected_standard_pupil_percent",
        ),  # fmt: skip
        _keys("old_la_code"),
        scope_by_urn=True,
    ),
    Layout("ks2_performance_tables", "ks2", _keys("rectype", "urn", "telig", "ptrwm_exp")),
    Layout(
        "ks2_performance_tables_trimmed",
        "ks2",
        _keys("rectype", "urn", "readprog"),
        _keys("telig", "ptrwm_exp"),
        refuse="a KS2 performance-tables file without TELIG and PTRWM_EXP (this copy holds "
        "progress scores only): the pupils meeting the expected standard cannot be counted",
    ),
    Layout(
        "ks4_ees_long",
        "ks4",
        _keys(
            "time_period",
            "school_urn",
            "breakdown_topic",
            "breakdown",
            "pupil_count",
            "attainment8_average",
        ),  # fmt: skip
        _keys("old_la_code"),
        scope_by_urn=True,
    ),
    Layout("ks4_performance_tables", "ks4", _keys("rectype", "urn", "tpup", "att8scr")),
    Layout(
        "ks4_performance_tables_trimmed",
        "ks4",
        _keys("rectype", "urn", "att8scr"),
        _keys("tpup"),
        refuse="a KS4 performance-tables file without TPUP (pupils at the end of key stage "
        "4): an Attainment 8 mean cannot be weighted into area figures without its pupils",
    ),
    Layout(
        "absence_la_termly",
        "absence",
        _keys(
            "time_period",
            "geographic_level",
            "term",
            "school_type",
            "sess_possible",
            "sess_overall",
            "sess_authorised",
            "sess_unauthorised",
        ),  # fmt: skip
        _keys("school_urn", "urn"),
        sum_school_types=True,
    ),
    Layout(
        "absence_performance_tables",
        "absence",
        _keys("urn", "perctot", "ppersabs10"),
        _keys("sess_possible"),
        refuse="a performance-tables absence file with percentages only (PERCTOT overall "
        "absence, PPERSABS10 persistent absence) and no sessions or enrolments: area rates "
        "cannot be computed from it (use the EES school-level absence file)",
    ),
)
LAYOUTS_BY_NAME = {layout.name: layout for layout in LAYOUTS}


def find_layout(header: list[str]) -> Layout | None:
    keys = {normalise_header(h) for h in header}
    for layout in LAYOUTS:
        if layout.needs <= keys and not keys & layout.lacks:
            return layout
    return None


def peek_layout(path: Path) -> str | None:
    """The source a layout of this file's header feeds (for file ordering), or None."""
    try:
        _encoding, index, _detection, rows = _csv_head(path)
        layout = find_layout([h.replace("\ufeff", "") for h in rows[index]])
    except Exception:  # noqa: BLE001 - an unreadable file is reported when it is read
        return None
    return layout.source if layout and layout.refuse is None else None


def year_from_path(name: str) -> int | None:
    """202324 from a path holding ``2023-2024``, ``2023-24`` or ``202324`` (the file name
    first, then its folders)."""
    for part in reversed(Path(name).parts):
        for match in _YEAR.finditer(part):
            start, end = int(match.group(1)), int(match.group(2))
            if end == (start + 1) % 100:
                return start * 100 + end
    return None


# --------------------------------------------------------------------------------------
# Before validation: the layout's columns into its source's
# --------------------------------------------------------------------------------------


def adapt_layout(raw: RawFile, config: Config, name: str) -> tuple[RawFile, str | None]:
    """``raw`` rewritten into its source's columns when its header is a layout here
    (else unchanged), and the layout's name."""
    if raw.detection.source is not None:
        return raw, None
    layout = find_layout(raw.header)
    if layout is None:
        return raw, None
    source = SOURCES_BY_NAME[layout.source]
    if layout.refuse:
        raw.detection = Detection(None, error=f"{layout.refuse}", near=source)
        return raw, layout.name
    frame = raw.table.to_pandas()
    by_key = {normalise_header(c): c for c in frame.columns if c != SOURCE_ROW}
    try:
        out, skipped = _ADAPTERS[layout.name](frame, by_key, config, name)
    except _Refused as refused:
        raw.detection = Detection(None, error=str(refused), near=source)
        return raw, layout.name
    header = [c for c in out.columns if c != SOURCE_ROW]
    detection = detect_source(header)
    if detection.source is not source:  # a layout that does not fit: left as it was
        return raw, None
    raw.table = pa.Table.from_pandas(out, preserve_index=False)
    raw.header = header
    raw.detection = detection
    raw.rows_skipped += skipped
    return raw, layout.name


class _Refused(Exception):
    """A recognised file that cannot be loaded (the message says why)."""


def _col(frame: pd.DataFrame, by_key: dict[str, str], name: str) -> pd.Series:
    raw = by_key.get(normalise_header(name))
    if raw is None:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[raw].fillna("").astype(str).str.strip()


def _lower(frame: pd.DataFrame, by_key: dict[str, str], name: str) -> pd.Series:
    return _col(frame, by_key, name).str.lower()


def _school_scope_code(config: Config) -> str:
    codes = config.council.school_la_codes()
    return str(codes[0] if codes else config.council.old_la_code)


def _standard(
    frame: pd.DataFrame, by_key: dict[str, str], period: pd.Series, level: pd.Series
) -> dict[str, pd.Series]:
    cols = {c: _col(frame, by_key, c) for c in EES_STANDARD}
    cols["time_period"] = period
    cols["geographic_level"] = level
    if not (cols["time_identifier"] != "").any():
        cols["time_identifier"] = pd.Series("Academic year", index=frame.index)
    return cols


def _ees_long(
    frame: pd.DataFrame, by_key: dict[str, str], config: Config, keep: np.ndarray
) -> tuple[dict[str, pd.Series], np.ndarray]:
    """EES standard columns of a long institution file without LA columns: School rows
    carry the council's code until they are scoped by URN (``shape_layout``)."""
    level = _col(frame, by_key, "geographic_level")
    level = level.where(level != "", "School")
    cols = _standard(frame, by_key, _col(frame, by_key, "time_period"), level)
    school = level.str.lower().eq("school")
    cols["old_la_code"] = pd.Series(np.where(school, _school_scope_code(config), ""), frame.index)
    return cols, keep


def _totals(frame: pd.DataFrame, by_key: dict[str, str]) -> np.ndarray:
    topic = _lower(frame, by_key, "breakdown_topic")
    breakdown = _lower(frame, by_key, "breakdown")
    return (topic.isin(TOTAL_BREAKDOWNS) & breakdown.isin(TOTAL_BREAKDOWNS)).to_numpy(
        dtype=bool, copy=True
    )


def _finish(cols: dict[str, pd.Series], frame: pd.DataFrame, keep: np.ndarray) -> tuple:
    out = pd.DataFrame({name: values.to_numpy(dtype=object) for name, values in cols.items()})
    out[SOURCE_ROW] = frame[SOURCE_ROW].to_numpy()
    return out[keep].reset_index(drop=True), int((~keep).sum())


def _ks2_ees_long(frame, by_key, config, name):
    keep = _totals(frame, by_key) & _lower(frame, by_key, "subject").eq(KS2_SUBJECT).to_numpy()
    cols, keep = _ees_long(frame, by_key, config, keep)
    blank = pd.Series("", index=frame.index)
    cols |= {
        "school_urn": _col(frame, by_key, "school_urn"),
        "school_name": _col(frame, by_key, "school_name"),
        # No pupil numbers in this file: the counts are not published, not zero.
        "t_elig": blank,
        "t_rwm_met_expected": blank,
        by_key[normalise_header("expected_standard_pupil_percent")]: _col(
            frame, by_key, "expected_standard_pupil_percent"
        ),
    }
    return _finish(cols, frame, keep)


def _ks4_ees_long(frame, by_key, config, name):
    keep = _totals(frame, by_key)
    for column in KS4_FILTERS:
        if normalise_header(column) in by_key:
            value = _lower(frame, by_key, column)
            keep &= (value.isin(TOTAL_BREAKDOWNS) | value.eq("")).to_numpy(dtype=bool)
    cols, keep = _ees_long(frame, by_key, config, keep)
    cols |= {
        "school_urn": _col(frame, by_key, "school_urn"),
        "school_name": _col(frame, by_key, "school_name"),
        by_key[normalise_header("pupil count")]: _col(frame, by_key, "pupil_count"),
        by_key[normalise_header("attainment8 average")]: _col(frame, by_key, "attainment8_average"),
    }
    return _finish(cols, frame, keep)


def _percent(values: pd.Series) -> pd.Series:
    """``67%`` -> ``67`` (performance tables write percentages with a % sign)."""
    return values.str.replace(r"%\s*$", "", regex=True).str.strip()


def _performance_tables(frame, by_key, config, name) -> dict[str, pd.Series]:
    period = year_from_path(name)
    if period is None:
        raise _Refused(
            "a performance-tables download has no year column: put the file in a folder "
            "named after its academic year (e.g. 2018-2019/england_ks2final.csv, as the "
            "download's folders are named)"
        )
    rectype = _col(frame, by_key, "rectype")
    level = rectype.map(RECTYPE_LEVELS)
    level = level.where(level.notna(), "RECTYPE " + rectype).where(rectype != "", "")
    cols = _standard(frame, by_key, pd.Series(str(period), index=frame.index), level)
    school = level.eq("School")
    if normalise_header("lea") in by_key:
        lea = _col(frame, by_key, "lea")
    else:  # a trimmed copy: School rows are scoped by URN in GIAS
        lea = pd.Series(np.where(school, _school_scope_code(config), ""), frame.index)
    cols["old_la_code"] = lea.where(level.isin(["School", "Local authority"]), "")
    council = lea.eq(str(config.council.old_la_code)) & level.eq("Local authority")
    cols["new_la_code"] = pd.Series(np.where(council, config.council.new_la_code, ""), frame.index)
    cols["la_name"] = pd.Series(np.where(council, config.council.name, ""), frame.index)
    national = level.eq("National")
    cols["country_code"] = pd.Series(np.where(national, "E92000001", ""), frame.index)
    cols["country_name"] = pd.Series(np.where(national, "England", ""), frame.index)
    cols[by_key[normalise_header("urn")]] = _col(frame, by_key, "urn")
    if normalise_header("schname") in by_key:
        cols[by_key[normalise_header("schname")]] = _col(frame, by_key, "schname")
    else:
        cols["school_name"] = pd.Series("", index=frame.index)
    return cols


def _ks2_performance_tables(frame, by_key, config, name):
    cols = _performance_tables(frame, by_key, config, name)
    eligible = _col(frame, by_key, "telig")
    percent = _percent(_col(frame, by_key, "ptrwm_exp"))
    n = pd.to_numeric(eligible, errors="coerce")
    p = pd.to_numeric(percent, errors="coerce")
    count = np.floor(p * n / 100 + 0.5)
    derived = count.map(lambda v: "" if pd.isna(v) else str(int(v)))
    # A withheld or missing part withholds the count: PTRWM_EXP's symbol, else TELIG's.
    symbol_p = percent.where(p.isna() & percent.ne(""), "")
    symbol_n = eligible.where(n.isna() & eligible.ne(""), "")
    derived = derived.where(symbol_p.eq(""), symbol_p).where(
        symbol_p.ne("") | symbol_n.eq(""), symbol_n
    )
    cols[by_key[normalise_header("telig")]] = eligible
    cols["t_rwm_met_expected"] = derived
    cols[by_key[normalise_header("ptrwm_exp")]] = percent
    return _finish(cols, frame, np.ones(len(frame), bool))


def _ks4_performance_tables(frame, by_key, config, name):
    cols = _performance_tables(frame, by_key, config, name)
    cols[by_key[normalise_header("tpup")]] = _col(frame, by_key, "tpup")
    cols[by_key[normalise_header("att8scr")]] = _col(frame, by_key, "att8scr")
    return _finish(cols, frame, np.ones(len(frame), bool))


def _absence_la_termly(frame, by_key, config, name):
    term = _lower(frame, by_key, "term")
    keep = (term.eq("total") | term.eq("")).to_numpy(dtype=bool)
    cols = _standard(
        frame, by_key, _col(frame, by_key, "time_period"), _col(frame, by_key, "geographic_level")
    )
    blank = pd.Series("", index=frame.index)
    cols |= {"school_urn": blank, "school_laestab": blank, "school_name": blank}
    cols["school_type"] = _col(frame, by_key, "school_type")
    for column in ("enrolments", "enrolments_pa_10_exact"):  # not in this file
        cols[column] = _col(frame, by_key, column)
    for column in ("sess_possible", "sess_overall", "sess_authorised", "sess_unauthorised"):
        cols[by_key[normalise_header(column)]] = _col(frame, by_key, column)
    return _finish(cols, frame, keep)


_ADAPTERS: dict[str, Callable] = {
    "ks2_ees_long": _ks2_ees_long,
    "ks2_performance_tables": _ks2_performance_tables,
    "ks4_ees_long": _ks4_ees_long,
    "ks4_performance_tables": _ks4_performance_tables,
    "absence_la_termly": _absence_la_termly,
}


# --------------------------------------------------------------------------------------
# After validation: scope by URN, school types summed
# --------------------------------------------------------------------------------------


def shape_layout(result: FileResult, register: pd.DataFrame | None) -> None:
    layout = LAYOUTS_BY_NAME.get(result.layout or "")
    if layout is None or result.file_rejected:
        return
    if layout.scope_by_urn:
        _scope_by_urn(result, register)
    if layout.sum_school_types:
        _sum_school_types(result)


def _scope_by_urn(result: FileResult, register: pd.DataFrame | None) -> None:
    """School rows of a file without LA columns: the LA's schools (GIAS URNs) only."""
    rows = result.rows
    if rows.empty or "urn" not in rows:
        return
    known = (
        register["urn"].dropna().astype("int64").to_numpy()
        if register is not None and "urn" in register
        else np.empty(0, np.int64)
    )
    mine = rows["urn"].isin(known).to_numpy(dtype=bool)
    result.rows_out_of_scope += result.weight_of(rows[SOURCE_ROW][~mine])
    result.rows = rows[mine].reset_index(drop=True)


#: Benchmark counts summed over school types (sessions add up; enrolments too): the
#: absence source's counts.
_ADDITIVE = tuple(c.name for c in SOURCES_BY_NAME["absence"].columns if c.type == "count")
_AREA = BENCHMARK_KEY


def _sum_school_types(result: FileResult) -> None:
    """An area's school-type rows (no Total row in the file) summed into its Total: a
    count is known only when every school type's is."""
    bench = result.bench
    if bench.empty or "school_type" not in bench:
        return
    phase = bench["school_type"].fillna("").astype(str).str.strip().str.lower()
    if phase.eq("total").any():
        return
    key = [k for k in _AREA if k in bench]
    bench = bench.sort_values([*key, SOURCE_ROW], kind="stable")
    groups = bench.groupby(key, sort=False, dropna=False)
    summed = groups.head(1).set_index(key)
    for name in _ADDITIVE:
        if name not in bench:
            continue
        complete = groups[name].count().eq(groups[name].size())
        summed[name] = groups[name].sum(min_count=1).where(complete).reindex(summed.index)
        flag = f"{name}_flag"
        if flag in bench:
            first = groups[flag].agg(lambda f: next((v for v in f if isinstance(v, str)), None))
            summed[flag] = first.where(~complete).reindex(summed.index)
    for column in summed.columns:
        if column.endswith("_percent"):  # a school type's rate is not the area's
            summed[column] = np.nan
    summed["school_type"] = "Total"
    sizes = groups.size().reindex(summed.index).to_numpy()
    summed = summed.reset_index()[bench.columns]
    for line, size in zip(summed[SOURCE_ROW].to_numpy(), sizes, strict=True):
        if size > 1:
            result.folded[int(line)] = result.folded.get(int(line), 1) + int(size) - 1
    result.bench = summed.reset_index(drop=True)
