"""Integration: the demo generator's files build into a warehouse that reconciles."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from demo import generate_demo
from etl import warehouse_path
from queries.prepare import build_warehouse

#: Rejects the demo generator plants on purpose (rule -> count); none so far.
#: The SEN2 releases repeat 2019-2022 (the publication to 2022 and the 2026 timeliness
#: file, as the DfE's own do): the timeliness file's 4 years x 27 areas (England, 9
#: regions, 17 LAs) are rejected as duplicates of the publication's rows, which have more
#: of the figures (requests for assessment).
INTENDED_REJECTS: dict[str, int] = {"duplicate_key": 4 * 27}


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("demo_data")
    (data / "raw").mkdir()
    (data / "config.toml").write_text(
        (Path(__file__).resolve().parents[1] / "data" / "config.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    generate_demo(data / "raw" / "demo")
    messages: list[str] = []
    result = build_warehouse(data_dir=data, progress=messages.append)
    return data, result, messages


def test_demo_build_reconciles_every_file(demo_build) -> None:
    data, result, messages = demo_build
    assert result.mode == "demo"
    report = json.loads((warehouse_path(data) / "build_report.json").read_text(encoding="utf-8"))
    # 14 files, and the KS2 (5 years: none in 2019/20, 2020/21) and KS4 (7 years)
    # performance-tables downloads, one per year.
    assert len(report["files"]) == 31  # 26 + the three SEN2 files, the termly return, placements
    by_source = Counter(entry["source"] for entry in report["files"])
    assert by_source["ks2"] == 5 and by_source["ks4"] == 7
    for entry in report["files"]:
        assert entry["source"] is not None, entry
        parts = entry["rows_loaded"] + entry["rows_benchmark"] + entry["rows_out_of_scope"]
        assert entry["rows_read"] == parts + entry["rows_rejected"], entry
        # the LA-level files (geography, reasons, characteristics) are benchmarks only
        assert entry["rows_loaded"] + entry["rows_benchmark"] > 0, entry
    termly = "suspensions_and_permanent_exclusions_by_term_school_level.csv: exclusions"
    assert any(termly in m for m in messages)
    assert any("council_exclusions_log.csv: exclusions_log" in m for m in messages)


def test_demo_build_has_no_rejects_but_the_intended_ones(demo_build) -> None:
    data, _, _ = demo_build
    rejects = (
        duckdb.read_parquet(str(warehouse_path(data) / "rejects.parquet"))
        .filter("severity = 'reject'")
        .aggregate("rule, count(*) AS n")
        .df()
    )
    assert dict(zip(rejects["rule"], rejects["n"], strict=True)) == INTENDED_REJECTS


def test_demo_warehouse_covers_every_school_year(demo_build) -> None:
    data, result, _ = demo_build
    tables = result.report["tables"]
    assert all(rows > 0 for name, rows in tables.items() if name != "rejects"), tables
    warehouse = warehouse_path(data)
    school_year = duckdb.read_parquet(str(warehouse / "school_year.parquet")).df()
    share = school_year["partnership"].notna().mean()
    assert share > 0.99  # only schools closed or not yet open on census day have none
    localities = len(duckdb.read_parquet(str(warehouse / "locality_boundaries.parquet")).df())
    assert localities == 9
