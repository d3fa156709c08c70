"""Read raw CSV and .xlsx files as text, find their header row and source.

Every cell is read as a string (never parsed here), so suppression symbols and bad values
survive to validation. Each row keeps ``source_row``: its line in the file with the header
on its own line (header = 1, first data row 2, as Excel shows it); for .xlsx the sheet row.
CSV is read with pyarrow (multi-threaded): the national files have millions of rows.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import encodings.cp1252
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pv

from contract import periods
from contract.settings import Limits

from .line_counts import blank_lines, offset_after_lines, physical_lines, scan_spans
from .sources import Detection, Source, detect_source, map_columns

SOURCE_ROW = "source_row"
#: How far down a sheet (or CSV) the header row may sit below title lines.
HEADER_SEARCH_ROWS = 30
_HEAD_BYTES = 256 * 1024
CSV_SUFFIXES = {".csv", ".txt"}
#: Misshapen rows whose text is kept (all are counted): contract.settings.Limits.max_listed_rejects.
LISTED_BAD_ROWS = Limits.max_listed_rejects
XLSX_SUFFIXES = {".xlsx", ".xlsm"}


class ReadError(Exception):
    """A file that cannot be read at all (not CSV/xlsx, corrupt, empty). ``rows``: the
    data rows it holds when they could be counted (a whole-file reject counts them)."""

    def __init__(self, message: str, rows: int = 0) -> None:
        super().__init__(message)
        self.rows = rows


@dataclass
class RawFile:
    """One raw file read as strings: ``table`` has the file's columns plus ``source_row``."""

    path: Path
    format: str
    encoding: str | None
    header: list[str]
    detection: Detection
    table: pa.Table
    sheet: str | None = None
    #: Rows that could not be split into the header's columns: (source_row, text), the
    #: first ``listed`` of them (read_raw); ``bad_lines`` has every one's source_row.
    bad_rows: list[tuple[int | None, str]] = field(default_factory=list)
    #: Rows the prefilter dropped while reading (other LAs' rows: out of scope).
    rows_skipped: int = 0
    bad_lines: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    #: Misshapen rows the parser could not number.
    unnumbered_bad_rows: int = 0
    #: Rows that ran over several lines because a quote was not closed: source_row ->
    #: (first line of the file, lines it ran over, whether the parser kept it as a row).
    swallowing: dict[int, tuple[int, int, bool]] = field(default_factory=dict)
    #: Lines of the file inside those rows beyond their first: rows lost to the quote,
    #: counted rejected (found by counting lines independently of the parser).
    swallowed_lines: int = 0
    #: File-level warnings from reading: (rule, reason without the file name).
    notes: list[tuple[str, str]] = field(default_factory=list)
    #: The header's row in the file (1-based line, or sheet row).
    header_row: int = 1
    #: Bytes that are not the file's encoding were read as U+FFFD (etl.validate warns
    #: each row and column holding one).
    replaced: bool = False

    def __post_init__(self) -> None:
        if not len(self.bad_lines) and self.bad_rows:
            numbered = [line for line, _ in self.bad_rows if line is not None]
            self.bad_lines = np.asarray(numbered, dtype=np.int64)
            self.unnumbered_bad_rows = len(self.bad_rows) - len(numbered)

    @property
    def rows_read(self) -> int:
        bad = len(self.bad_lines) + self.unnumbered_bad_rows
        return self.table.num_rows + self.rows_skipped + bad + self.swallowed_lines


#: Given a file's detection and header, a function choosing the rows worth keeping from
#: each block read (or None to keep all): other LAs' rows are dropped while reading.
RowFilter = Callable[[pa.Table], "np.ndarray | pa.Array"]
Prefilter = Callable[[Detection, list[str]], "RowFilter | None"]
#: Given a file's source, the ETL names of mapped columns a reader need not read.
Unread = Callable[[Source], frozenset[str]]


_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls (and other Office 97-2003 files)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_XLS_MESSAGE = "old-style .xls workbooks are not supported: save it as .xlsx or .csv"


def read_raw(
    path: Path,
    prefilter: Prefilter | None = None,
    mapped_only: bool = False,
    unread: Unread | None = None,
    limits: Limits | None = None,
) -> RawFile:
    """Read a CSV or .xlsx file; raises ReadError with a plain message when it cannot.

    The content decides as much as the name: a workbook saved with a .csv name is read as
    a workbook, and an old .xls or binary file gets its own message. Any other failure
    while reading becomes a ReadError too, so one bad file never stops the build.
    ``mapped_only``: a CSV of a known source keeps only the columns the source maps (a
    column it does not know is parsed but never held). ``unread``: with ``mapped_only``,
    the ETL names of mapped columns not to hold either (see etl.validate.unread_columns:
    the region and LA names of a breakdown file, half its columns). ``limits``: the
    misshapen rows whose text is kept (every one is counted), the rows a worksheet may have.
    """
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES:
        if suffix == ".xls":
            raise ReadError(_XLS_MESSAGE)
        raise ReadError(f"unsupported file type '{suffix or path.name}' (expected .csv or .xlsx)")
    limits = limits or Limits()
    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
        if magic.startswith(_OLE2_MAGIC):
            raise ReadError(_ENCRYPTED_MESSAGE if _is_encrypted(path) else _XLS_MESSAGE)
        if suffix in XLSX_SUFFIXES or magic.startswith(_ZIP_MAGIC):
            return read_xlsx(path, prefilter, limits.max_xlsx_rows)
        return read_csv(path, prefilter, mapped_only, unread, limits.max_listed_rejects)
    except ReadError:
        raise
    except PermissionError:
        raise ReadError(
            "the file cannot be opened (permission denied): check who may read it"
        ) from None
    except Exception as error:  # noqa: BLE001 - any other failure rejects this file only
        raise ReadError(f"cannot read the file ({type(error).__name__}: {error})") from None


#: An Office file protected by a password is an OLE2 container holding the encrypted
#: workbook as a stream of this name (MS-OFFCRYPTO).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_ENCRYPTED_MESSAGE = "the workbook is password-protected (encrypted): save it without a password"


def _is_encrypted(path: Path) -> bool:
    """Whether an OLE2 file holds an EncryptedPackage stream (its directory may be
    anywhere: a large file is searched at both ends)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        if size <= 64 << 20:
            return _ENCRYPTED_STREAM in handle.read()
        head = handle.read(8 << 20)
        handle.seek(size - (8 << 20))
        return _ENCRYPTED_STREAM in head or _ENCRYPTED_STREAM in handle.read()


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    """'utf-8-sig' (BOM), 'utf-16' (BOM: Excel's "Unicode text"), 'utf-8' or 'cp1252' from
    the first bytes (checked in full later). UTF-8 holding a few bytes that are not (a
    character pasted from another file) stays UTF-8: only mostly-not UTF-8 is cp1252."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    # A multi-byte character cut off by the end of the sample is not an error.
    return "utf-8" if _mostly_utf8(head[:-3] if len(head) > 3 else head) else "cp1252"


_ASCII = bytes(range(128))


def _utf8_evidence(
    data: bytes, decoder: codecs.IncrementalDecoder | None = None
) -> tuple[int, int]:
    """(characters beyond ASCII that decode as UTF-8, bytes that do not), roughly: each
    such character is two to four bytes, each undecodable byte one U+FFFD."""
    text = (decoder or codecs.getincrementaldecoder("utf-8")("replace")).decode(data)
    invalid = text.count("\ufffd")
    beyond_ascii = len(data.translate(None, _ASCII))
    return max(beyond_ascii - invalid, 0) // 2, invalid


def _valid_utf8(head: bytes) -> bool:
    """Whether the head decodes as UTF-8 (a character cut off at its end is no error)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3
    return True


def _mostly_utf8(data: bytes) -> bool:
    """Valid UTF-8, or more of it decodes than does not (so the bytes that do not are
    strays in a UTF-8 file, not a file in another encoding)."""
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        valid, invalid = _utf8_evidence(data)
        return valid > invalid


def _file_mostly_utf8(path: Path, head_is_utf8: bool) -> bool:
    """_mostly_utf8 over the whole file, in chunks (called only when a UTF-8 read failed);
    a tie goes to UTF-8 when the head held UTF-8 characters beyond ASCII."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    valid = invalid = 0
    with path.open("rb") as handle:
        while chunk := handle.read(16 << 20):
            more_valid, more_invalid = _utf8_evidence(chunk, decoder)
            valid, invalid = valid + more_valid, invalid + more_invalid
    return valid > invalid or (head_is_utf8 and valid >= invalid)


_UTF8_LENIENT = "utf_8_lenient"


def _lenient_utf8(name: str) -> codecs.CodecInfo | None:
    """UTF-8 that decodes a byte that is not UTF-8 as U+FFFD (reported row by row by
    etl.validate) instead of failing the file or re-decoding it all as cp1252."""
    if name != _UTF8_LENIENT:
        return None
    base = codecs.lookup("utf-8")

    class Decoder(codecs.IncrementalDecoder):
        def __init__(self, errors: str = "replace") -> None:
            super().__init__(errors)
            self._inner = base.incrementaldecoder("replace")

        def decode(self, data: bytes, final: bool = False) -> str:
            return self._inner.decode(data, final)

        def reset(self) -> None:
            self._inner.reset()

    return codecs.CodecInfo(
        name=_UTF8_LENIENT,
        encode=base.encode,
        decode=lambda data, errors="replace": codecs.utf_8_decode(data, "replace", True),
        incrementalencoder=base.incrementalencoder,
        incrementaldecoder=Decoder,
    )


codecs.register(_lenient_utf8)


_CP1252_LENIENT = "cp1252_lenient"


def _lenient_cp1252(name: str) -> codecs.CodecInfo | None:
    """cp1252 that decodes its five undefined bytes as U+FFFD instead of failing (a
    stray byte in a 50,000-row GIAS file must not make the whole file unreadable)."""
    if name != _CP1252_LENIENT:
        return None
    table = encodings.cp1252.decoding_table

    class Decoder(codecs.IncrementalDecoder):
        def decode(self, data: bytes, final: bool = False) -> str:
            return codecs.charmap_decode(data, "replace", table)[0]

    base = codecs.lookup("cp1252")
    return codecs.CodecInfo(
        name=_CP1252_LENIENT,
        encode=base.encode,
        decode=lambda data, errors="replace": codecs.charmap_decode(data, "replace", table),
        incrementalencoder=base.incrementalencoder,
        incrementaldecoder=Decoder,
    )


codecs.register(_lenient_cp1252)


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace")


def _find_header(rows: list[list[str]]) -> tuple[int, Detection]:
    """Index of the first row holding a source signature (else the nearest miss, else 0)."""
    first_near: tuple[int, Detection] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not any(cell.strip() for cell in row):
            continue
        detection = detect_source(row)
        if detection.source is not None:
            return index, detection
        if detection.near is not None and first_near is None:
            first_near = (index, detection)
    if first_near is not None:
        return first_near
    # No source's header: the first row of two or more cells (a title is one cell).
    filled = [sum(bool(c.strip()) for c in row) for row in rows]
    first = next((i for i, n in enumerate(filled) if n >= 2), None)
    if first is None:
        first = next((i for i, n in enumerate(filled) if n), 0)
    return first, detect_source(rows[first] if rows else [])


def _unique_names(header: list[str]) -> list[str]:
    """Blank or repeated header cells get a suffix so every column has its own name."""
    seen: dict[str, int] = {}
    names = []
    for position, raw in enumerate(header, start=1):
        name = raw.strip() or f"column_{position}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        names.append(name)
    return names


def _csv_head(path: Path) -> tuple[str, int, Detection, list[list[str]]]:
    """Encoding guess, header row index and detection from the first bytes."""
    encoding, header_index, detection, rows, _head, _lines = _csv_head_lines(path)
    return encoding, header_index, detection, rows


def _lines_through(text: str, records: int) -> int:
    """Physical lines (LF, CRLF or CR) of ``text`` holding its first ``records`` records."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for _ in range(records):
            next(reader)
    except (StopIteration, csv.Error):
        return records
    return reader.line_num


def _csv_head_lines(path: Path) -> tuple[str, int, Detection, list[list[str]], bytes, int]:
    """_csv_head, plus the head's bytes and the physical lines up to the header's end."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head.strip():
        raise ReadError("the file is empty")
    encoding = detect_encoding(head)
    if encoding != "utf-16" and b"\x00" in head:
        raise ReadError(
            "the file is not text (it holds binary data): expected a CSV file or an .xlsx "
            "workbook; it may be corrupt or a different kind of file renamed"
        )
    head_text = _decode(head, encoding)
    if len(head) == _HEAD_BYTES:  # drop a possibly cut-off last line
        head_text = head_text[: head_text.rfind("\n") + 1] or head_text
    try:
        rows = list(csv.reader(io.StringIO(head_text)))
    except csv.Error as error:
        raise ReadError(f"cannot parse the CSV ({error}): it may be corrupt or not a CSV") from None
    header_index, detection = _find_header(rows)
    return (
        encoding,
        header_index,
        detection,
        rows,
        head,
        _lines_through(head_text, header_index + 1),
    )


def peek_source(path: Path) -> str | None:
    """The source a file's header names (cheap: the header only), or None."""
    try:
        with path.open("rb") as handle:
            is_zip = handle.read(4) == _ZIP_MAGIC
        if path.suffix.lower() in CSV_SUFFIXES and not is_zip:
            detection = _csv_head(path)[2]
        elif path.suffix.lower() in XLSX_SUFFIXES | CSV_SUFFIXES:
            workbook = _open_workbook(path)
            try:
                found = _find_sheet(workbook)
            finally:
                workbook.close()
            detection = found[2] if found else None
        else:
            return None
    except Exception:  # an unreadable file is reported when it is read properly
        return None
    return detection.source.name if detection and detection.source else None


def read_csv(
    path: Path,
    prefilter: Prefilter | None = None,
    mapped_only: bool = False,
    unread: Unread | None = None,
    listed: int = LISTED_BAD_ROWS,
) -> RawFile:
    encoding, header_index, detection, rows, head, header_lines = _csv_head_lines(path)
    header = _unique_names([h.replace("\ufeff", "") for h in rows[header_index]])
    keep = prefilter(detection, header) if prefilter else None
    columns = None
    if mapped_only and detection.source is not None:
        skip = unread(detection.source) if unread else frozenset()
        mapped = map_columns(detection.source, header)
        columns = [raw for raw, etl in mapped.items() if etl not in skip] or None
    read = _CsvRead(path, header, header_lines, header_index + 2, keep, columns, listed)
    lenient = False  # bytes that are not UTF-8 read as U+FFFD (and reported)
    try:
        if encoding == "utf-8" and not _valid_utf8(head):
            raise UnicodeDecodeError(encoding, b"", 0, 1, "in the first bytes")
        streamed = read.stream(encoding)
    except UnicodeDecodeError:
        # A UTF-8 file with a few stray bytes stays UTF-8; one mostly not UTF-8 (its
        # first bytes plain ASCII) is cp1252. Never the whole file re-decoded silently.
        head_is_utf8 = not head.isascii() and _valid_utf8(head)
        lenient = encoding.startswith("utf-8") and _file_mostly_utf8(path, head_is_utf8)
        encoding = encoding if lenient else "cp1252"
        streamed = read.stream(encoding, lenient)
    raw = RawFile(path, "csv", encoding, header, detection, streamed.table,
                  bad_rows=streamed.bad_rows, rows_skipped=streamed.skipped,
                  bad_lines=streamed.bad_lines, unnumbered_bad_rows=streamed.unnumbered,
                  header_row=header_lines, replaced=lenient)  # fmt: skip
    _count_lines(raw, streamed, head, header_lines, header_index + 2)
    return raw


def _count_lines(
    raw: RawFile, streamed: _Streamed, head: bytes, header_lines: int, first_row: int
) -> None:
    """Compare the parser's rows with the file's lines counted on their own; lines the
    parser folded into a row through an unclosed quote become ``swallowed_lines``."""
    path, encoding = raw.path, raw.encoding or "utf-8"
    start = offset_after_lines(head, header_lines, encoding)
    records = streamed.parsed + len(streamed.bad_lines) + streamed.unnumbered
    lines = physical_lines(path, start, encoding)
    if lines <= records:
        return
    if not streamed.multiline_bad and lines == records + blank_lines(path, start, encoding):
        return  # blank lines: layout, skipped by the parser
    # Some row runs over several lines: find which, and whether it swallowed rows.
    spans = scan_spans(path, encoding, header_lines, first_row, len(raw.header))
    if spans.records != records:  # the two parsers disagree: count what is unexplained
        raw.swallowed_lines = max(lines - spans.blank - records, 0)
        raw.notes.append(("row_shape", f"{raw.swallowed_lines:,} lines of the file were not "
                          "read as rows (its quoting is broken): they are not loaded"))  # fmt: skip
        return
    bad = set(streamed.bad_lines.tolist())
    for row, (line, count, looks_swallowing) in spans.rows.items():
        if row in bad or looks_swallowing:  # an address with a line break is one row
            raw.swallowing[row] = (line, count, row not in bad)
            raw.swallowed_lines += count - 1


@dataclass
class _Streamed:
    table: pa.Table
    parsed: int
    skipped: int
    bad_rows: list[tuple[int | None, str]]
    bad_lines: np.ndarray
    unnumbered: int
    multiline_bad: bool


@dataclass
class _CsvRead:
    """One CSV read in blocks: all columns (or ``columns``) as strings; only rows ``keep``
    selects are held in memory (a national file is mostly other LAs). Misshapen rows are
    set aside: every one's line kept, the text of the first ``listed``."""

    path: Path
    header: list[str]
    skip_lines: int
    first_row: int
    keep: RowFilter | None
    columns: list[str] | None
    listed: int

    def stream(self, encoding: str, lenient: bool = False) -> _Streamed:
        header, columns = self.header, self.columns
        lines: list[int] = []
        texts: list[tuple[int | None, str]] = []
        odd = {"unnumbered": 0, "multiline": False}

        # Arrow numbers rows after the skipped lines; source_row counts a title spanning
        # lines (a quoted line break) as one row.
        offset = self.skip_lines - (self.first_row - 2)

        def set_aside(row: pv.InvalidRow) -> str:
            number = None if row.number is None or row.number < 0 else row.number - offset + 1
            if number is None:
                odd["unnumbered"] += 1
            else:
                lines.append(number)
            if len(texts) < self.listed:
                texts.append((number, row.text))
            if not odd["multiline"] and ("\n" in row.text or "\r" in row.text):
                odd["multiline"] = True
            return "skip"

        arrow_encoding = {"utf-8": "utf8", "utf-8-sig": "utf8", "utf-16": "utf-16"}.get(
            encoding, _CP1252_LENIENT
        )
        if lenient:
            arrow_encoding = _UTF8_LENIENT
        schema = pa.schema([(name, pa.string()) for name in columns or header])
        batches: list[pa.RecordBatch] = []
        ordinals: list[np.ndarray] = []  # position of each kept row among the parsed rows
        parsed = 0
        try:
            # Single-threaded parsing so bad rows carry their line numbers; small blocks
            # keep memory flat whatever the file size (the reader holds dozens ahead).
            reader = pv.open_csv(
                self.path,
                read_options=pv.ReadOptions(
                    use_threads=False,
                    encoding=arrow_encoding,
                    skip_rows=self.skip_lines,
                    column_names=header,
                    block_size=1 << 20,
                ),
                parse_options=pv.ParseOptions(
                    newlines_in_values=True, invalid_row_handler=set_aside
                ),
                convert_options=pv.ConvertOptions(
                    column_types=dict.fromkeys(header, pa.string()),
                    include_columns=columns,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            for batch in reader:
                if self.keep is None:
                    mask = None
                else:
                    mask = np.asarray(self.keep(pa.Table.from_batches([batch])), dtype=bool)
                if mask is None or mask.all():
                    batches.append(batch)
                    ordinals.append(np.arange(parsed, parsed + batch.num_rows, dtype=np.int64))
                elif mask.any():
                    batches.append(batch.filter(pa.array(mask)))
                    ordinals.append(parsed + np.flatnonzero(mask))
                parsed += batch.num_rows
        except pa.ArrowInvalid as error:
            if "utf8" in str(error).lower() or "utf-8" in str(error).lower():
                raise UnicodeDecodeError(encoding, b"", 0, 1, str(error)) from None
            raise ReadError(f"cannot parse the CSV: {error}") from None
        table = pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()
        ordinal = np.concatenate(ordinals) if ordinals else np.empty(0, np.int64)
        bad_lines = np.asarray(lines, dtype=np.int64)
        if len(bad_lines):
            # Lines of the parsed rows: every line from the first data row, minus the bad.
            every = np.arange(
                self.first_row, self.first_row + parsed + len(bad_lines), dtype=np.int64
            )
            kept_lines = np.setdiff1d(every, bad_lines)[ordinal]
        else:
            kept_lines = ordinal + self.first_row
        table = table.append_column(SOURCE_ROW, pa.array(kept_lines, pa.int64()))
        return _Streamed(table, parsed, parsed - len(ordinal), texts, bad_lines,
                         odd["unnumbered"], odd["multiline"])  # fmt: skip


# --------------------------------------------------------------------------------------
# xlsx
# --------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold (whole floats without '.0', dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _open_workbook(path: Path):
    """A read-only workbook from the file's bytes (openpyxl refuses a workbook by name
    when the name does not end .xlsx; council workbooks are small)."""
    import openpyxl  # imported here: only council workbooks need it

    return openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)


def read_xlsx(
    path: Path, prefilter: Prefilter | None = None, max_rows: int = Limits.max_xlsx_rows
) -> RawFile:
    try:
        workbook = _open_workbook(path)
    except Exception as error:  # zipfile/openpyxl raise many kinds
        raise ReadError(
            f"cannot open the workbook ({error}): it is not a valid .xlsx file (corrupt, cut "
            "short, or another kind of file renamed .xlsx)"
        ) from None
    try:
        found = _find_sheet(workbook)
        if found is None:
            sheets = [_sheet_xml(workbook, ws) for ws in _worksheets(workbook)]
            _refuse_formulas(workbook, sheets, max(s.rows for s in sheets) if sheets else 0)
            raise ReadError(
                "the workbook has no sheet with a header row",
                max((s.rows for s in sheets), default=0),
            )
        sheet_name, header_row, detection, also = found
        sheet = workbook[sheet_name]
        facts = _sheet_xml(workbook, sheet)
        below = max(facts.rows - header_row, 0)
        if facts.rows > max_rows:
            raise ReadError(
                f"the sheet '{sheet_name}' holds {facts.rows:,} rows, more than the "
                f"{max_rows:,} a workbook may have here ([limits] max_xlsx_rows in "
                "config.toml), so it was not read: save the table as CSV, or raise the limit "
                "if the rows are real",
                below,
            )
        _refuse_formulas(workbook, [facts], below)
        header_cells = next(
            sheet.iter_rows(min_row=header_row, max_row=header_row, values_only=True)
        )
        header = _unique_names([cell_text(v) for v in header_cells])
        width = len(header)
        columns: list[list[str]] = [[] for _ in range(width)]
        lines: list[int] = []
        last = header_row
        for line, values in enumerate(
            sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
        ):
            last = line
            texts = [cell_text(v) for v in values[:width]]
            if not any(t.strip() for t in texts):
                continue  # blank rows are layout, not data
            texts += [""] * (width - len(texts))
            for column, text in zip(columns, texts, strict=True):
                column.append(text)
            lines.append(line)
    finally:
        workbook.close()
    if last < facts.rows:  # the rows counted in the sheet's XML on their own
        raise ReadError(
            f"only {last:,} of the {facts.rows:,} rows of sheet '{sheet_name}' could be read: "
            "the workbook may be damaged; open it in Excel and save it again",
            below,
        )
    arrays = [pa.array(values, pa.string()) for values in columns]
    table = pa.Table.from_arrays(
        [*arrays, pa.array(lines, pa.int64())], names=[*header, SOURCE_ROW]
    )
    keep = prefilter(detection, header) if prefilter else None
    skipped = 0
    if keep is not None:
        mask = np.asarray(keep(table), dtype=bool)
        skipped = int((~mask).sum())
        table = table.filter(pa.array(mask))
    raw = RawFile(
        path, "xlsx", None, header, detection, table, sheet=sheet_name, rows_skipped=skipped,
        header_row=header_row,
    )  # fmt: skip
    raw.notes += _hidden_notes(sheet_name, also)
    return raw


def _find_sheet(workbook) -> tuple[str, int, Detection, list[tuple[str, str, bool]]] | None:
    """The first sheet (visible ones first) and row holding a source's signature, with
    every sheet holding one (name, source, hidden) so hidden copies can be reported."""
    candidates: list[tuple[str, int, Detection]] = []
    matches: list[tuple[str, int, Detection]] = []
    for sheet in _worksheets(workbook):
        sheet.reset_dimensions()  # read-only mode trusts <dimension>, which can lie
        rows = [
            [cell_text(v) for v in values]
            for values in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
        ]
        if not any(any(c.strip() for c in row) for row in rows):
            continue
        index, detection = _find_header(rows)
        found = (sheet.title, index + 1, detection)
        (matches if detection.source is not None else candidates).append(found)
    also = [
        (name, detection.source.name, workbook[name].sheet_state != "visible")
        for name, _, detection in matches
    ]
    if matches:
        return (*matches[0], also)
    near = [c for c in candidates if c[2].near is not None]
    chosen = (near or candidates or [None])[0]
    return None if chosen is None else (*chosen, also)


def _worksheets(workbook) -> list:
    """The workbook's worksheets (not chart sheets), visible ones first: a hidden sheet
    is often an older copy of the table (a visible one is what its owner sees)."""
    sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
    return sorted(sheets, key=lambda ws: ws.sheet_state != "visible")


def _hidden_notes(chosen: str, also: list[tuple[str, str, bool]]) -> list[tuple[str, str]]:
    """Warnings for hidden sheets that hold a table too, or when the one read is hidden."""
    notes = []
    for name, source, hidden in also:
        if name == chosen and hidden:
            notes.append(("hidden_sheet", f"the table was read from the hidden sheet '{name}' "
                          "(no visible sheet holds one): check it is the current one"))  # fmt: skip
        elif name != chosen and hidden:
            notes.append(("hidden_sheet", f"the hidden sheet '{name}' also holds a {source} "
                          f"table: it was not read (the visible sheet '{chosen}' was)"))  # fmt: skip
    return notes


@dataclass
class _SheetXml:
    """A worksheet's XML read on its own (not through openpyxl): its rows and formulas."""

    name: str
    path: str
    rows: int
    formulas: bool


def _sheet_xml(workbook, sheet) -> _SheetXml:
    """Rows (``<row>`` elements) of a sheet counted in its XML: openpyxl's read-only mode
    trusts the sheet's <dimension>, which can understate them. Streamed: a few MB can
    inflate to millions of rows (~1 s per 500 MB of XML)."""
    rows, formulas, tail = 0, False, b""
    with workbook._archive.open(sheet._worksheet_path) as source:
        while chunk := source.read(8 << 20):
            data = tail + chunk
            rows += data.count(b"<row ") + data.count(b"<row>") + data.count(b"<row/>")
            formulas = formulas or b"<f>" in data or b"<f " in data or b"<f/>" in data
            tail = data[-5:]
            rows -= tail.count(b"<row ") + tail.count(b"<row>") + tail.count(b"<row/>")
    rows += tail.count(b"<row ") + tail.count(b"<row>") + tail.count(b"<row/>")
    return _SheetXml(sheet.title, sheet._worksheet_path, rows, formulas)


_FORMULA = re.compile(rb"<f[\s>/]")
_CELL_REF = re.compile(rb'<c\b[^>]*\br="([A-Z]+[0-9]+)"')
_VALUE = re.compile(rb"<v>[^<]|<is>")


def _refuse_formulas(workbook, sheets: list[_SheetXml], rows: int) -> None:
    """A ReadError when a sheet holds formulas whose values were never saved (a workbook
    written by a program, not saved by Excel): openpyxl reads them as blank cells."""
    for facts in sheets:
        if not facts.formulas:
            continue
        with workbook._archive.open(facts.path) as source:
            xml = source.read()
        missing, first = 0, None
        for match in _FORMULA.finditer(xml):
            end = xml.find(b"</c>", match.start())
            if end < 0 or not _VALUE.search(xml, match.start(), end):
                missing += 1
                if first is None:
                    start = xml.rfind(b"<c ", 0, match.start())
                    ref = _CELL_REF.match(xml, start) if start >= 0 else None
                    first = ref.group(1).decode() if ref else None
        if missing:
            where = f", e.g. cell {first}" if first else ""
            raise ReadError(
                "the workbook holds formulas without saved values (sheet "
                f"'{facts.name}': {missing:,} cells{where}): open it in Excel and save it, "
                "or paste values",
                rows,
            )


# --------------------------------------------------------------------------------------
# Time periods
# --------------------------------------------------------------------------------------

#: One parser of time periods for every reader (contract.periods).
parse_time_period = periods.parse


def normalise_time_period(values: pd.Series) -> pd.Series:
    """Vectorised parse_time_period (each distinct text parsed once): Int64, NA if invalid."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = np.array([parse_time_period(str(u)) or -1 for u in uniques] + [-1], dtype=np.int64)
    result = parsed[codes]  # code -1 (missing) picks the trailing -1
    return pd.Series(result, index=values.index, dtype="Int64").mask(result < 0)
