"""The SEND board's sources beyond SEN2.

Suspensions and permanent exclusions of SEND learners at LA level, from the SEN provision
rows of the DfE's exclusions by characteristic file. Real file: shared/real's 2006/07-
2016/17 release (National rows only, spellings "SEN provision SEN with statement EHC" and
"SEN provision SEN without statement"). Demo: the LA rows of the demo's characteristic file.

SEND pupils on part-time timetables and in alternative provision: the council's own termly
return (no publication exists; the template is README's). Expected figures are read with
the csv module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from etl_raw_files import CONFIG_TOML, write_minimal_raw
from real_files import REAL_FILES, csv_rows, published_number, real_file

from analysis.send_board import Council, KpiRow, kpi_rows
from contract import formats, settings
from etl import warehouse_path
from etl.breakdowns import sen_provision_benchmarks
from queries import connect, send_board_areas
from queries.prepare import build_warehouse

CHARACTERISTICS = REAL_FILES / "ees-exclusions-2006-2017" / "exclusions_by_characteristic.csv"
GROUPS = {
    "SEN provision SEN with statement EHC": "ehc_plan",
    "SEN provision SEN without statement": "sen_support",
}
PER100 = formats.get("per100")


def _board(warehouse: Path) -> dict[str, KpiRow]:
    """The board's rows for Oxfordshire on ``warehouse``, by measure."""
    con = connect(warehouse)
    try:
        figures = send_board_areas(con)
    finally:
        con.close()
    council = Council("Oxfordshire", 931, "E12000008")
    return {r.measure.measure: r for r in kpi_rows(figures, council, settings.SendBoard())}


@pytest.fixture(scope="module")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    real_file(CHARACTERISTICS)
    data = tmp_path_factory.mktemp("sen_exclusions")
    raw = write_minimal_raw(data / "raw")
    (data / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    shutil.copy(CHARACTERISTICS, raw / CHARACTERISTICS.name)
    build_warehouse(data_dir=data)
    return warehouse_path(data)


def _served(warehouse: Path, level: str) -> pd.DataFrame:
    con = connect(warehouse)
    try:
        return con.execute(
            "select measure, time_period, value, numerator, denominator"
            " from area_measure_year_areas where level = $level"
            " and (measure like '%\\_ehc\\_plan' escape '\\'"
            " or measure like '%\\_sen\\_support' escape '\\')",
            {"level": level},
        ).df()
    finally:
        con.close()


def test_englands_rates_for_send_learners_are_as_published(real_build: Path) -> None:
    """Every published England figure of the two SEN groups (all schools), every year: the
    counts are the app's numerator and denominator, and the app writes the published rate
    to its decimal. A withheld count gives no figure, never a zero."""
    served = _served(real_build, "National").set_index(["measure", "time_period"])
    expected, withheld = {}, 0
    for row in csv_rows(real_file(CHARACTERISTICS)):
        group = GROUPS.get(row["characteristic"])
        if group is None or row["school_type"] != "Total":
            continue
        year = int(row["time_period"])
        for count, rate, measure in (
            ("fixed_excl", "fixed_excl_rate", f"susp_rate_{group}"),
            ("perm_excl", "perm_excl_rate", f"perm_excl_rate_{group}"),
        ):
            if published_number(row[count]) is None or published_number(row["headcount"]) is None:
                withheld += 1
                assert (measure, year) not in served.index
                continue
            expected[measure, year] = (float(row[count]), float(row["headcount"]), row[rate])
    assert len(expected) == 24  # 2011/12-2016/17, two groups, two measures
    for key, (numerator, denominator, rate) in expected.items():
        got = served.loc[key]
        assert (got["numerator"], got["denominator"]) == (numerator, denominator), key
        assert PER100.bare(got["value"]) == PER100.bare(float(rate)), key
    assert ("susp_rate_ehc_plan", 201617) in expected  # 36,005 of 225,955: 15.93


def test_the_board_rates_send_suspensions_against_england(real_build: Path) -> None:
    rows = _board(real_build)
    row = rows["susp_rate_ehc_plan"]
    # the real file has no LA rows: no council figure, England's series is there
    assert row.value is None
    england = row.series[row.series["area"] == "England"].set_index("time_period")["value"]
    assert PER100.bare(england.loc[201617]) == PER100.bare(15.93)


def test_demo_board_shows_the_councils_figure_from_the_raw_file(demo_warehouse: Path) -> None:
    """The demo's LA row for Oxfordshire, read with csv, is the board's latest figure."""
    raw = demo_warehouse.resolve().parents[1] / "raw"
    [path] = raw.rglob("exclusions_by_characteristic.csv")
    mine = [
        r for r in csv_rows(path)
        if r["geographic_level"] == "Local authority" and r["old_la_code"] == "931"
        and r["characteristic"] == "EHC plan" and r.get("education_phase", "Total") == "Total"
    ]  # fmt: skip
    latest = max(mine, key=lambda r: int(r["time_period"]))
    rows = _board(demo_warehouse)
    row = rows["susp_rate_ehc_plan"]
    assert row.year == int(latest["time_period"])
    expected = 100 * float(latest["suspension"]) / float(latest["headcount"])
    assert PER100.bare(row.value) == PER100.bare(expected)
    assert row.england is not None and row.neighbours_with_figure >= 1


def test_withheld_counts_give_no_figure_and_england_is_kept() -> None:
    area = {"time_period": 202324, "area_code": "E92000001", "old_la_code": pd.NA,
            "area_name": "England", "geographic_level": "National"}  # fmt: skip
    frame = pd.DataFrame(
        [
            {**area, "breakdown": "characteristic", "characteristic_group": "SEN provision",
             "characteristic": "EHC plan", "headcount": 200.0, "susp": 30.0,
             "perm_excl": None},
            {**area, "breakdown": "characteristic", "characteristic_group": "SEN provision",
             "characteristic": "SEN support", "headcount": 1000.0, "susp": 50.0,
             "perm_excl": 2.0},
            {**area, "breakdown": "characteristic", "characteristic_group": "Gender",
             "characteristic": "Male", "headcount": 9.0, "susp": 9.0, "perm_excl": 9.0},
        ]
    )  # fmt: skip
    rows = sen_provision_benchmarks(frame).set_index("measure")
    assert sorted(rows.index) == [
        "perm_excl_rate_sen_support", "susp_rate_ehc_plan", "susp_rate_sen_support"
    ]  # fmt: skip
    assert tuple(rows.loc["susp_rate_ehc_plan", ["numerator", "denominator"]]) == (30.0, 200.0)
    assert rows["area_name"].eq("England").all()


# ------------------------------------------------ council-held: part-time timetables, AP


def test_the_board_shows_the_councils_own_termly_return(demo_warehouse: Path) -> None:
    """The demo's termly return read with csv: the board's figure for SEND pupils on a
    part-time timetable and in alternative provision is the spring term's sum over the
    council's schools in the latest year; no England or neighbour figure is claimed."""
    [path] = (demo_warehouse.resolve().parents[1] / "raw").rglob("send_part_time_and_ap.csv")
    rows = csv_rows(path)
    latest = max(r["Academic year"] for r in rows)
    spring = [r for r in rows if r["Academic year"] == latest and r["Term"] == "Spring"]
    board = _board(demo_warehouse)
    for measure, column in (
        ("send_part_time", "Pupils on a part-time timetable"),
        ("send_in_ap", "Pupils in alternative provision"),
    ):
        row = board[measure]
        assert row.year_label == latest
        assert row.value == sum(int(r[column]) for r in spring), measure
        assert (row.england, row.region, row.rank) == (None, None, None)
        assert row.neighbours_text.startswith("The council's own figure")
        assert row.change_3 is not None  # a trend from the council's own years


def test_one_list_of_sen_provision_spellings_reads_every_council_file() -> None:
    """The exclusions log and the termly return read a pupil's SEN provision from one list
    (etl.sources.SEN_PROVISION_SPELLINGS); the return, of SEND learners, refuses "No SEN"."""
    from etl import exclusions_log, sources

    termly = {
        column.name: column
        for source in sources.SOURCES
        if source.table == "send_timetables"
        for column in source.columns
    }["sen_provision"]
    choices = dict(termly.choices)
    for spelled, label in sources.SEN_PROVISION_SPELLINGS:
        assert exclusions_log._sen(spelled) == label
        assert choices.get(spelled) == (None if label == "No SEN" else label)
    assert {"ehcp", "support", "e", "k"} <= set(choices)
