"""The council's EHC plan placements by school (README "EHC plan placements by school"):
the demo's record read with the csv module, against the warehouse and the area figures the
query layer gives (independent sums, not the app's)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from real_files import REAL_DIR, csv_rows

import queries
from contract import periods
from contract.access import PUBLIC, Viewer
from etl import sources

FILE = "ehc_plan_placements.csv"


@pytest.fixture(scope="module")
def record(demo_warehouse: Path) -> list[dict[str, str]]:
    [path] = (demo_warehouse.resolve().parents[1] / "raw").rglob(FILE)
    return csv_rows(path)


def test_every_row_of_the_record_is_loaded(demo_warehouse: Path, record) -> None:
    report = json.loads((demo_warehouse / "build_report.json").read_text(encoding="utf-8"))
    [entry] = [f for f in report["files"] if f["file"].endswith(FILE)]
    assert entry["source"] == "ehc_placements"
    assert entry["rows_read"] == len(record) == entry["rows_loaded"] > 1000
    with duckdb.connect() as con:
        [(loaded,)] = con.execute(
            "select sum(ehc_plans) from read_parquet(?)",
            [str(demo_warehouse / "ehc_placements.parquet")],
        ).fetchall()
    assert loaded == sum(int(r["EHC plans"]) for r in record)


def test_the_county_counts_are_the_records_sums(demo_con, record) -> None:
    """Every placement in the demo is at one of the council's schools: the county figure
    for each January is the record's sum; the localities' figures add up to it less the
    schools in no locality."""
    sums: dict[int, int] = defaultdict(int)
    for r in record:
        sums[periods.parse(r["Academic year"])] += int(r["EHC plans"])
    assert len(sums) >= 5
    for year, total in sums.items():
        frame = queries.measure_by_area(
            demo_con, level="Locality", measure="ehc_placed", time_period=year
        )
        county = frame[frame["level"] == "County"].iloc[0]
        assert not county["suppressed"]
        assert county["value"] == total, year
        localities = frame[frame["level"] == "Locality"]
        assert 0.9 * total <= localities["value"].sum() <= total, year


def test_the_public_sees_none_of_it(demo_warehouse: Path) -> None:
    con = queries.connect(demo_warehouse)
    try:
        public = queries.access.scope(con.cursor(), Viewer(PUBLIC))
        frame = queries.measure_by_area(
            public, level="Locality", measure="ehc_placed", time_period=202324
        )
        assert frame.empty or frame["value"].isna().all()
    finally:
        con.close()


def test_the_placements_are_sen2s_own_categories() -> None:
    """The template's placements are the school placements of SEN2's 2026 caseload file
    (its real header), each read by its label and by the file's column name."""
    header = REAL_DIR / "headers" / "sen2_2026_caseload_HEAD.csv"
    if not header.is_file():
        pytest.skip("the real SEN2 caseload header is not beside the project")
    columns = set(header.read_text(encoding="utf-8").split("\n", 1)[0].split(","))
    for column, label in sources.EHC_PLACEMENT_COLUMNS:
        assert column in columns, column
        assert dict(sources.EHC_PLACEMENTS)[column] == label
        assert dict(sources.EHC_PLACEMENTS)[label.lower()] == label
