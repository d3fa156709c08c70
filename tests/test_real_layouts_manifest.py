"""The real-layout fixtures (tests/fixtures/real_layouts/) stay true to what DfE publishes.

Each fixture is listed in MANIFEST.csv with its origin under shared/real; its header must be
that origin's header byte for byte (a BOM aside) and rows cut from a real file must be lines
of that file. Rebuild the fixtures with scripts/cut_real_layouts.py, never by hand.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from real_layouts import (
    BOM,
    FIXTURES,
    MANIFEST,
    MANIFEST_COLUMNS,
    first_line,
    md_header_candidates,
    md_section,
    real_root,
    split_origin,
)

#: Fixtures whose header has an unnamed leading column the page does not print (the SEN
#: 2026 file's R row numbers): it is compared without that first empty cell.
UNNAMED_LEADING_COLUMN = {"sen_school_2026_long.csv"}


def _manifest() -> list[dict[str, str]]:
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == MANIFEST_COLUMNS
        return list(reader)


ENTRIES = _manifest()
IDS = [e["file"] for e in ENTRIES]
ROOT = real_root()
needs_real = pytest.mark.skipif(ROOT is None, reason="shared/real not found (REAL_FILES_DIR)")


def _origin(entry: dict[str, str]) -> tuple[Path, str | None]:
    assert ROOT is not None
    path, section = split_origin(entry["origin"])
    return ROOT / path, section


def test_manifest_and_fixture_files_match() -> None:
    listed = [e["file"] for e in ENTRIES]
    assert len(listed) == len(set(listed)), "a fixture is listed twice"
    on_disk = {p.name for p in FIXTURES.iterdir() if p.is_file() and not p.name.startswith(".")}
    on_disk.discard(MANIFEST.name)
    assert sorted(set(listed) - on_disk) == [], "listed but missing"
    assert sorted(on_disk - set(listed)) == [], "fixture not in MANIFEST.csv"
    for entry in ENTRIES:
        assert all(entry[c].strip() for c in MANIFEST_COLUMNS), entry["file"]


@needs_real
@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_fixture_header_is_the_published_header(entry: dict[str, str]) -> None:
    origin, section = _origin(entry)
    assert origin.is_file(), f"origin {origin} not found"
    header = first_line(FIXTURES / entry["file"])
    if entry["file"] in UNNAMED_LEADING_COLUMN:
        assert header.startswith(b","), "the unnamed leading column is gone"
        header = header[1:]
    if section is None:
        assert header == first_line(origin)
    else:
        shown = md_header_candidates(md_section(origin.read_text(encoding="utf-8"), section))
        assert header.decode("utf-8") in shown, f"no header line in section {section!r}"


@needs_real
@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if "#" not in e["origin"]], ids=lambda e: e["file"]
)
def test_cut_rows_are_lines_of_the_real_file(entry: dict[str, str]) -> None:
    origin, _ = _origin(entry)
    fixture = (FIXTURES / entry["file"]).read_bytes().splitlines(keepends=True)
    original = origin.read_bytes().splitlines(keepends=True)
    assert fixture[0].removeprefix(BOM) == original[0].removeprefix(BOM)
    # Same encoding and line endings: the first line's bytes, BOM included, are the same.
    assert fixture[0] == original[0]
    lines = set(original[1:])
    missing = [n for n, line in enumerate(fixture[1:], start=2) if line not in lines]
    assert missing == [], f"fixture lines not in {origin.name}: {missing}"
    assert len(fixture) - 1 <= 40, "a fixture is a small cut"
