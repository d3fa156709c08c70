"""The SEND board: statistical neighbours as data, the board's settings, the KPI rules on a
tiny hand-built frame (every expected number worked out here), and the page on the demo
warehouse against the demo's raw SEN2 file read with the csv module."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from apptest_helpers import assert_no_exception, inline_datasets, open_page

from analysis.send_board import AMBER, GREEN, NONE, RED, Council, kpi_rows, ordinal
from contract import catalogue, neighbours, settings
from contract.settings import ConfigError, SendBoard, Target

PROJECT = Path(__file__).resolve().parents[1]
OXON = Council("Oxfordshire", 931, "E12000008")
SET_2021 = (873, 919, 800, 850, 869, 865, 916, 825, 867, 938)
SET_2025 = (873, 919, 825, 937, 916, 850, 867, 938, 869, 803)


# ------------------------------------------------------------------ neighbours as data


def test_the_reference_file_is_what_the_script_cuts_from_the_real_sets(tmp_path: Path) -> None:
    before = neighbours.REFERENCE_CSV.read_bytes()
    subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "cut_statistical_neighbours.py")],
        check=True,
        capture_output=True,
    )
    assert neighbours.REFERENCE_CSV.read_bytes() == before


def test_every_la_has_ten_neighbours_per_set_and_never_itself() -> None:
    with neighbours.REFERENCE_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    per = {}
    for row in rows:
        per.setdefault((row["set_year"], row["la_code"]), []).append(row)
    assert {year for year, _ in per} == {"2021", "2025"}
    assert sum(1 for year, _ in per if year == "2021") == 156
    assert sum(1 for year, _ in per if year == "2025") == 153
    for (_year, la), found in per.items():
        assert [int(r["rank"]) for r in found] == list(range(1, 11))
        assert la not in {r["neighbour_la_code"] for r in found}
        assert all(100 <= int(r["neighbour_la_code"]) <= 999 for r in found)


def test_a_year_takes_the_set_in_force_and_a_council_may_override() -> None:
    assert neighbours.neighbours_of(931, 2022).codes == SET_2021
    assert neighbours.neighbours_of(931, 2026).codes == SET_2025
    assert neighbours.neighbours_of(931, 2015).codes == SET_2021  # before the first set
    assert neighbours.neighbours_of(931, 2022).names[0] == "Cambridgeshire"
    own = neighbours.neighbours_of(931, 2022, override=(825, 850))
    assert own.codes == (825, 850) and own.source == "the council's own list"
    assert neighbours.neighbours_of(999, 2022) is None


# ------------------------------------------------------------------ settings


def test_the_board_settings_are_read_and_checked() -> None:
    board = settings.send_board(
        {"send_board": {"neighbours": [825], "targets": {
            "ehc_20_weeks_ex_pct": {"target": 60, "by": 2026, "from": 2022}}}}
    )  # fmt: skip
    assert board == SendBoard((825,), (Target("ehc_20_weeks_ex_pct", 60.0, 2026, 2022),))
    for bad, words in (
        ({"neighbours": ["Kent"]}, "three-digit old LA codes"),
        ({"targets": {"x": {"target": 1}}}, "must be { target = N"),
        ({"targets": {"x": {"target": "high", "by": 2026, "from": 2022}}}, "must be a number"),
        ({"targets": {"x": {"target": 1, "by": 2020, "from": 2022}}}, "must come after"),
    ):
        with pytest.raises(ConfigError, match=words):
            settings.send_board({"send_board": bad})


# ------------------------------------------------------------------ the KPI rules


def _figures() -> pd.DataFrame:
    """20-week rates (excluding exceptions), 2017-2022: Oxfordshire, England, the South East
    and the 2021 set of neighbours (each 50 of 100, except Cambridgeshire 90 of 100)."""
    rows = []
    own = {2017: 50, 2018: 55, 2019: 60, 2020: 40, 2021: 30, 2022: 20}  # of 100 plans
    for year, within in own.items():
        rows.append(("LA", "E10000025", 931, "Oxfordshire", year, within, 100))
        rows.append(("National", "E92000001", None, "England", year, 60, 100))
        rows.append(("Regional", "E12000008", None, "South East", year, 55, 100))
        for code in SET_2021:
            rows.append(("LA", f"E{code}", code, f"LA {code}", year, 90 if code == 873 else 50,
                         100))  # fmt: skip
    frame = pd.DataFrame(
        rows,
        columns=["level", "area_code", "old_la_code", "area_name", "time_period", "numerator",
                 "denominator"],
    )  # fmt: skip
    return frame.assign(
        measure="ehc_20_weeks_ex_pct",
        value=100 * frame["numerator"] / frame["denominator"],
        year=frame["time_period"].astype(str),
        suppressed=False,
    )


def _row(target: Target | None = None, board_neighbours: tuple[int, ...] = ()):
    board = SendBoard(board_neighbours, (target,) if target else ())
    rows = kpi_rows(_figures(), OXON, board)
    assert [r.measure.measure for r in rows] == [m.measure for m in catalogue.board()]
    return rows[0]


def test_a_kpi_row_has_its_latest_figure_direction_comparators_and_rank() -> None:
    row = _row()
    assert (row.year, row.value, row.england, row.region) == (2022, 20.0, 60.0, 55.0)
    assert row.change_3 == 20 - 60 and row.change_5 == 20 - 50
    # neighbours: nine at 50% and one at 90%: average 54%; Oxfordshire's 20% is the lowest
    assert row.neighbour_average == pytest.approx(54.0)
    assert (row.rank, row.ranked) == (11, 11)
    # 20 of 100 against 54%: far outside the 95% binomial funnel limits, and higher is better
    assert row.rag_neighbours == RED and "worse beyond chance" in row.neighbours_text
    assert row.rag_target == NONE and row.target_text == "No target set"
    assert row.verdict == (
        "Oxfordshire: 20.0% in 2022; worse than England: 60.0%; lowest of 11 with its "
        "statistical neighbours."
    )


def test_the_target_rag_follows_the_trajectory() -> None:
    # from 60% in 2019 to 90% by 2025: by 2022 the line is at 75%; 20% is below 2019: red
    row = _row(Target("ehc_20_weeks_ex_pct", 90, 2025, 2019))
    assert row.trajectory == pytest.approx(75.0) and row.rag_target == RED
    # from 10%? no figure for 2016, where the line would start
    row = _row(Target("ehc_20_weeks_ex_pct", 90, 2025, 2016))
    assert row.rag_target == NONE and "No figure for 2016" in row.target_text
    # from 30% in 2021 down to 10% by 2023: by 2022 the line is at 20%: on track (green)
    row = _row(Target("ehc_20_weeks_ex_pct", 10, 2023, 2021))
    assert row.trajectory == pytest.approx(20.0) and row.rag_target == GREEN


def test_behind_the_trajectory_but_better_than_the_start_is_amber() -> None:
    figures = _figures()
    oxon_2022 = (figures["old_la_code"] == 931) & (figures["time_period"] == 2022)
    figures.loc[oxon_2022, "value"] = 45.0  # from 40% in 2020 to 80% by 2024: 60% by 2022
    (row, *_rest) = kpi_rows(figures, OXON, SendBoard((), (Target(
        "ehc_20_weeks_ex_pct", 80, 2024, 2020),)))  # fmt: skip
    assert row.trajectory == pytest.approx(60.0) and row.rag_target == AMBER


def test_a_council_list_replaces_the_dfe_neighbours() -> None:
    row = _row(board_neighbours=(873,))  # Cambridgeshire only: 90%
    assert row.neighbour_average == 90.0 and (row.rank, row.ranked) == (2, 2)


def test_a_trajectory_that_starts_in_the_latest_year_is_not_rated() -> None:
    row = _row(Target("ehc_20_weeks_ex_pct", 90, 2025, 2022))
    assert row.rag_target == NONE and "no later figure is published yet" in row.target_text


def test_ordinals() -> None:
    from analysis.send_board import rank_words

    assert [rank_words(r, 11) for r in (1, 2, 3, 11)] == [
        "highest of 11", "2nd highest of 11", "3rd highest of 11", "lowest of 11"
    ]  # fmt: skip
    assert rank_words(1, 1) == "highest of 1"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"
    ]  # fmt: skip


# ------------------------------------------------------------------ the page on the demo


def _demo_publication(demo_warehouse: Path) -> list[dict[str, str]]:
    path = demo_warehouse.parents[1] / "raw" / "demo" / "sen2_mi_sendap.csv"  # data/builds/<id>
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_board_page_shows_every_kpi_with_the_published_figure(app_warehouse) -> None:
    at = open_page("send_board.py")
    assert_no_exception(at)
    texts = [m.value for m in at.markdown]
    headings = [t.strip("*") for t in texts if t.startswith("**") and t.endswith("**")]
    assert headings == [m.label for m in catalogue.board()]
    # requests refused in 2022 (the publication's last year), from the raw file itself
    (oxon,) = [
        r for r in _demo_publication(app_warehouse)
        if r["time_period"] == "2022" and r["old_la_code"] == "931"
    ]  # fmt: skip
    refused = 100 * int(oxon["ass_refused_ehc"]) / int(oxon["inreq_ehc"])
    verdicts = [t for t in texts if t.startswith("Oxfordshire: ")]
    assert len(verdicts) == len(catalogue.board())
    assert any(t.startswith(f"Oxfordshire: {refused:.1f}% in 2022;") for t in verdicts)
    table = at.dataframe[0].value
    assert len(table) == len(catalogue.board())
    assert set(table["Against target"]) <= {GREEN, AMBER, RED, NONE}
    # a sparkline per KPI, the projection and the scenario
    assert len(at.get("vega_lite_chart")) == len(catalogue.board()) + 2


def test_sparklines_draw_england_for_rates_and_name_only_the_lines_drawn(
    demo_warehouse: Path,
) -> None:
    """England's line beside a rate (a share or a rate per 100), not beside a count (it
    would flatten the council's); the legend names only the lines drawn."""
    from explorer.send_board import sparkline
    from queries import connect, send_board_areas

    con = connect(demo_warehouse)
    try:
        figures = send_board_areas(con)
    finally:
        con.close()
    seen = {}
    for row in kpi_rows(figures, OXON, SendBoard()):
        spec = sparkline(row, "Oxfordshire").to_dict()
        (rows,) = inline_datasets(spec)
        drawn = {r["area"] for r in rows}
        assert spec["encoding"]["color"]["scale"]["domain"] == [
            a for a in ("Oxfordshire", "England") if a in drawn
        ], row.measure.measure
        seen[row.measure.measure] = drawn
    assert seen["ehc_caseload"] == {"Oxfordshire"}  # a count
    assert seen["susp_rate_ehc_plan"] == {"Oxfordshire", "England"}  # per 100 pupils
    assert seen["ehc_20_weeks_ex_pct"] == {"Oxfordshire", "England"}  # a share


def _demo_caseload(demo_warehouse: Path) -> list[float]:
    """Oxfordshire's plans maintained each January, from the demo's raw caseload.csv."""
    path = demo_warehouse.parents[1] / "raw" / "demo" / "caseload.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["old_la_code"] == "931"]
    return [float(r["ehcplans"]) for r in sorted(rows, key=lambda r: r["time_period"])]


def test_the_projection_and_scenario_on_the_page(app_warehouse) -> None:
    import numpy as np

    plans = _demo_caseload(app_warehouse)
    years = np.arange(len(plans))
    slope, intercept = np.polyfit(years, np.log(plans), 1)
    in_ten = float(np.exp(intercept + slope * (len(plans) - 1 + 10)))
    at = open_page("send_board.py")
    assert_no_exception(at)
    texts = [m.value for m in at.markdown]
    (trend,) = [t for t in texts if t.startswith("On the trend of")]
    assert f"**{in_ten:,.0f}** EHC plans maintained" in trend
    assert any(t.startswith("**Backtest.**") for t in texts)
    backtest = at.dataframe[1].value
    assert list(backtest.columns) == [
        "Year", "Projected", "95% band", "Published", "Inside the 95% band"
    ]  # fmt: skip
    assert backtest["Published"].tolist()[-1] == f"{plans[-1]:,.0f}"
    # the scenario: a share and costs set by the lead change the plans and the cost
    share, independent, other = at.slider[1], at.number_input[0], at.number_input[1]
    share.set_value(10.0)
    independent.set_value(60_000)
    other.set_value(20_000).run()
    assert_no_exception(at)
    (scenario,) = [m.value for m in at.markdown if m.value.startswith("With new plans growing")]
    stock = int(scenario.split("**")[1].replace(",", ""))
    assert f", {round(stock * 0.10):,} of them in independent special schools" in scenario
    cost = stock * (0.1 * 60_000 + 0.9 * 20_000)  # from the rounded plans shown: within 0.1%
    shown = float(scenario.split("**")[3].strip("£m")) * 1e6
    assert shown == pytest.approx(cost, rel=1e-3)


def _demo_topups(demo_warehouse: Path) -> dict[int, float]:
    """The county's top-up funding by financial year (2017-18 -> 2018, the year ending
    March), summed from the demo's raw high_needs_topups.csv with csv."""
    path = demo_warehouse.parents[1] / "raw" / "demo" / "high_needs_topups.csv"
    totals: dict[int, float] = {}
    with path.open(encoding="cp1252", newline="") as handle:
        for row in csv.DictReader(handle):
            year = int(row["Financial year"][:4]) + 1
            totals[year] = totals.get(year, 0.0) + float(row["Top-up amount (£)"])
    return dict(sorted(totals.items()))


def test_the_top_up_funding_projection_follows_the_councils_records(app_warehouse) -> None:
    """Spend projected like the plans: its ten-year figure is the log-linear trend of the
    county's top-ups summed from the raw file, in pounds, with a backtest in pounds."""
    import numpy as np

    totals = _demo_topups(app_warehouse)
    years = np.array(list(totals), dtype=float)
    slope, intercept = np.polyfit(years, np.log(list(totals.values())), 1)
    last = int(years[-1]) + 10
    in_ten = float(np.exp(intercept + slope * last))
    at = open_page("send_board.py", {"project": "topup_amount"})
    assert_no_exception(at)
    (trend,) = [m.value for m in at.markdown if m.value.startswith("On the trend of")]
    assert f"{len(totals)} years ({int(years[0])} to {int(years[-1])})" in trend
    shown = float(trend.split("**")[1].lstrip("£").replace(",", ""))
    assert shown == pytest.approx(in_ten, abs=1)  # to the pound shown
    assert f"of high needs top-up funding paid to schools in {last}" in trend
    backtest = at.dataframe[1].value
    assert backtest["Recorded"].tolist()[-1] == f"£{list(totals.values())[-1]:,.0f}"
    (spec,) = [
        c.proto.spec for c in at.get("vega_lite_chart") if "projected to 2034" in c.proto.spec
    ]
    chart = json.loads(spec)
    assert chart["layer"][0]["encoding"]["y"]["title"] == "Top-up funding (£)"
    assert chart["title"].endswith("Oxfordshire: recorded and projected to 2034")
