"""Which source the project's code detects for each real published file and each
real-layout fixture (tests/fixtures/real_layouts/): one line per file.

    .venv/bin/python scripts/real_files_report.py [REAL_FILES_DIR]

Runs ``etl.readers.peek_source`` (what the build uses to sort files) and, for the reason a
file is rejected, ``etl.sources.detect_source`` on the header row the reader finds.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from real_layouts import FIXTURES, MANIFEST, real_root  # noqa: E402

from etl import readers  # noqa: E402
from etl.sources import detect_source  # noqa: E402


def _detection(path: Path):
    """The Detection for the header row the reader would use (CSV or workbook)."""
    suffix = path.suffix.lower()
    if suffix in readers.CSV_SUFFIXES:
        return readers._csv_head(path)[2]
    if suffix in readers.XLSX_SUFFIXES:
        workbook = readers._open_workbook(path)
        try:
            found = readers._find_sheet(workbook)
        finally:
            workbook.close()
        return found[2] if found else detect_source([])
    return None


def describe(path: Path) -> str:
    source = readers.peek_source(path)
    if source is not None:
        return source
    try:
        detection = _detection(path)
    except Exception as error:  # noqa: BLE001 - report, never stop
        return f"REJECTED: {type(error).__name__}: {error}"
    if detection is None:
        return f"not read (not a .csv/.xlsx file: {path.suffix or path.name})"
    return f"REJECTED: {detection.error}"


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else real_root()
    if root is None or not (root / "files").is_dir():
        print("shared/real not found: pass its path", file=sys.stderr)
        return 1
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        expected = {row["file"]: row["expected_source"] for row in csv.DictReader(handle)}
    for path in sorted(p for p in (root / "files").rglob("*") if p.is_file()):
        print(f"{path.relative_to(root)}: {describe(path)}")
    for name, want in sorted(expected.items()):
        got = describe(FIXTURES / name)
        mark = "ok " if got == want else "   "
        print(f"{mark}fixtures/real_layouts/{name} (expected {want}): {got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
