"""Validate and normalise raw rows: typed values, suppression flags, scope, rejects.

Every rule, what it does and its severity (``reject`` drops the row and records why;
``warning`` keeps the row and records it; ``stop`` fails the build, keeping the previous
warehouse live). Each problem becomes one row of the ``rejects`` table naming the file,
row, column, value and the reason; a rejected row counts once however many problems it has.
At most ``[limits] max_listed_rejects`` (10,000) rows are listed per file and rule; the
rest are counted (exactly) under one "and N more rows like this" row.

========================  ==========  ==================================================
rule                      severity    what
========================  ==========  ==================================================
``file_signature``        reject      The header matches no source, more than one source,
                                      or lacks required columns (named). Whole file: one
                                      summarising row, every data row counted rejected.
``file_unreadable``       reject      Not CSV/xlsx, corrupt, truncated workbook, binary
                                      junk, old .xls, empty, permission denied, a
                                      password-protected workbook, formulas without saved
                                      values, a sheet over [limits] max_xlsx_rows (whole
                                      file; one row; its rows counted when they can be).
``row_shape``             reject      A CSV row whose field count differs from the header;
                                      a row an unclosed quote ran over several lines (every
                                      line it swallowed counts as a rejected row: lines are
                                      counted apart from the parser).
``missing_value``         reject      A required value is blank: URN, time period or a key
                                      category (band, reason, characteristic...).
``not_a_number``          reject      A numeric cell holds junk (not a number, not blank,
                                      not a suppression symbol); or a count that is not a
                                      whole number.
``too_large``             reject      A number beyond 10^15 (a corrupt or mis-keyed value),
                                      or beyond what its warehouse column holds (INTEGER:
                                      2,147,483,647 for URNs, ages, LAESTABs).
``negative``              reject      A count, amount, age or coordinate below zero.
``rate_over_100``         reject      A published percentage above 100 (susp_rate, per 100
                                      pupils of repeatable events, is exempt).
``bad_time_period``       reject      Not 202324, 2023/24, 2023-24 or 2023/2024.
``bad_date``              reject      Not dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd.
``out_of_range``          reject      A time period starting before 1990 or over a year
                                      ahead; a date before 1800 or over 5 years ahead.
``bad_level``             reject      EES geographic_level blank.
``subset_exceeds_whole``  reject      A subset count exceeds its whole: fsm_eligible or eal
                                      > headcount; sen_support + ehc_plan > total_pupils;
                                      sess_overall > sess_possible; sess_authorised +
                                      sess_unauthorised > sess_overall; enrolments_pa_10 >
                                      enrolments; one_plus_susp > headcount or > susp;
                                      rwm_expected > pupils_eligible. (Exclusions may
                                      exceed headcount: a pupil can be suspended often.)
``not_a_choice``          reject      A category with fixed values holds another: a
                                      term (Autumn, Spring, Summer), a SEND pupil's SEN
                                      provision (EHC plan, SEN support; E, K), an EHC
                                      plan's placement (SEN2's school placements).
``end_before_start``      reject      Membership ``Left`` before ``Joined``.
``duplicate_key``         reject      A row whose key (the table's grain) an earlier row
                                      (earlier file by name, then earlier row) already had.
``suppressed``            (none)      c, x, z, low, u, : (any case, trimmed) -> value NULL,
                                      symbol kept in ``<column>_flag``; blank -> NULL, no
                                      flag. Not a problem: not recorded.
``out_of_scope``          (counted)   School rows of other LAs, GIAS rows of other LAs,
                                      links not touching the LA, other geographic levels,
                                      benchmark rows of breakdown files: counted per file.
                                      The council's codes count in any spelling (931,
                                      "931.0", "0931", either code in either column).
``unknown_level``         warning     A geographic_level the DfE does not use ('Schools'):
                                      out of scope, one warning per file and level.
``unknown_urn``           warning     URN not in GIAS for the LA (one per file and URN).
``undecodable_bytes``     warning     A cell of a UTF-8 file holding bytes that are not
                                      UTF-8 (read as U+FFFD, kept; the file stays UTF-8).
``hidden_sheet``          warning     A hidden sheet also holds a source's table (the
                                      visible one is read), or the only one is hidden.
``no_partnership``        warning     A school-year in no partnership on census day.
``membership_overlap``    warning     One school in two partnerships on the same day.
``open_start``            warning     Membership ``Joined`` blank: member from the start.
``partnership_clash``     warning     One partnership name in two localities at once: two
                                      partnerships, 'Name (Locality)' (etl.schools).
``folder_unreadable``     warning     A folder in raw/ cannot be read (etl.build).
``no_gias``               stop        No readable GIAS file, or none of its rows is the LA.
``no_membership``         stop        No readable partnership membership file.
``no_school_rows``        stop        Not one School row for the LA in any EES file
                                      (usually a wrong old_la_code in config.toml).
``reconciliation``        stop        rows_read != loaded + benchmark + out of scope +
                                      rejected for a file (an ETL bug: never swap).
``source_shrank``         stop        Against the live build, schools, members, localities,
                                      partnerships, boundaries or a source's rows fell by
                                      more than [build] max_shrink_percent (etl.shrink);
                                      ``--accept-shrink`` goes live anyway.
========================  ==========  ==================================================
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from contract.periods import CALENDAR_YEAR_TEXT, FIRST_CALENDAR_YEAR
from contract.settings import Config, Limits
from contract.symbols import SYMBOLS

from .readers import SOURCE_ROW, Prefilter, RawFile, RowFilter, normalise_time_period
from .sources import MEASURE_TYPES, Column, Detection, Source, map_columns
from .tables import SCHEMA
from .unread_layouts import unread_layout

__all__ = ["SYMBOLS"]  # re-exported: tests read the symbols from here

BENCHMARK_LEVELS = {
    "national": "National",
    "regional": "Regional",
    "local authority": "Local authority",
}
REJECT_COLUMNS = ["source_file", "source_row", "column_name", "value", "rule", "reason", "severity"]
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y", "%d/%m/%y")
_SYMBOL_TEXT = ", ".join(SYMBOLS)
_MAX_VALUE_CHARS = 200
_LARGEST_NUMBER = 1e15
#: Looks like a number (so a NaN from _to_number means too large, not junk).
_NUMERIC_TEXT = r"[+-]?(?:[\d,]*\.?\d+|\d[\d,]*\.)(?:[eE][+-]?\d+)?"
#: Time periods start between these years (the contract's first year; council budgets can
#: be set a year ahead); dates lie between these and a few years ahead.
FIRST_PERIOD_YEAR = FIRST_CALENDAR_YEAR
PERIOD_YEARS_AHEAD = 1
EARLIEST_DATE = pd.Timestamp("1800-01-01")
DATE_YEARS_AHEAD = 5


# --------------------------------------------------------------------------------------
# Problems (rejects and warnings)
# --------------------------------------------------------------------------------------


#: Problem rows listed per file and rule unless the settings say otherwise ([limits]
#: max_listed_rejects); the rest are counted, under one summary row per rule.
MAX_LISTED = Limits.max_listed_rejects


@dataclass
class Issues:
    """Rejects and warnings of one file, collected in bulk (columnar lists, no frame per
    call). At most ``cap`` rows are listed per rule; every row is still counted, so the
    report reconciles however many there are (a million misshapen lines cost seconds)."""

    file: str
    cap: int = MAX_LISTED
    _columns: dict[str, list] = field(init=False, repr=False)
    #: Source rows of every reject, listed or not (rows_rejected counts them).
    _rejected: list[np.ndarray] = field(init=False, repr=False, default_factory=list)
    _listed: dict[str, int] = field(init=False, repr=False, default_factory=dict)
    #: (rule, severity) -> [rows not listed, column of the first]
    _more: dict[tuple[str, str], list] = field(init=False, repr=False, default_factory=dict)
    _counts: dict[str, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._columns = {name: [] for name in REJECT_COLUMNS}

    def room(self, rule: str) -> int:
        """How many more rows of ``rule`` will be listed (callers word only those)."""
        return max(self.cap - self._listed.get(rule, 0), 0)

    def add(
        self,
        rows: Sequence[int | None] | np.ndarray,
        column: str | None,
        values: Sequence[object] | np.ndarray | None,
        rule: str,
        reasons: Sequence[str] | str,
        severity: str = "reject",
    ) -> None:
        """Record a problem for each of ``rows``. ``values`` and ``reasons`` need cover
        only the first ``room(rule)`` rows: the rest are counted, not listed."""
        n = len(rows)
        if n == 0:
            return
        self._counts[severity] = self._counts.get(severity, 0) + n
        if severity == "reject":
            self._rejected.append(_numbered(rows))
        listed = min(n, self.room(rule))
        if listed < n:
            more = self._more.setdefault((rule, severity), [0, column])
            more[0] += n - listed
        if listed == 0:
            return
        self._listed[rule] = self._listed.get(rule, 0) + listed
        if values is None:
            values = [None] * listed
        if isinstance(reasons, str):
            reasons = [reasons] * listed
        out = self._columns
        out["source_file"] += [self.file] * listed
        out["source_row"] += [None if r is None or pd.isna(r) else int(r) for r in rows[:listed]]
        out["column_name"] += [column] * listed
        out["value"] += [None if v is None else str(v)[:_MAX_VALUE_CHARS] for v in values[:listed]]
        out["rule"] += [rule] * listed
        out["reason"] += list(reasons[:listed])
        out["severity"] += [severity] * listed

    @property
    def frames(self) -> list[pd.DataFrame]:
        """The problems as one frame in a list (empty list when there are none)."""
        frame = self.frame()
        return [frame] if len(frame) else []

    def frame(self) -> pd.DataFrame:
        """Every listed problem, then one summary row per rule with rows not listed."""
        if not self._columns["rule"]:
            return empty_rejects()
        columns = {name: list(values) for name, values in self._columns.items()}
        for (rule, severity), (count, column) in self._more.items():
            summary = (
                f"{self.file}: and {count:,} more rows like this ({rule}), counted but not "
                f"listed: only the first {self.cap:,} of each problem are listed per file"
            )
            for name, value in zip(
                REJECT_COLUMNS,
                [self.file, None, column, None, rule, summary, severity],
                strict=True,
            ):
                columns[name].append(value)
        columns["source_row"] = pd.array(columns["source_row"], dtype="Int64")
        return pd.DataFrame(columns)

    def rejected_rows(self) -> np.ndarray:
        """Distinct source rows with at least one reject (file-level rows have none)."""
        if not self._rejected:
            return np.empty(0, np.int64)
        return np.unique(np.concatenate(self._rejected))

    def count(self, severity: str) -> int:
        """Problems of this severity, listed or not (summary rows are not problems)."""
        return self._counts.get(severity, 0)


def _numbered(rows: Sequence[int | None] | np.ndarray) -> np.ndarray:
    """The rows that have a number, as int64 (file-level problems have none)."""
    array = np.asarray(rows)
    if array.dtype.kind in "iu":
        return array.astype(np.int64, copy=False)
    return np.asarray([r for r in rows if r is not None and not pd.isna(r)], dtype=np.int64)


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="Int64" if c == "source_row" else "str") for c in REJECT_COLUMNS}
    )


def _where(file: str, rows: Iterable[int], raw: str) -> list[str]:
    return [f"{file} row {row}, column '{raw}'" for row in rows]


# --------------------------------------------------------------------------------------
# One file's outcome
# --------------------------------------------------------------------------------------


@dataclass
class FileResult:
    """A validated file: typed School (or council) rows, benchmark rows, problems, counts."""

    file: str
    path_order: int
    source: Source | None
    encoding: str | None
    format: str
    rows_read: int
    rows: pd.DataFrame  # in-scope rows that passed row-level checks (ETL column names)
    bench: pd.DataFrame  # National/Regional/LA rows that passed (EES sources with measures)
    issues: Issues
    rows_out_of_scope: int = 0
    #: Misshapen rows whose line is unknown (they have no source_row to count by).
    unnumbered_rejects: int = 0
    file_rejected: bool = False
    #: Raw header of each ETL column present (reject rows name the file's own headers).
    raw_names: dict[str, str] = field(default_factory=dict)
    #: Source name shown in the report for files without a row source (boundaries).
    label: str | None = None
    #: For a rejected file: the source it looks like (it lacks some required columns).
    near: str | None = None
    #: Rows loaded, kept when ``rows`` is handed over (``release_rows``).
    released: int | None = None
    #: source_row of a row that stands for several input rows (terms summed into a year)
    #: -> how many (etl.shape): the counts below are of input rows.
    folded: dict[int, int] = field(default_factory=dict)
    #: Rows of another table this file feeds (etl.layouts_spc_sen: the SPC file's year
    #: groups, the SEN file's needs or totals), by table.
    derived: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Input rows loaded only into a derived table (the totals rows of a long SEN file);
    #: rows that are also loaded into ``rows`` (a wide file's year groups) are not counted.
    derived_loaded: int = 0
    #: The published layout the file was read in (etl.layouts_ks), when not its source's.
    layout: str | None = None
    #: The file's columns its source does not read (reported, never a problem).
    unused_columns: list[str] = field(default_factory=list)

    def weight_of(self, source_rows: pd.Series | np.ndarray | Sequence[int]) -> int:
        """How many input rows these rows stand for."""
        lines = np.asarray(source_rows, dtype=object)
        if not self.folded:
            return len(lines)
        return int(sum(self.folded.get(int(line), 1) for line in lines if not pd.isna(line)))

    @property
    def rows_loaded(self) -> int:
        if self.released is not None:
            return self.released
        if self.file_rejected:
            return 0
        if self.folded and SOURCE_ROW in self.rows:
            return self.weight_of(self.rows[SOURCE_ROW].to_numpy()) + self.derived_loaded
        return len(self.rows) + self.derived_loaded

    def release_rows(self) -> pd.DataFrame:
        """Hand the loaded rows over (the caller keeps the only copy); counts stay."""
        rows, self.released = self.rows, self.rows_loaded
        self.rows = self.rows.iloc[0:0]
        return rows

    @property
    def rows_benchmark(self) -> int:
        if self.file_rejected:
            return 0
        if self.folded and SOURCE_ROW in self.bench:
            return self.weight_of(self.bench[SOURCE_ROW].to_numpy())
        return len(self.bench)

    @property
    def rows_rejected(self) -> int:
        if self.file_rejected:
            return self.rows_read
        return self.weight_of(self.issues.rejected_rows()) + self.unnumbered_rejects

    @property
    def warnings(self) -> int:
        return self.issues.count("warning")

    def reconciles(self) -> bool:
        parts = self.rows_loaded + self.rows_benchmark + self.rows_out_of_scope
        return self.rows_read == parts + self.rows_rejected

    def report(self) -> dict:
        return {
            "file": self.file,
            "source": self.source.name if self.source else self.label,
            "encoding": self.encoding,
            "format": self.format,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_benchmark": self.rows_benchmark,
            "rows_out_of_scope": self.rows_out_of_scope,
            "rows_rejected": self.rows_rejected,
            "warnings": self.warnings,
            **({"columns_not_used": self.unused_columns} if self.unused_columns else {}),
        }


def rejected_file(
    file: str,
    order: int,
    fmt: str,
    encoding: str | None,
    rows_read: int,
    rule: str,
    reason: str,
    missing: Sequence[str] = (),
    near: str | None = None,
) -> FileResult:
    """A whole file rejected: one summarising reject row, every data row counted rejected."""
    issues = Issues(file)
    summary = f"{file}: {reason} ({rows_read:,} data rows not loaded)"
    issues.add([None], ", ".join(missing) or None, None, rule, summary)
    empty = pd.DataFrame()
    return FileResult(
        file,
        order,
        None,
        encoding,
        fmt,
        rows_read,
        empty,
        empty,
        issues,
        file_rejected=True,
        near=near,
    )


# --------------------------------------------------------------------------------------
# Scope: which rows are the council's, which are benchmarks, which are out of scope
# --------------------------------------------------------------------------------------


def _text(table: pa.Table, raw: str) -> pa.ChunkedArray:
    column = table.column(raw)
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        # a layout adapter's all-blank column comes as nulls: read it as blank text
        column = pc.fill_null(column.cast(pa.string()), "")
    return pc.utf8_trim_whitespace(column)


def la_code_spellings(codes: Iterable[int]) -> pa.Array:
    """Each old LA code as files spell it: 931, and as a spreadsheet may have saved it
    ("931.0", "0931" ...). A set looked up with is_in: a regex over every code of a
    national file cost 20 times as much (50 ms per 239,001 rows against 2.5 ms)."""
    return pa.array(
        sorted(
            f"{zeros}{code}{decimals}"
            for code in codes
            for zeros in ("", "0", "00")
            for decimals in ("", ".", ".0", ".00", ".000")
        )
    )


def la_in_scope(old_la_codes: pa.ChunkedArray, config: Config) -> pa.ChunkedArray:
    """Rows whose old LA code is in the build's scope: the council's LA by default, every
    LA with ``[council] scope = "england"``, or the listed LAs; codes in any spelling
    (``la_code_spellings``). ``old_la_codes`` are trimmed."""
    codes = config.council.school_la_codes()
    if codes is None:
        return pc.fill_null(pc.not_equal(old_la_codes, ""), False)
    return pc.is_in(old_la_codes, la_code_spellings(codes))


def ees_scope(
    table: pa.Table, names: dict[str, str], source: Source, config: Config
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks (School rows of the LA, benchmark rows, blank level) as numpy bool arrays.
    A School row is the LA's when either code column holds either of its codes, in any
    spelling (931, "931.0", E10000025 in new_la_code with the old code blank ...)."""
    level = pc.utf8_lower(_text(table, names["geographic_level"]))
    # A National-only file (the 2016/17 characteristics file) has no LA columns at all.
    blank = pa.chunked_array([pa.array([""] * table.num_rows, pa.string())])
    old = _text(table, names["old_la_code"]) if "old_la_code" in names else blank
    new = pc.utf8_upper(_text(table, names["new_la_code"])) if "new_la_code" in names else blank
    is_school = pc.equal(level, "school")
    council_new = config.council.new_la_code.strip().upper()
    in_la = pc.or_(
        pc.or_(la_in_scope(old, config), pc.equal(new, council_new)),
        # a code in the other column (columns swapped, or one code typed in both)
        pc.or_(pc.equal(pc.utf8_upper(old), council_new), _own_old_code(new, config)),
    )
    school = pc.fill_null(pc.and_(is_school, in_la), False).to_numpy(zero_copy_only=False)
    bench = pc.is_in(level, pa.array(list(BENCHMARK_LEVELS))).to_numpy(zero_copy_only=False)
    if not source.benchmarks and source.breakdown is None:
        bench = np.zeros_like(bench)
    blank = pc.equal(level, "").to_numpy(zero_copy_only=False)
    return school, bench, blank


def _own_old_code(codes: pa.ChunkedArray, config: Config) -> pa.ChunkedArray:
    """An old LA code of the scope found in a new_la_code column ("931" there)."""
    scope = config.council.school_la_codes() or (config.council.old_la_code,)
    return pc.is_in(codes, la_code_spellings(scope))


#: The geographic levels the DfE uses (its data screener's list: eesyscreener
#: geography_df, in shared/real/headers). A row at another level is out of scope, and
#: a file holding such rows gets a warning (``unknown_level``): 'Schools' is not 'School'.
DFE_LEVELS = (
    "National", "Regional", "Local authority", "Local authority district", "RSC region",
    "Parliamentary constituency", "Local skills improvement plan area",
    "Local enterprise partnership", "English devolved area", "Opportunity area", "Ward",
    "MAT", "Sponsor", "School", "Provider", "Institution", "Planning area",
    "Police force area",
)  # fmt: skip
_KNOWN_LEVELS = pa.array(["", *(level.lower() for level in DFE_LEVELS)])


def unknown_levels(table: pa.Table, names: dict[str, str]) -> np.ndarray:
    """Rows whose geographic_level is none of the DfE's (blank apart: a blank is rejected)."""
    level = pc.fill_null(pc.utf8_lower(_text(table, names["geographic_level"])), "")
    return pc.invert(pc.is_in(level, _KNOWN_LEVELS)).to_numpy(zero_copy_only=False)


def warn_unknown_levels(table: pa.Table, names: dict[str, str], issues: Issues) -> None:
    """One warning per file and level the DfE does not use, with how many rows have it
    (they are counted out of scope): a near-miss of a real level says which."""
    odd = unknown_levels(table, names)
    if not odd.any():
        return
    raw = names["geographic_level"]
    rows = pd.DataFrame(
        {
            "level": _text(table, raw).filter(pa.array(odd)).to_numpy(zero_copy_only=False),
            "row": table.column(SOURCE_ROW).filter(pa.array(odd)).to_numpy(),
        }
    )
    found = rows.groupby("level", sort=True)["row"].agg(["first", "size"])
    reasons = []
    for level, first, size in zip(found.index, found["first"], found["size"], strict=True):
        near = difflib.get_close_matches(level.lower(), [v.lower() for v in DFE_LEVELS], 1, 0.6)
        like = next((v for v in DFE_LEVELS if near and v.lower() == near[0]), None)
        hint = (
            f"if they are {like} rows, correct the file"
            if like
            else "if they are rows to load, correct the level (School, Local authority, "
            "Regional or National)"
        )
        reasons.append(
            f"{issues.file} row {first}: {size:,} row{'s' if size != 1 else ''} (the first "
            f"here) have geographic_level '{level}', which is not a level the DfE uses, so "
            f"they are out of scope; {hint}"
        )
    issues.add(
        found["first"].to_numpy(), raw, found.index.tolist(), "unknown_level", reasons, "warning"
    )


def scope_prefilter(config: Config) -> Prefilter | None:
    """Reader prefilter: while reading, drop the rows ``validate_file`` would count out of
    scope (other LAs' School and GIAS rows), so national files never fill memory.

    None with ``[council] scope = "england"``: every LA's rows are kept, so the filter would
    drop next to nothing, and ``validate_file`` sorts the rows the same way without it (it
    cost ~4 s of a national build)."""
    if config.council.school_la_codes() is None:
        return None
    return row_scope_prefilter(config)


def row_scope_prefilter(config: Config) -> Prefilter:
    """The reader prefilter of ``scope_prefilter``, whatever the scope."""

    def for_file(detection: Detection, header: list[str]) -> RowFilter | None:
        source = detection.source
        if source is None or source.kind not in ("ees", "gias"):
            return None
        names = {etl: raw for raw, etl in map_columns(source, header).items()}
        if source.kind == "gias":
            return lambda block: la_in_scope(_text(block, names["la_code"]), config).to_numpy(
                zero_copy_only=False
            )

        def keep(block: pa.Table) -> np.ndarray:
            school, bench, blank = ees_scope(block, names, source, config)
            # rows at a level the DfE does not use stay for validate_file to warn about
            return school | bench | blank | unknown_levels(block, names)

        return keep

    return for_file


# --------------------------------------------------------------------------------------
# Typed parsing (vectorised; per-row Python only for the rows with a problem)
# --------------------------------------------------------------------------------------


@dataclass
class Checked:
    """A frame being validated: values by ETL name, the rows rejected so far."""

    frame: pd.DataFrame  # strings in, typed values out
    issues: Issues
    raw_names: dict[str, str]
    #: ETL name -> the largest value its warehouse column holds (INTEGER columns).
    largest: dict[str, int] = field(default_factory=dict)
    rejected: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.rejected = np.zeros(len(self.frame), bool)

    @property
    def rows(self) -> np.ndarray:
        return self.frame[SOURCE_ROW].to_numpy()

    def reject(
        self,
        mask: np.ndarray,
        column: str | None,
        values,
        rule: str,
        what: str,
        severity: str = "reject",
    ) -> None:
        """Reject rows where ``mask``; ``what`` completes "<file> row r, column 'x': 'v' ...".
        With ``severity="warning"`` the rows are kept and the problem is only reported."""
        if not mask.any():
            return
        rows = self.rows[mask]
        raw = self.raw_names.get(column, column) if column else None
        listed = np.flatnonzero(mask)[: self.issues.room(rule)]  # only these are worded
        if values is None:
            shown = [None] * len(listed)
        elif isinstance(values, pd.Series):  # only the listed cells become Python objects
            shown = values.iloc[listed].to_numpy(dtype=object)
        else:
            shown = np.asarray(values, dtype=object)[listed]
        places = (
            _where(self.issues.file, rows[: len(listed)], raw)
            if raw
            else [f"{self.issues.file} row {r}" for r in rows[: len(listed)]]
        )
        reasons = [
            f"{p}: '{v}' {what}" if v is not None else f"{p}: {what}"
            for p, v in zip(places, shown, strict=True)
        ]
        self.issues.add(rows, raw, shown, rule, reasons, severity)
        if severity == "reject":
            self.rejected |= mask


#: The largest value of the warehouse's integer types (etl.tables: INTEGER is int32).
_TYPE_LARGEST = {"INTEGER": 2**31 - 1}


def column_largest(source: Source) -> dict[str, int]:
    """ETL name -> the largest value its warehouse column can hold, for the source's
    columns written as INTEGER (a URN of 99999999999 must be a row reject, not an Arrow
    error stopping the build). A source without a table of its own: any table's."""
    tables = [source.table] if source.table in SCHEMA else list(SCHEMA)
    largest: dict[str, int] = {}
    for table in tables:
        for name, sql_type in SCHEMA[table]:
            if sql_type in _TYPE_LARGEST:
                largest[name] = min(largest.get(name, _TYPE_LARGEST[sql_type]),
                                    _TYPE_LARGEST[sql_type])  # fmt: skip
    return largest


def _reject_beyond_column(
    checked: Checked, name: str, values: np.ndarray, mask: np.ndarray
) -> np.ndarray:
    """Reject values (where ``mask``) larger than the warehouse column holds; the mask."""
    largest = checked.largest.get(name)
    if largest is None:
        return np.zeros(len(values), bool)
    with np.errstate(invalid="ignore"):
        beyond = mask & ~np.isnan(values) & (values > largest)
    checked.reject(
        beyond,
        name,
        checked.frame[name],
        "too_large",
        f"is too large for its column (expected a whole number up to {largest:,}, the "
        "most the warehouse's column holds: a corrupt or mis-keyed value)",
    )
    return beyond


def _stripped_and_blank(text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    stripped = text.str.strip()
    return stripped, stripped.eq("").to_numpy(dtype=bool)


def _symbols(stripped: pd.Series) -> pd.Series:
    """Each cell's suppression symbol in lower case, NaN where the cell holds none."""
    lower = stripped.str.lower()
    return lower.where(lower.isin(SYMBOLS))


def _to_number(stripped: pd.Series, skip: np.ndarray, money: bool) -> np.ndarray:
    cleaned = stripped
    if money or stripped.str.contains(",", regex=False).any():
        cleaned = stripped.str.replace(r"[£,\s]", "", regex=True)
        if money:
            cleaned = cleaned.str.replace(r"(?i)^gbp", "", regex=True)
    values = _fast_float(cleaned, skip)
    if values is None:  # some cell is not a plain number: pandas parses what it can
        values = pd.to_numeric(cleaned.where(~skip), errors="coerce").to_numpy(
            dtype=float, copy=True
        )
    # Infinite or absurdly large (beyond exact float integers) counts as junk, not a value.
    values[~np.isfinite(values) | (np.abs(values) > _LARGEST_NUMBER)] = np.nan
    return values


def _fast_float(cleaned: pd.Series, skip: np.ndarray) -> np.ndarray | None:
    """Arrow's C++ parse of a column in which every cell not skipped is a plain number
    (the usual case: millions of cells nationally); None when any cell is not, so the
    caller parses with pandas and the problem cells are found as before."""
    text = pa.array(cleaned, type=pa.string(), from_pandas=True)
    text = pc.if_else(pa.array(skip), pa.scalar(None, pa.string()), text)
    try:
        parsed = pc.cast(text, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return parsed.to_numpy(zero_copy_only=False).astype(float, copy=True)


def check_measure(checked: Checked, column: Column, rows: np.ndarray | None = None) -> None:
    """Count/amount: symbol -> NULL + flag, blank -> NULL, junk/fraction/negative -> reject."""
    name = column.name
    frame = checked.frame
    stripped, blank = _stripped_and_blank(frame[name])
    symbols = _symbols(stripped)  # once: the test for a symbol and the flags kept
    symbol = symbols.notna().to_numpy(dtype=bool)
    values = _to_number(stripped, symbol | blank, money=column.type == "amount")
    given = ~(symbol | blank)
    junk = given & np.isnan(values)
    fraction = given & ~np.isnan(values) & (np.mod(values, 1) != 0)
    if column.type == "count" and column.fractional:
        _warn_fractions(checked, column, fraction if rows is None else fraction & rows)
    elif column.type == "count":
        junk |= fraction
    if column.type == "count":
        expected = "is not a count (expected a whole number, blank or a suppression symbol: "
    else:
        expected = "is not a number (expected a number, blank or a suppression symbol: "
    expected += f"{_SYMBOL_TEXT})"
    if rows is not None:  # only these rows are checked (School rows for school_only columns)
        junk &= rows
    # Number-like text that did not parse is beyond _LARGEST_NUMBER (not a fraction: parsed).
    unparsed = junk & np.isnan(values)
    too_large = np.zeros(len(values), bool)
    if unparsed.any():  # the pattern runs on the few junk cells only
        numeric_text = (
            stripped[unparsed].str.replace(r"[£,\s]", "", regex=True).str.fullmatch(_NUMERIC_TEXT)
        )
        too_large[unparsed] = numeric_text.fillna(False).to_numpy(dtype=bool)
    negative = given & (values < 0)
    raw_values = frame[name]
    checked.reject(
        too_large,
        name,
        raw_values,
        "too_large",
        f"is too large (more than {_LARGEST_NUMBER:,.0f}: a corrupt or mis-keyed value)",
    )
    checked.reject(junk & ~too_large, name, raw_values, "not_a_number", expected)
    _reject_beyond_column(checked, name, values, given & ~junk)
    checked.reject(
        negative, name, raw_values, "negative", "is negative (a count or amount cannot be)"
    )
    if column.maximum is not None:
        checked.reject(
            given & (values > column.maximum),
            name,
            raw_values,
            "rate_over_100",
            f"is more than {column.maximum:g} (a percentage cannot be; the published rate "
            "is not used: the app computes rates from the counts, which are kept)",
            "warning",
        )
    flags = symbols.astype("str")
    if column.type == "count" and not column.fractional:
        typed: pd.Series = pd.Series(values, index=frame.index).round().astype("Int64")
    else:
        typed = pd.Series(values, index=frame.index, dtype="float64")
    frame[name] = typed
    frame[f"{name}_flag"] = flags


def _warn_fractions(checked: Checked, column: Column, fraction: np.ndarray) -> None:
    """One warning per file and column: counts published as fractions are kept as they are
    (the exclusions releases to 2009/10 share a pupil's exclusion between schools)."""
    if not fraction.any():
        return
    rows = checked.rows[fraction]
    raw = checked.raw_names.get(column.name, column.name)
    first = checked.frame[column.name][fraction].iloc[0]
    checked.issues.add(
        [rows[0]],
        raw,
        [first],
        "fractional_count",
        f"{checked.issues.file} row {rows[0]}, column '{raw}': '{first}' and "
        f"{len(rows) - 1:,} other cells are fractions of a count, as the DfE published "
        "them; they are kept as published (not rounded)",
        "warning",
    )


def check_plain_number(checked: Checked, column: Column) -> None:
    """Whole numbers (ages, establishment numbers) and coordinates: blank -> NULL, no flags."""
    name = column.name
    stripped, blank = _stripped_and_blank(checked.frame[name])
    values = _to_number(stripped, blank, money=False)
    junk = ~blank & np.isnan(values)
    what = "is not a number"
    if column.type == "whole":
        junk |= ~blank & ~np.isnan(values) & (np.mod(values, 1) != 0)
        what = "is not a whole number"
    raw_values = checked.frame[name]
    checked.reject(junk, name, raw_values, "not_a_number", what + " (expected a number or blank)")
    checked.reject(~blank & (values < 0), name, raw_values, "negative", "is negative")
    beyond = _reject_beyond_column(checked, name, values, ~blank & ~junk)
    values[beyond] = np.nan  # a rejected row, never written: no overflow on the way
    checked.frame[name] = (
        pd.Series(values, index=checked.frame.index).round().astype("Int64")
        if column.type == "whole"
        else pd.Series(values, index=checked.frame.index, dtype="float64")
    )


def check_id(checked: Checked, column: Column, rows: np.ndarray | None = None) -> None:
    """A URN: a whole number above zero, required."""
    name = column.name
    stripped, blank = _stripped_and_blank(checked.frame[name])
    values = _to_number(stripped, blank, money=False)
    scope = rows if rows is not None else np.ones(len(values), bool)
    raw_values = checked.frame[name]
    # An optional URN beside a LAESTAB: a blank one is found in GIAS (etl.shape).
    may_be_blank = not column.required and "laestab" in checked.frame
    checked.reject(
        blank & scope & (not may_be_blank),
        name,
        None,
        "missing_value",
        f"'{checked.raw_names.get(name, name)}' is blank (a URN is required)",
    )
    junk = ~blank & (np.isnan(values) | (np.mod(values, 1) != 0) | (values <= 0)) & scope
    checked.reject(
        junk, name, raw_values, "not_a_number", "is not a URN (expected a whole number above 0)"
    )
    beyond = _reject_beyond_column(checked, name, values, ~blank & ~junk & scope)
    values[beyond] = np.nan
    checked.frame[name] = pd.Series(values, index=checked.frame.index).round().astype("Int64")


def check_period(checked: Checked, column: Column) -> None:
    name = column.name
    text = checked.frame[name].str.strip()
    periods = normalise_time_period(text)
    bad = periods.isna().to_numpy()
    raw_values = checked.frame[name]
    checked.reject(
        bad,
        name,
        raw_values,
        "bad_time_period",
        "is not a time period (expected 202324, 2023/24, 2023-24 or 2023/2024)",
    )
    last = pd.Timestamp.today().year + PERIOD_YEARS_AHEAD
    start_year = periods // 100
    outside = (~bad & ((start_year < FIRST_PERIOD_YEAR) | (start_year > last))).to_numpy(
        dtype=bool, na_value=False
    )
    checked.reject(
        outside,
        name,
        raw_values,
        "out_of_range",
        f"is out of range (expected a year from {FIRST_PERIOD_YEAR}/"
        f"{(FIRST_PERIOD_YEAR + 1) % 100:02d} to {last}/{(last + 1) % 100:02d})",
    )
    checked.frame[name] = periods


def check_calendar_year(checked: Checked, column: Column) -> None:
    """A four-digit calendar year (EHC plans: time_identifier "Calendar year"), kept as
    the year itself (2021), from FIRST_PERIOD_YEAR to next year."""
    name = column.name
    raw_values = checked.frame[name]
    years = pd.to_numeric(raw_values.str.strip(), errors="coerce")
    bad = ~(
        years.notna() & (years % 1 == 0) & raw_values.str.strip().str.fullmatch(CALENDAR_YEAR_TEXT)
    )
    bad = bad.to_numpy(dtype=bool, na_value=True)
    checked.reject(
        bad, name, raw_values, "bad_time_period", "is not a calendar year (expected 2021)"
    )
    last = pd.Timestamp.today().year + PERIOD_YEARS_AHEAD
    outside = ~bad & ((years < FIRST_PERIOD_YEAR) | (years > last)).to_numpy(
        dtype=bool, na_value=False
    )
    checked.reject(
        outside,
        name,
        raw_values,
        "out_of_range",
        f"is out of range (expected a year from {FIRST_PERIOD_YEAR} to {last})",
    )
    checked.frame[name] = years.where(~pd.Series(bad, index=years.index)).astype("Int64")


def parse_dates(text: pd.Series) -> pd.Series:
    """Dates in any of DATE_FORMATS (GIAS dd-mm-yyyy, Excel cells as yyyy-mm-dd)."""
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    todo = text.ne("").to_numpy(dtype=bool, copy=True)
    for fmt in DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        result.loc[text.index[todo][ok]] = parsed[ok].astype("datetime64[us]")
        todo[np.flatnonzero(todo)[ok]] = False
    return result


def check_date(checked: Checked, column: Column) -> None:
    name = column.name
    text = checked.frame[name].str.strip()
    dates = parse_dates(text)
    bad = (text.ne("") & dates.isna()).to_numpy()
    raw_values = checked.frame[name]
    checked.reject(
        bad,
        name,
        raw_values,
        "bad_date",
        "is not a date (expected dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd)",
    )
    latest = pd.Timestamp.today().normalize() + pd.DateOffset(years=DATE_YEARS_AHEAD)
    outside = (dates.notna() & ((dates < EARLIEST_DATE) | (dates > latest))).to_numpy(dtype=bool)
    checked.reject(
        outside,
        name,
        raw_values,
        "out_of_range",
        f"is out of range (expected a date from {EARLIEST_DATE:%d-%m-%Y} to "
        f"{latest:%d-%m-%Y}, {DATE_YEARS_AHEAD} years from today)",
    )
    checked.frame[name] = dates


def check_category(checked: Checked, column: Column, rows: np.ndarray | None = None) -> None:
    name = column.name
    text = checked.frame[name].str.strip()
    blank = text.eq("").to_numpy(dtype=bool)
    if rows is not None:
        blank = blank & rows
    raw = checked.raw_names.get(name, name)
    checked.reject(
        blank, name, None, "missing_value", f"'{raw}' is blank (it is part of the row's key)"
    )
    if column.choices:
        spelled = dict(column.choices)
        chosen = text.str.lower().str.split().str.join(" ").map(spelled)
        other = (~blank & chosen.isna()).to_numpy(dtype=bool, na_value=True)
        if rows is not None:
            other = other & rows
        allowed = ", ".join(dict.fromkeys(spelled.values()))
        checked.reject(
            other, name, checked.frame[name], "not_a_choice", f"is not one of: {allowed}"
        )
        text = chosen.where(chosen.notna(), text)
    checked.frame[name] = text


def check_text(checked: Checked, column: Column) -> None:
    text = checked.frame[column.name].str.strip()
    checked.frame[column.name] = text.mask(text.eq(""))


def check_subsets(checked: Checked, source: Source) -> None:
    """Parts of a whole (FSM of headcount, ...) never exceed it; unknown parts count 0."""
    frame = checked.frame
    for subset in source.subsets:
        if subset.whole not in frame or any(p not in frame for p in subset.parts):
            continue
        whole = frame[subset.whole].to_numpy(dtype=float, na_value=np.nan)
        parts = np.column_stack(
            [frame[p].to_numpy(dtype=float, na_value=np.nan) for p in subset.parts]
        )
        known = ~np.isnan(parts).all(axis=1) & ~np.isnan(whole)
        total = np.nansum(parts, axis=1)
        over = known & (total > whole) & ~checked.rejected
        if not over.any():
            continue
        label = " + ".join(subset.parts)
        shown = [f"{t:.0f} > {w:.0f}" for t, w in zip(total[over], whole[over], strict=True)]
        rows = checked.rows[over]
        reasons = [
            f"{checked.issues.file} row {r}: {label} = {t:.0f} is more than {subset.whole} = "
            f"{w:.0f} (a subset cannot exceed its whole)"
            for r, t, w in zip(rows, total[over], whole[over], strict=True)
        ]
        raw = checked.raw_names.get(subset.parts[0], subset.parts[0])
        if source.kind == "ees":  # the DfE published it so: its figures are kept as published
            reasons = [f"{r}; kept as the DfE published it" for r in reasons]
            checked.issues.add(rows, raw, shown, "subset_exceeds_whole", reasons, "warning")
            continue
        checked.issues.add(rows, raw, shown, "subset_exceeds_whole", reasons)
        checked.rejected |= over


# --------------------------------------------------------------------------------------
# A file
# --------------------------------------------------------------------------------------


def validate_file(raw: RawFile, order: int, config: Config, file: str | None = None) -> FileResult:
    """Row-level validation of one file (duplicates are checked per source later).
    ``file`` is the name rows and rejects are reported under (default: the file name)."""
    file = file or raw.path.name
    source = raw.detection.source
    if source is None:
        detection = raw.detection
        near = detection.near.name if detection.near else None
        known = unread_layout(raw.header)
        reason = f"file rejected: {known.message if known else detection.error}"
        if raw.header_row > 1 or raw.sheet:  # say which row was taken for the header
            sheet = f" of sheet '{raw.sheet}'" if raw.sheet else ""
            reason += f" (header found at row {raw.header_row}{sheet})"
        if known:
            near = None
        return rejected_file(
            file,
            order,
            raw.format,
            raw.encoding,
            raw.rows_read,
            "file_signature",
            reason,
            detection.missing,
            near,
        )
    mapping = map_columns(source, raw.header)  # raw header -> ETL name
    names = {etl: raw_name for raw_name, etl in mapping.items()}
    unused = [h for h in raw.header if h not in mapping and h != SOURCE_ROW and str(h).strip()]
    table = raw.table
    issues = Issues(file, cap=config.limits.max_listed_rejects)
    _add_bad_rows(issues, raw, file)
    if raw.replaced:
        _warn_undecodable(issues, raw, file)

    n = table.num_rows
    school = np.ones(n, bool)
    bench = np.zeros(n, bool)
    blank_level = np.zeros(n, bool)
    if source.kind == "ees":
        school, bench, blank_level = ees_scope(table, names, source, config)
        warn_unknown_levels(table, names, issues)
    elif source.kind == "gias":
        la = _text(table, names["la_code"])
        school = la_in_scope(la, config).to_numpy(zero_copy_only=False)
    keep = school | bench | blank_level
    out_of_scope = int(n - keep.sum()) + raw.rows_skipped
    # Columns the checks below skip are never copied or converted (half the columns of a
    # breakdown file nationally: millions of rows of region and LA names). The level
    # stays: a row with a blank one is rejected by it.
    descriptive = _descriptive_columns(source) if not bench.any() else frozenset()
    unchecked = descriptive - {"geographic_level"}
    wanted = {etl: raw_name for etl, raw_name in names.items() if etl not in unchecked}
    columns = table.select([*wanted.values(), SOURCE_ROW])
    kept = columns.filter(pa.array(keep)) if out_of_scope else columns
    frame = kept.rename_columns([*wanted.keys(), SOURCE_ROW]).to_pandas()
    is_school = school[keep]
    is_bench = bench[keep]
    checked = Checked(frame, issues, names, column_largest(source))
    _reject_swallowing(checked, raw, file)
    if blank_level.any():
        level_values = frame["geographic_level"]
        checked.reject(
            blank_level[keep],
            "geographic_level",
            level_values,
            "bad_level",
            "is blank (expected National, Regional, Local authority or School)",
        )

    kept = _fact_columns(source) if source.kind == "ees" else set()
    for column in source.columns:
        if column.name not in frame:
            continue
        only = is_school if column.school_only else None
        if column.type in MEASURE_TYPES:
            check_measure(checked, column, only)
        elif column.type == "id":
            check_id(checked, column, only)
        elif column.type == "period":
            check_period(checked, column)
        elif column.type == "calendar_year":
            check_calendar_year(checked, column)
        elif column.type in ("whole", "coordinate"):
            check_plain_number(checked, column)
        elif column.type == "date":
            check_date(checked, column)
        elif column.type == "category":
            check_category(checked, column, only)
        elif column.name in descriptive:
            continue  # descriptive text (region, LA names) neither kept nor a benchmark's
        else:
            check_text(checked, column)
    if source.name == "ks4":
        _att8_total(frame)
    if source.name == "membership":
        _check_membership_dates(checked)
    check_subsets(checked, source)

    valid = ~checked.rejected
    bench_rows = frame[valid & is_bench].reset_index(drop=True)
    rows = frame[valid & is_school]
    if source.kind == "ees":  # only what the warehouse keeps (millions of rows nationally)
        rows = rows[[c for c in rows.columns if c in kept]]
    rows = rows.reset_index(drop=True)
    return FileResult(
        file,
        order,
        source,
        raw.encoding,
        raw.format,
        raw.rows_read,
        rows,
        bench_rows,
        issues,
        rows_out_of_scope=out_of_scope,
        unnumbered_rejects=raw.unnumbered_bad_rows + raw.swallowed_lines,
        raw_names=names,
        unused_columns=unused,
    )


def _add_bad_rows(issues: Issues, raw: RawFile, file: str) -> None:
    """One ``row_shape`` reject per misshapen CSV row, in bulk (a broken file can have a
    million; only the listed ones are worded), and the file's notes from reading."""
    for rule, note in raw.notes:
        issues.add([None], None, None, rule, f"{file}: {note}", "warning")
    lines = raw.bad_lines
    listed = raw.bad_rows[: issues.room("row_shape")]
    width = len(raw.header)
    issues.add(
        lines,
        None,
        [text for _, text in listed],
        "row_shape",
        [
            _swallowed(file, line, raw.swallowing[line])
            if line in raw.swallowing
            else f"{file} row {line}: the row does not have {width} fields"
            for line, _ in listed
        ],
    )


def _warn_undecodable(issues: Issues, raw: RawFile, file: str) -> None:
    """One warning per row and column holding a byte that is not UTF-8 (read as U+FFFD,
    kept so): the rest of the file is UTF-8 and was not re-decoded."""
    table = raw.table
    for name in table.column_names:
        if name == SOURCE_ROW or not pa.types.is_string(table.column(name).type):
            continue
        hit = pc.fill_null(pc.match_substring(table.column(name), "\ufffd"), False)
        if not pc.any(hit).as_py():
            continue
        mask = hit.to_numpy(zero_copy_only=False)
        rows = table.column(SOURCE_ROW).to_numpy()[mask]
        values = table.column(name).filter(hit).to_pylist()[: issues.room("undecodable_bytes")]
        issues.add(
            rows,
            name,
            values,
            "undecodable_bytes",
            [
                f"{file} row {r}, column '{name}': '{v}' holds bytes that are not UTF-8 "
                "(shown as \ufffd, kept so); the rest of the file is UTF-8 and is read as "
                "such: correct the value in the file"
                for r, v in zip(rows, values, strict=False)
            ],
            "warning",
        )


def _swallowed(file: str, row: int, span: tuple[int, int, bool]) -> str:
    line, count, _kept = span
    return (
        f"{file} row {row}: a quote opened on line {line:,} of the file is not closed before "
        f"line {line + count - 1:,}, so {count:,} lines were read as this one row; none of "
        f"them is loaded (each counts as a rejected row): close the quote on line {line:,}"
    )


def _reject_swallowing(checked: Checked, raw: RawFile, file: str) -> None:
    """Rows with the right number of fields by chance that swallowed other rows through
    an unclosed quote: rejected like the misshapen ones."""
    spans = {row: span for row, span in raw.swallowing.items() if span[2]}
    if not spans:
        return
    mask = checked.frame[SOURCE_ROW].isin(list(spans)).to_numpy(dtype=bool)
    rows = checked.rows[mask]
    checked.issues.add(
        rows, None, None, "row_shape", [_swallowed(file, int(r), spans[int(r)]) for r in rows]
    )
    checked.rejected |= mask


#: Column types validate_file checks (or keeps as text); any other EES column is descriptive.
_CHECKED_TYPES = MEASURE_TYPES | {
    "id",
    "period",
    "calendar_year",
    "whole",
    "coordinate",
    "date",
    "category",
}


def _descriptive_columns(source: Source) -> frozenset[str]:
    """An EES source's descriptive text columns (level, region and LA names and codes,
    school type ...): validate_file neither checks nor keeps them when a file has no
    benchmark rows."""
    if source.kind != "ees":
        return frozenset()
    kept = _fact_columns(source)
    return frozenset(
        column.name
        for column in source.columns
        if column.type not in _CHECKED_TYPES and column.name not in kept
    )


#: Columns the reader prefilter and ees_scope read to sort rows into school, benchmark
#: and out of scope.
_SCOPE_COLUMNS = frozenset({"geographic_level", "old_la_code", "new_la_code", "time_identifier"})


def unread_columns(source: Source) -> frozenset[str]:
    """Mapped columns a reader can leave unread: the descriptive text of a source that has
    no benchmark rows (validate_file skips it), except the columns that decide a row's
    scope. For read_raw(..., unread=unread_columns)."""
    if source.benchmarks or source.breakdown:
        return frozenset()
    return _descriptive_columns(source) - _SCOPE_COLUMNS


def _fact_columns(source: Source) -> set[str]:
    """Columns of an EES source's School rows worth keeping: its warehouse table's, and
    the school name and phase the school-year table falls back on."""
    return (
        {name for name, _ in SCHEMA.get(source.table or "", [])}
        | set(source.keeps)
        | {
            "school_name",
            "phase_type_grouping",
            # what etl.shape needs: terms, the LAESTAB of files without URNs, the phase filter
            "time_identifier",
            "laestab",
            "school_type",
            SOURCE_ROW,
        }
    )


def _att8_total(frame: pd.DataFrame) -> None:
    """Attainment 8 total points = mean x pupils (sums across schools; the mean does not)."""
    mean = frame["avg_att8"].to_numpy(dtype=float)
    pupils = frame["pupils"].to_numpy(dtype=float, na_value=np.nan)
    frame["att8_total"] = np.round(mean * pupils, 6)  # no float noise (49.6 * 211)
    frame["att8_total_flag"] = frame["avg_att8_flag"].fillna(frame["pupils_flag"])


def _check_membership_dates(checked: Checked) -> None:
    frame = checked.frame
    start, end = frame["start_date"], frame["end_date"]
    backwards = (end.notna() & start.notna() & (end < start)).to_numpy()
    shown = [
        f"Left {e:%d/%m/%Y} < Joined {s:%d/%m/%Y}" if pd.notna(e) and pd.notna(s) else None
        for s, e in zip(start, end, strict=True)
    ]
    checked.reject(
        backwards,
        "end_date",
        shown,
        "end_before_start",
        "(a school cannot leave a partnership before it joins)",
    )
    open_start = (start.isna() & ~checked.rejected).to_numpy()
    if open_start.any():
        rows = checked.rows[open_start]
        raw = checked.raw_names.get("start_date", "Joined")
        checked.issues.add(
            rows,
            raw,
            [""] * len(rows),
            "open_start",
            [
                f"{checked.issues.file} row {r}: '{raw}' is blank, so the school is "
                "treated as a member from the start"
                for r in rows
            ],
            "warning",
        )


# --------------------------------------------------------------------------------------
# Across the files of one source: duplicate keys
# --------------------------------------------------------------------------------------


def reject_duplicates(
    results: list[FileResult],
    key: Sequence[str],
    attr: str = "rows",
    widest_first: Sequence[str] = (),
) -> None:
    """Reject rows whose ``key`` an earlier row had (files in name order, then row order).
    A source without a key (the exclusions log: one row per event) has no duplicates.

    ``widest_first``: the columns that decide which of two files publishing the same key is
    kept: the file with more of them filled comes first, so a repeat dropped never carries
    a figure the row kept lacks (SEN2: the 2026 timeliness file has no requests)."""
    if not key:
        return

    def order(result: FileResult) -> int:
        frame = getattr(result, attr)
        filled = sum(1 for c in widest_first if c in frame and frame[c].notna().any())
        return -filled * 1_000_000 + result.path_order

    frames = [
        getattr(r, attr).assign(_file=r.file, _order=order(r))
        for r in results
        if not r.file_rejected and len(getattr(r, attr))
    ]
    if not frames:
        return
    combined = pd.concat(frames, ignore_index=True)
    key = [k for k in key if k in combined]
    combined = combined.sort_values(["_order", SOURCE_ROW], kind="stable")
    duplicated = combined.duplicated(key, keep="first").to_numpy()
    if not duplicated.any():
        return
    first = combined.groupby(key, dropna=False, sort=False)[["_file", SOURCE_ROW]].transform(
        "first"
    )
    dup = combined[duplicated]
    first = first[duplicated]
    key_text = ", ".join(key)
    for result in results:
        mine = dup["_file"].eq(result.file).to_numpy()
        if not mine.any():
            continue
        rows = dup.loc[mine, SOURCE_ROW].to_numpy()
        values = [
            ", ".join("" if pd.isna(v) else str(v) for v in row)
            for row in dup.loc[mine, key].itertuples(index=False)
        ]
        reasons = [
            f"{result.file} row {r}: duplicate of {f} row {fr} (same {key_text}); "
            "later duplicates are rejected"
            for r, f, fr in zip(
                rows, first.loc[mine, "_file"], first.loc[mine, SOURCE_ROW], strict=True
            )
        ]
        result.issues.add(rows, key_text, values, "duplicate_key", reasons)
        frame = getattr(result, attr)
        setattr(result, attr, frame[~frame[SOURCE_ROW].isin(rows)].reset_index(drop=True))


def warn_unknown_urns(result: FileResult, known: set[int] | np.ndarray, la_label: str) -> None:
    """One warning per file and URN not in GIAS for the LA (its rows are kept)."""
    if result.file_rejected or "urn" not in result.rows or not len(result.rows):
        return
    urns = result.rows["urn"]
    unknown = ~urns.isin(np.asarray(list(known) if isinstance(known, set) else known))
    if not unknown.any():
        return
    firsts = (
        result.rows[unknown.to_numpy()].groupby("urn", sort=True)[SOURCE_ROW].agg(["first", "size"])
    )
    raw = result.raw_names.get("urn", "urn")
    reasons = [
        f"{result.file} row {row}: URN {urn} is not in GIAS for {la_label} "
        f"({size} row{'s' if size != 1 else ''} kept)"
        for urn, row, size in zip(firsts.index, firsts["first"], firsts["size"], strict=True)
    ]
    result.issues.add(
        firsts["first"].to_numpy(),
        raw,
        firsts.index.astype(str).tolist(),
        "unknown_urn",
        reasons,
        "warning",
    )
