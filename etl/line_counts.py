"""CSV rows counted independently of the CSV parser, so a line it swallowed is caught.

An unclosed quote makes a parser read on to the next quote: the lines between become one
row (misshapen, or with the right number of fields by chance), and a count of the rows it
returned would reconcile while those lines vanish. The physical lines are counted here
(line ends: LF, CRLF or a lone CR, counted in C over the bytes, ~0.1 s per GB); when they
are more than the parser's rows, blank lines are counted, and only if that does not
explain the difference is the file scanned again with Python's csv module to find which
rows run over several lines and whether what they swallowed looks like rows.
"""

from __future__ import annotations

import codecs
import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

_CHUNK = 16 << 20
_LINE_END = re.compile(r"\r\n|\r|\n")


def _chunks(path: Path, start: int, encoding: str) -> Iterator[bytes]:
    """The file's bytes from ``start`` in an encoding where line ends are single bytes
    (UTF-16 is re-encoded as UTF-8: its line ends are two bytes)."""
    with path.open("rb") as handle:
        decoder = None
        if encoding.startswith("utf-16"):  # from its byte-order mark: we start past it
            order = "utf-16-le" if handle.read(2) == b"\xff\xfe" else "utf-16-be"
            decoder = codecs.getincrementaldecoder(order)(errors="replace")
        handle.seek(start)
        while chunk := handle.read(_CHUNK):
            yield chunk if decoder is None else decoder.decode(chunk).encode("utf-8")


def physical_lines(path: Path, start: int, encoding: str) -> int:
    """Lines from byte ``start`` to the end (a last line without a line end counts)."""
    lines = 0
    previous = b""
    for chunk in _chunks(path, start, encoding):
        lines += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
        if previous == b"\r" and chunk[:1] == b"\n":
            lines -= 1  # a CRLF split between two chunks
        previous = chunk[-1:]
    return lines + (previous not in (b"", b"\n", b"\r"))


def blank_lines(path: Path, start: int, encoding: str) -> int:
    """Empty lines (a line end right after another, or at ``start``) from byte ``start``:
    the parser skips them as layout. Vectorised over each chunk (~1 s per GB)."""
    blank = 0
    tail = b"\n"  # the start counts as just after a line end
    for chunk in _chunks(path, start, encoding):
        data = np.frombuffer(tail + chunk, np.uint8)
        lf, cr = data == 10, data == 13
        # where a line end starts: a CR, or an LF not after a CR (CRLF is one line end)
        starts = cr[1:] | (lf[1:] & ~cr[:-1])
        blank += int((starts & (lf[:-1] | cr[:-1])).sum())
        tail = chunk[-1:]
    return blank


def offset_after_lines(head: bytes, lines: int, encoding: str) -> int:
    """The byte offset just after the first ``lines`` line ends of ``head``."""
    if lines <= 0:
        return 0
    if not encoding.startswith("utf-16"):
        for count, match in enumerate(re.finditer(rb"\r\n|\r|\n", head), start=1):
            if count == lines:
                return match.end()
        return len(head)
    little = head.startswith(b"\xff\xfe")
    text = head[2:].decode("utf-16-le" if little else "utf-16-be", errors="replace")
    end = len(text)
    for count, match in enumerate(_LINE_END.finditer(text), start=1):
        if count == lines:
            end = match.end()
            break
    return 2 + 2 * end  # the BOM, then two bytes a character (no surrogates in headers)


@dataclass
class Spans:
    """Rows that run over several physical lines, from a second scan of the file."""

    #: source_row -> (first physical line, lines it runs over, swallowed rows?)
    rows: dict[int, tuple[int, int, bool]] = field(default_factory=dict)
    blank: int = 0
    records: int = 0


def scan_spans(path: Path, encoding: str, skip_lines: int, first_row: int, width: int) -> Spans:
    """Every row spanning more than one line, with its first line and whether it swallowed
    what look like rows (a continuation line holding a whole row's delimiters): an
    unclosed quote, not an address with a line break in it."""
    spans = Spans()
    text_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a swallowing row is one huge field
    with path.open(encoding=text_encoding, errors="replace", newline="") as handle:
        for _ in range(skip_lines):
            handle.readline()
        reader = csv.reader(handle)
        line = skip_lines
        for record in reader:
            start, line = line + 1, reader.line_num + skip_lines
            if not record:
                spans.blank += 1
                continue
            row = first_row + spans.records
            spans.records += 1
            if line > start:
                swallowed = any(
                    piece.count(",") >= width - 1
                    for value in record
                    if "\n" in value or "\r" in value
                    for piece in _LINE_END.split(value)[1:]
                )
                spans.rows[row] = (start, line - start + 1, swallowed or len(record) != width)
    return spans
