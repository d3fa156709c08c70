"""EHC plans (SEN2) at LA level from the real published files (shared/real/files/ees-sen2-la):
the 2014-2018 management information file, the EHC plans publication to 2022 (snake case)
and the 2026 release's heads (timeliness_20_week.csv, caseload.csv).

The expected figures are read here from the real files with the csv module, not through the
ETL, and compared with what the warehouse's public view serves: every published 20-week rate
and refusal rate, for every LA, region and England, is what the app writes, to the
published decimal.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from etl_raw_files import write_minimal_raw
from real_files import REAL_FILES, csv_rows, published_number, real_file

from contract import formats, periods
from etl import warehouse_path
from queries import connect, send_board_areas
from queries.prepare import build_warehouse

SEN2 = REAL_FILES / "ees-sen2-la"
SENDAP = SEN2 / "sen2_mi_sendap.csv"
MI = SEN2 / "SEN2_MI.csv"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "real_layouts"
OXFORDSHIRE = 931

#: measure -> (numerator, denominator, published rate) in the snake-case publication
RATES = {
    "ehc_20_weeks_pct": ("inc_exc_20week_ehc", "tot_inc_exc_ehc", "inc_exc_20week_rate"),
    "ehc_20_weeks_ex_pct": ("no_exc_20week_ehc", "tot_no_exc_ehc", "no_exc_20week_rate"),
    "ehc_requests_refused_pct": ("ass_refused_ehc", "inreq_ehc", "ass_refused_ehc_pc"),
}
#: the same counts in the management information file's long names
MI_NAMES = {
    "tot_inc_exc_ehc": "ehc_new_plans_including_exception_cases",
    "inc_exc_20week_ehc": "ehc_new_plans_in_20_weeks_including_exception_cases",
    "tot_no_exc_ehc": "ehc_new_plans_excluding_exception_cases",
    "no_exc_20week_ehc": "ehc_new_plans_in_20_weeks_excluding_exception_cases",
    "inreq_ehc": "ehc_initial_requests",
    "ass_refused_ehc": "ehc_assessment_refused",
}


def _key(row: dict[str, str]) -> tuple[int, str, str]:
    level = row["geographic_level"]
    area = {"National": "E92000001", "Regional": row["region_code"]}.get(level, row["old_la_code"])
    return int(row["time_period"]), level, area


@pytest.fixture(scope="module")
def sen2_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    real_file(SENDAP)
    data = tmp_path_factory.mktemp("sen2")
    raw = write_minimal_raw(data / "raw")
    from etl_raw_files import CONFIG_TOML

    (data / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    for path in (SENDAP, MI):
        shutil.copy(path, raw / path.name)
    for name in ("sen2_2026_timeliness_20_week.csv", "sen2_2026_caseload.csv"):
        shutil.copy(FIXTURES / name, raw / name)
    build_warehouse(data_dir=data)
    return warehouse_path(data)


@pytest.fixture(scope="module")
def served(sen2_warehouse: Path) -> pd.DataFrame:
    """The suppressed public rows the SEND board reads, for the EHC plan measures."""
    con = connect(sen2_warehouse)
    try:
        return con.execute(
            "select level, area, area_code, old_la_code, time_period, measure, value,"
            " numerator, denominator, suppressed from area_measure_year_areas"
            " where measure like 'ehc\\_%' escape '\\' and level in ('LA', 'Regional', 'National')"
        ).df()
    finally:
        con.close()


def test_every_row_of_the_real_files_is_accounted_for(sen2_warehouse: Path) -> None:
    report = json.loads((sen2_warehouse / "build_report.json").read_text(encoding="utf-8"))
    entries = {e["file"]: e for e in report["files"]}
    for name, rows in ((SENDAP.name, 1456), (MI.name, 810)):
        entry = entries[name]
        assert entry["rows_read"] == rows
        parts = entry["rows_benchmark"] + entry["rows_out_of_scope"] + entry["rows_rejected"]
        assert entry["rows_read"] == parts + entry["rows_loaded"]
    # 2014-2018 are in both files: the management information file's rows are kept once, the
    # publication's repeats are rejected with a reason that names the row they repeat
    assert entries[MI.name]["rows_benchmark"] == 810
    # 2019: the publication's rows are kept over the 2026 timeliness file's (which has no
    # requests for assessment): the file with more of the figures wins a repeated year
    assert entries[SENDAP.name]["rows_benchmark"] == 656
    assert entries[SENDAP.name]["rows_rejected"] == 800
    rejects = pd.read_parquet(sen2_warehouse / "rejects.parquet")
    repeats = rejects[rejects["source_file"] == SENDAP.name]
    assert len(repeats) == 800 and (repeats["rule"] == "duplicate_key").all()
    assert repeats["reason"].str.contains(f"duplicate of {MI.name} row").all()


def test_the_two_real_files_agree_where_both_publish_a_year() -> None:
    """Why keeping either copy of 2014-2018 is safe: Oxfordshire's counts are the same."""
    sendap = {_key(r): r for r in csv_rows(real_file(SENDAP))}
    mi = {_key(r): r for r in csv_rows(real_file(MI))}
    both = [k for k in mi if k in sendap and k[2] == str(OXFORDSHIRE)]
    assert [k[0] for k in sorted(both)] == [2014, 2015, 2016, 2017, 2018]
    for key in both:
        for snake, long in MI_NAMES.items():
            assert published_number(sendap[key][snake]) == published_number(mi[key][long]), (
                key,
                snake,
            )


def test_oxfordshires_20_week_rates_and_plan_numbers_are_as_published(
    served: pd.DataFrame,
) -> None:
    published = [
        r for r in csv_rows(real_file(SENDAP))
        if r["geographic_level"] == "Local authority" and r["old_la_code"] == str(OXFORDSHIRE)
    ]  # fmt: skip
    assert sorted(int(r["time_period"]) for r in published) == list(range(2014, 2023))
    oxon = served[(served["level"] == "LA") & (served["old_la_code"] == OXFORDSHIRE)]
    pct = formats.get("pct1")
    checked = 0
    for row in published:
        year = int(row["time_period"])
        mine = oxon[oxon["time_period"] == year].set_index("measure")
        new_plans = published_number(row["tot_inc_exc_ehc"])
        assert mine.loc["ehc_new_plans", "value"] == new_plans, year
        for measure, (num, den, rate) in RATES.items():
            if published_number(row[den]) is None:
                assert measure not in mine.index  # no requests published: no row
                continue
            shown = mine.loc[measure]
            assert shown["numerator"] == published_number(row[num]) and shown[
                "denominator"
            ] == published_number(row[den]), (year, measure)
            if published_number(row[rate]) is not None:
                assert pct.bare(shown["value"]) == pct.bare(published_number(row[rate])), (
                    year,
                    measure,
                )
                checked += 1
    assert checked == 23  # 2015-2022 both timeliness rates (16), refusals 2016-2022 (7)
    # the figures the board's 20-week row shows for Oxfordshire, year by year
    shown = oxon[oxon["measure"] == "ehc_20_weeks_pct"].set_index("time_period")["value"]
    assert [pct.bare(shown[y]) for y in range(2015, 2023)] == [
        "32.8", "32.6", "36.0", "47.2", "50.2", "56.1", "30.7", "4.0"
    ]  # fmt: skip
    plans = oxon[oxon["measure"] == "ehc_new_plans"].set_index("time_period")["value"]
    assert [int(plans[y]) for y in range(2015, 2023)] == [201, 344, 431, 559, 619, 826, 694, 667]


def test_every_published_rate_in_the_real_file_is_what_the_app_writes(
    served: pd.DataFrame,
) -> None:
    """3,872 published rates for every LA, region and England, 2014-2022: the app's rate from
    the summed counts, written to one decimal, equals the published figure (the DfE rounds
    halves up: 1 of 16 is 6.3%)."""
    pct = formats.get("pct1")
    level_of = {"Local authority": "LA", "Regional": "Regional", "National": "National"}
    served = served.assign(
        key=lambda f: list(
            zip(
                f["time_period"],
                f["level"],
                f["area_code"].where(f["level"] != "LA", f["old_la_code"].astype("string")),
                f["measure"],
                strict=True,
            )
        )
    ).set_index("key")
    compared = differ = 0
    for row in csv_rows(real_file(SENDAP)):
        year, level, area = _key(row)
        if level == "Regional":
            area = row["region_code"]
        elif level == "National":
            area = "E92000001"
        for measure, (_num, den, rate) in RATES.items():
            published = published_number(row[rate])
            if published is None or not published_number(row[den]):
                continue
            key = (year, level_of[level], area, measure)
            if year <= 2018 and key not in served.index:
                continue  # 2014-2018 are served from the management information file
            compared += 1
            differ += pct.bare(served.loc[[key], "value"].iloc[0]) != pct.bare(published)
    assert compared > 3000 and differ == 0


def test_england_and_the_neighbours_are_served_beside_oxfordshire(served: pd.DataFrame) -> None:
    twenty = served[(served["measure"] == "ehc_20_weeks_pct") & (served["time_period"] == 2021)]
    england = twenty[twenty["level"] == "National"]
    assert england["numerator"].tolist() == [35470] and england["denominator"].tolist() == [61269]
    assert twenty[twenty["level"] == "Regional"].shape[0] == 9
    # the DfE's 2021 statistical neighbours of Oxfordshire all have a 2021 figure
    codes = set(twenty.loc[twenty["level"] == "LA", "old_la_code"].astype(int))
    assert {873, 919, 800, 850, 869, 865, 916, 825, 867, 938} <= codes
    assert len(codes) >= 150


def test_the_2026_layouts_load_their_heads(sen2_warehouse: Path) -> None:
    report = json.loads((sen2_warehouse / "build_report.json").read_text(encoding="utf-8"))
    entries = {e["file"]: e for e in report["files"]}
    timeliness = entries["sen2_2026_timeliness_20_week.csv"]
    assert (timeliness["rows_benchmark"], timeliness["rows_rejected"]) == (0, 3)
    assert entries["sen2_2026_caseload.csv"]["rows_benchmark"] == 2
    rejects = pd.read_parquet(sen2_warehouse / "rejects.parquet")
    dropped = rejects[rejects["source_file"] == "sen2_2026_timeliness_20_week.csv"]
    assert dropped["reason"].str.contains(f"duplicate of {SENDAP.name} row").all()
    bench = pd.read_parquet(sen2_warehouse / "benchmarks.parquet")
    england = bench[(bench["geographic_level"] == "National") & (bench["time_period"] == 2019)]
    twenty = england[england["measure"] == "ehc_20_weeks_ex_pct"]
    # the same figures in both files: 29,895 of 49,519 plans
    assert twenty[["numerator", "denominator"]].values.tolist() == [[29895, 49519]]
    requests = england[england["measure"] == "ehc_initial_requests"]
    assert requests["numerator"].tolist() == [_number_of_england_2019_requests()]
    # caseload is an academic year (201819: January 2019); independent special 13,744 of
    # 353,995 plans in England
    caseload = bench[(bench["measure"] == "ehc_independent_special_pct")]
    national = caseload[caseload["geographic_level"] == "National"]
    assert national[["time_period", "numerator", "denominator"]].values.tolist() == [
        [201819, 13744, 353995]
    ]


def _number_of_england_2019_requests() -> float:
    (row,) = [
        r
        for r in csv_rows(SENDAP)
        if r["time_period"] == "2019" and r["geographic_level"] == "National"
    ]
    return float(row["inreq_ehc"])


def test_calendar_years_parse_and_label() -> None:
    assert periods.calendar_year("2021") == 2021
    assert periods.is_calendar_year(2021) and not periods.is_calendar_year(202122)
    assert periods.label(2021) == "2021" and periods.label(202122) == "2021/22"
    assert periods.calendar_year("202122") is None and periods.calendar_year("21") is None
    assert periods.start_year(2021) == 2021 and periods.start_year(202122) == 2021


def test_the_board_shows_oxfordshire_as_published_with_england_and_neighbours(
    sen2_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SEND board on the real files: each KPI row's series (what its sparkline draws),
    its latest figure, England's and the neighbours', against the real file."""
    from apptest_helpers import assert_no_exception, open_page

    from analysis.send_board import Council, kpi_rows
    from contract import settings

    published = {
        int(r["time_period"]): r
        for r in csv_rows(real_file(SENDAP))
        if r["geographic_level"] == "Local authority" and r["old_la_code"] == str(OXFORDSHIRE)
    }
    england = {
        int(r["time_period"]): r for r in csv_rows(SENDAP) if r["geographic_level"] == "National"
    }
    con = connect(sen2_warehouse)
    try:
        figures = send_board_areas(con)
    finally:
        con.close()
    rows = {r.measure.measure: r for r in kpi_rows(
        figures, Council("Oxfordshire", OXFORDSHIRE, "E12000008"), settings.SendBoard())}  # fmt: skip
    pct = formats.get("pct1")
    twenty = rows["ehc_20_weeks_ex_pct"]
    own = twenty.series[twenty.series["area"] == "Oxfordshire"].set_index("time_period")["value"]
    expected = {
        y: r["no_exc_20week_rate"]
        for y, r in published.items()
        if published_number(r["no_exc_20week_rate"]) is not None
    }
    assert sorted(own.index) == sorted(expected)  # 2015-2022
    assert {y: pct.bare(v) for y, v in own.items()} == {
        y: pct.bare(float(v)) for y, v in expected.items()
    }
    plans = rows["ehc_new_plans"].series
    plans = plans[plans["area"] == "Oxfordshire"].set_index("time_period")["value"]
    assert {y: int(v) for y, v in plans.items() if y >= 2015} == {
        y: int(r["tot_inc_exc_ehc"]) for y, r in published.items() if y >= 2015
    }
    assert (twenty.year, pct.bare(twenty.value)) == (2022, pct.bare(float(expected[2022])))
    assert pct.bare(twenty.england) == pct.bare(float(england[2022]["no_exc_20week_rate"]))
    assert twenty.neighbour_set.codes == (873, 919, 800, 850, 869, 865, 916, 825, 867, 938)
    assert twenty.neighbours_with_figure >= 9 and twenty.rank == twenty.ranked  # the lowest
    # and the page says it
    monkeypatch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(sen2_warehouse))
    monkeypatch.setenv("LOCALITY_EXPLORER_DATA_DIR", str(sen2_warehouse.parent))
    at = open_page("send_board.py")
    assert_no_exception(at)
    england_2022 = pct.short(float(england[2022]["no_exc_20week_rate"]))
    verdict = f"Oxfordshire: {pct.short(float(expected[2022]))} in 2022; worse than England: {england_2022}"
    assert any(m.value.startswith(verdict) for m in at.markdown), verdict


def test_the_county_pack_board_shows_oxfordshire_as_published(sen2_warehouse: Path) -> None:
    """The county data pack's one-page board, on the real publication: Oxfordshire's 2022
    20-week rate (excluding exceptions), England's and its plans issued, as published."""
    import packs
    from contract import catalogue

    (oxon,) = [
        r for r in csv_rows(real_file(SENDAP))
        if r["time_period"] == "2022" and r["old_la_code"] == str(OXFORDSHIRE)
    ]  # fmt: skip
    (england,) = [
        r for r in csv_rows(SENDAP)
        if r["time_period"] == "2022" and r["geographic_level"] == "National"
    ]  # fmt: skip
    con = connect(sen2_warehouse)
    try:
        pack = packs.build_pack(con, "County", "ignored")
    finally:
        con.close()
    headers = [c.header for c in pack.board.table.columns]
    rows = {r[0]: dict(zip(headers, r, strict=True)) for r in pack.board.table.rows}
    twenty = rows[catalogue.measure("ehc_20_weeks_ex_pct").heading]
    pct = formats.get("pct1")
    assert twenty["Year"] == "2022"
    assert twenty[pack.council_name] == pct.text(float(oxon["no_exc_20week_rate"]), "%")
    assert twenty["England"] == pct.text(float(england["no_exc_20week_rate"]), "%")
    assert twenty["Among neighbours"].startswith("lowest of ")
    assert twenty[pack.council_name] == "4.0%"  # as the DfE published it
