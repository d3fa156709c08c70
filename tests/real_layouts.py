"""Where the real published files live, and how a fixture's header is found in its origin.

Shared by ``tests/test_real_layouts_manifest.py`` and ``scripts/cut_real_layouts.py``.
An ``origin`` (MANIFEST.csv) is a path under the real-files folder (``shared/real``), and for
a markdown page ``path#heading``: the section under that heading.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "real_layouts"
MANIFEST = FIXTURES / "MANIFEST.csv"
MANIFEST_COLUMNS = ["file", "layout", "expected_source", "origin", "notes"]
BOM = b"\xef\xbb\xbf"

_HEADING = re.compile(r"^#{1,6} +(.*?)\s*$")
#: How a page marks a header it shows only in part: everything from the marker on is dropped.
_TRUNCATION = (", ...", ",...", ", …", ",…")
#: A note after a column list on the same line ("...  (unattributed excerpt, ...)").
_TRAILING_NOTE = re.compile(r"\s{2,}\(.*\)$")


def real_root() -> Path | None:
    """The ``shared/real`` folder: $REAL_FILES_DIR, else ``shared/real`` beside the repo (or
    beside one of its parents: a worktree, CI's clone), else None."""
    if os.environ.get("REAL_FILES_DIR"):
        return Path(os.environ["REAL_FILES_DIR"])
    for parent in REPO.parents:
        candidate = parent / "shared" / "real"
        if candidate.is_dir():
            return candidate
    return None


def split_origin(origin: str) -> tuple[str, str | None]:
    path, _, section = origin.partition("#")
    return path, (section or None)


def md_section(text: str, heading: str) -> list[str]:
    """The lines under ``heading`` (exact heading text) up to the next heading."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _HEADING.match(line)
        if match and match.group(1) == heading:
            body = []
            for following in lines[index + 1 :]:
                if _HEADING.match(following):
                    break
                body.append(following)
            return body
    raise KeyError(f"no section headed {heading!r}")


def md_header_candidates(section: list[str]) -> list[str]:
    """The header lines a page section shows, as a CSV header would read.

    A line is cut at the page's truncation marker (``, ...``; only the columns shown are
    kept), a note after two spaces is dropped and a column list's ``", "`` separators read
    as ``","``. A markdown table whose first column is "Column Name" counts as one header
    (its names in order).
    """
    candidates = []
    table: list[str] = []
    in_table = False
    for line in section:
        text = line.strip()
        if text.startswith("|"):
            cells = [c.strip() for c in text.strip("|").split("|")]
            if cells and cells[0] == "Column Name":
                in_table = True
            elif in_table and not set(cells[0]) <= set("-: "):
                table.append(cells[0])
            continue
        if in_table:
            in_table = False
        if "," not in text or " | " in text:
            continue
        for marker in _TRUNCATION:
            if marker in text:
                text = text[: text.index(marker)]
        text = _TRAILING_NOTE.sub("", text).replace(", ", ",")
        candidates.append(text)
    if table:
        candidates.append(",".join(table))
    return candidates


def first_line(path: Path) -> bytes:
    """A file's first line without its line ending and BOM."""
    with path.open("rb") as handle:
        line = handle.readline()
    return line.removeprefix(BOM).rstrip(b"\r\n")
