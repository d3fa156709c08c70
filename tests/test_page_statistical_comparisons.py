"""The Statistical comparisons page (app_pages/statistical_comparisons.py) on the demo warehouse.

Every number the page shows is checked against sums worked out here from the warehouse
Parquet files with pandas (suppression rules applied by hand), fed to ``analysis`` for the
limits, bands and trend tests, so the page's query layer and wiring are what is tested.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apptest_helpers import (
    as_read,
    assert_no_exception,
    chart_specs,
    chart_title,
    inline_datasets,
    open_page,
)
from parquet_sums import complementary_cells
from test_query_funnel import hand_rates

from analysis.funnel import (
    denominator_grid,
    estimate_overdispersion,
    funnel_points,
    rate_limits,
)
from analysis.trend import trend_test

PAGE = "statistical_comparisons.py"
FUNNEL_TAB, TREND_TAB, COMPARATOR_TAB = (
    "Which stand out?",
    "Rising or falling?",
    "Against England and neighbours",
)
CONFIG = Path(__file__).resolve().parents[1] / "data" / "config.toml"
CHI2_95_DF34 = 48.602  # chi-square upper 5% point, 34 degrees of freedom (tables)


def latest(warehouse: Path) -> int:
    return int(pd.read_parquet(warehouse / "school_year.parquet")["time_period"].max())


def county_rate(warehouse: Path, table: str, num: str, den: str, year: int) -> float:
    facts = pd.read_parquet(warehouse / f"{table}.parquet")
    facts = facts[(facts["time_period"] == year) & facts[num].notna() & facts[den].notna()]
    return 100.0 * facts[num].sum() / facts[den].sum()


def chart_titled(at, start: str) -> dict:
    """A chart's spec with ``_frames``: every dataset it draws (Streamlit ships DataFrames as
    Arrow datasets beside the spec; other data stays inline)."""
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if chart_title(spec).startswith(start):
            frames = [
                pa.ipc.open_stream(d.data.data).read_all().to_pandas()
                for d in element.proto.datasets
            ]
            spec["_frames"] = frames + [pd.DataFrame(v) for v in inline_datasets(spec)]
            spec["_alt"] = element.proto.alt
            return spec
    raise AssertionError(f"no chart titled {start!r}: {[s.get('title') for s in chart_specs(at)]}")


def dataset_with(spec: dict, key: str) -> pd.DataFrame:
    for frame in spec["_frames"]:
        if key in frame.columns:
            return frame
    raise AssertionError(f"no dataset with {key!r}")


@pytest.fixture(scope="module")
def module_warehouse(demo_warehouse: Path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(demo_warehouse))
        yield demo_warehouse


@pytest.fixture(scope="module")
def default_page(module_warehouse):
    return open_page(PAGE)


@pytest.fixture(scope="module")
def trend_page(module_warehouse):
    return open_page(PAGE, {"section": TREND_TAB})


@pytest.fixture(scope="module")
def comparator_page(module_warehouse):
    return open_page(PAGE, {"section": COMPARATOR_TAB})


@pytest.fixture(scope="module")
def hand_susp(module_warehouse: Path):
    """Suspension rate by partnership in the latest year, the county rate, and the funnel
    worked out by analysis from them (with the over-dispersion allowance the page uses)."""
    year = latest(module_warehouse)
    rates = hand_rates(module_warehouse, "exclusions", "susp", "headcount", "partnership")
    rates = rates[rates["time_period"] == year]
    target = county_rate(module_warehouse, "exclusions", "susp", "headcount", year)
    shown = rates[~rates["suppressed"]].reset_index(drop=True)
    plain = funnel_points(shown, "numerator", "denominator", "rate", target)
    od = estimate_overdispersion(plain)
    assert len(plain) == 35 and od.n_units * od.phi > CHI2_95_DF34  # clearly over-dispersed
    points = funnel_points(shown, "numerator", "denominator", "rate", target, tau2=od.tau2)
    return {"year": year, "target": target, "points": points, "tau2": od.tau2, "rates": rates}


def test_default_view_and_url(default_page, trend_page, comparator_page, module_warehouse):
    at = default_page
    assert_no_exception(at)
    year = latest(module_warehouse)
    # the page's defaults are not written (a missing parameter means one), but the year is
    assert dict(at.query_params) == {"year": str(year)}
    assert [at.selectbox(key=f"url-{p}").value for p in ("measure", "locality")] == [
        "susp_rate",
        "All localities",
    ]
    assert at.title[0].value == "Statistical comparisons"
    # The three analyses are tabs bound to the URL; only the open one is drawn.
    assert [t.label for t in at.tabs] == [FUNNEL_TAB, TREND_TAB, COMPARATOR_TAB]
    headers = [h.value for h in at.header]
    assert len(headers) == 1 and headers[0].startswith("Which partnerships stand out in")
    assert len(chart_specs(at)) == 1
    assert [h.value[:16] for h in trend_page.header] == ["Rising or fallin"]
    assert trend_page.query_params["section"] == TREND_TAB
    assert [h.value for h in comparator_page.header] == [
        "Oxfordshire against England and its statistical neighbours"
    ]
    # A definition beside the measure, whichever tab is open.
    for page in (at, trend_page, comparator_page):
        assert any(c.value.startswith("**Suspension rate**") for c in page.caption)
    # CSV downloads: points, limits, outliers; trend chart, trend table; comparators.
    downloads = [len(page.get("download_button")) for page in (at, trend_page, comparator_page)]
    assert downloads[0] >= 2 and downloads[1] >= 2 and downloads[2] >= 1


def test_funnel_points_and_county_rate(default_page, hand_susp):
    at = default_page
    spec = chart_titled(at, "Suspension rate, ")
    points = dataset_with(spec, "band").set_index("area")
    expected = hand_susp["points"].set_index("area")
    assert sorted(points.index) == sorted(expected.index)
    assert points["value"].to_numpy() == pytest.approx(
        expected.loc[points.index, "value"].to_numpy()
    )
    assert points["denominator"].tolist() == expected.loc[points.index, "denominator"].tolist()
    assert points["band"].tolist() == expected.loc[points.index, "band"].tolist()
    target = dataset_with(spec, "target")["target"].iloc[0]
    assert target == pytest.approx(hand_susp["target"])
    assert any(f"{hand_susp['target']:.2f} per 100 pupils" in m.value for m in at.markdown)
    # Axis titles with units; screen-reader text.
    layer = spec["layer"][0]["encoding"]
    assert layer["y"]["title"] == "Suspension rate (per 100 pupils)"
    assert layer["x"]["title"] == "Pupils on roll (exclusions headcount)"
    assert spec["_alt"].startswith("Funnel plot of suspension rate")


def test_funnel_limits_equal_analysis(default_page, hand_susp):
    spec = chart_titled(default_page, "Suspension rate, ")
    lines = dataset_with(spec, "limit")
    grid = denominator_grid(hand_susp["points"]["denominator"])
    expected = rate_limits(hand_susp["target"], grid, tau2=hand_susp["tau2"])
    for line, column in [
        ("95% lower", "lower_95"),
        ("95% upper", "upper_95"),
        ("99.8% lower", "lower_99_8"),
        ("99.8% upper", "upper_99_8"),
    ]:
        drawn = lines[lines["line"] == line].sort_values("denominator")
        assert drawn["denominator"].tolist() == expected["denominator"].tolist()
        assert drawn["limit"].to_numpy() == pytest.approx(expected[column].to_numpy())


def test_outliers_table_matches_hand_computation(default_page, hand_susp):
    table = default_page.dataframe[0].value
    points = hand_susp["points"]
    outside = points[points["band"] != "within 95%"]
    assert set(table["area"]) == set(outside["area"]) and len(table) > 0
    for _, row in table.iterrows():
        hand = outside[outside["area"] == row["area"]].iloc[0]
        assert row["value"] == pytest.approx(hand["value"])
        beyond = hand["band"].startswith("beyond")
        assert row["flag"] == ("Outlier (beyond 99.8%)" if beyond else "Warning (beyond 95%)")
        assert row["upper_99_8"] == pytest.approx(hand["upper_99_8"])
        assert f"{hand['value']:.2f} against the county's" in row["explanation"]
    # Outliers first.
    flags = table["flag"].tolist()
    assert flags == sorted(flags, key=lambda f: not f.startswith("Outlier"))


def test_trend_directions_match(trend_page, module_warehouse):
    assert len(trend_page.dataframe) == 1
    table = trend_page.dataframe[0].value.set_index("area")
    rates = hand_rates(module_warehouse, "exclusions", "susp", "headcount", "partnership")
    checked = 0
    for area, group in rates.groupby("area"):
        shown = group[~group["suppressed"]]
        result = trend_test(
            shown["time_period"].tolist(),
            shown["numerator"].tolist(),
            shown["denominator"].tolist(),
            "rate",
            overdispersion=True,
        )
        expected = {"rising": "Rising", "falling": "Falling"}.get(
            result.direction, "No clear trend"
        )
        assert table.loc[area, "direction"] == expected, area
        assert table.loc[area, "p_value"] == pytest.approx(result.p_value)
        assert table.loc[area, "years_suppressed"] == int(group["suppressed"].sum())
        checked += 1
    assert checked == 35
    assert table["is_county"].sum() == 1
    assert set(table["direction"]) >= {"Rising", "No clear trend"}


def test_comparator_table_equals_benchmarks(comparator_page, module_warehouse):
    assert len(comparator_page.dataframe) == 1
    wide = comparator_page.dataframe[0].value.set_index("Area")
    council = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["council"]
    bench = pd.read_parquet(module_warehouse / "benchmarks.parquet")
    bench = bench[bench["measure"] == "susp_rate"]
    la = bench[bench["geographic_level"] == "Local authority"]
    wanted = la[
        la["old_la_code"].isin([*council["comparator_old_la_codes"], council["old_la_code"]])
    ]
    national = bench[bench["geographic_level"] == "National"]
    region = bench[
        (bench["geographic_level"] == "Regional") & (bench["area_code"] == council["region_code"])
    ]
    rows = pd.concat([wanted, national, region])
    # Oxfordshire, its seven statistical neighbours, England and the South East.
    assert len(wide) == rows["area_name"].nunique() == 10
    for _, row in rows.iterrows():
        tp = int(row["time_period"])
        year = f"{tp // 100}/{tp % 100:02d}"
        assert (
            wide.loc[row["area_name"], year] == f"{100 * row['numerator'] / row['denominator']:.2f}"
        )
    assert wide.loc[council["name"], "Compared as"] == "County (DfE)"
    # The sentence under the heading quotes England's latest published figure.
    last = national.sort_values("time_period").iloc[-1]
    england = 100 * last["numerator"] / last["denominator"]
    assert any(
        f"England's {england:.2f}" in as_read(m.value)
        and "statistical neighbours with a figure" in as_read(m.value)
        for m in comparator_page.markdown
    )
    # The demo data has every configured neighbour, so none is reported missing.
    missing = sorted(set(council["comparator_old_la_codes"]) - set(la["old_la_code"].dropna()))
    assert not missing
    assert not any("configured neighbours have figures" in c.value for c in comparator_page.caption)


def test_suppressed_partnerships_are_left_out(module_warehouse):
    at = open_page(PAGE, {"measure": "perm_excl_rate"})
    assert_no_exception(at)
    year = latest(module_warehouse)
    rates = hand_rates(module_warehouse, "exclusions", "perm_excl", "headcount", "partnership")
    rates = rates[rates["time_period"] == year].copy()
    # hidden below the threshold, or with one so it cannot be worked out by subtraction
    secondary = complementary_cells(module_warehouse, "Partnership", "Permanent exclusions")
    rates["suppressed"] |= rates["area"].map(lambda a: (a, year) in secondary).astype(bool)
    hidden = rates[rates["suppressed"]]
    assert len(hidden) > 0
    spec = chart_titled(at, "Permanent exclusion rate, ")
    drawn = set(dataset_with(spec, "band")["area"])
    assert drawn == set(rates.loc[~rates["suppressed"], "area"])
    assert not drawn & set(hidden["area"])
    assert any(
        f"{len(hidden)} of {len(rates)} partnerships** are not plotted" in c.value
        for c in at.caption
    )


def test_unadjusted_limits_are_exact_poisson(module_warehouse, hand_susp):
    at = open_page(PAGE)
    at.toggle[0].set_value(False).run()
    assert_no_exception(at)
    spec = chart_titled(at, "Suspension rate, ")
    lines = dataset_with(spec, "limit")
    grid = denominator_grid(hand_susp["points"]["denominator"])
    exact = rate_limits(hand_susp["target"], grid)
    drawn = lines[lines["line"] == "99.8% upper"].sort_values("denominator")
    assert drawn["limit"].to_numpy() == pytest.approx(exact["upper_99_8"].to_numpy())
    # Without the allowance, chance-only limits flag far more partnerships.
    flagged = dataset_with(spec, "band")["band"].str.startswith("beyond").sum()
    assert flagged > 10


def test_url_round_trip(module_warehouse):
    years = pd.read_parquet(module_warehouse / "school_year.parquet")
    locality = sorted(years["locality"].dropna().unique())[1]
    earlier = sorted(years["time_period"].unique())[-2]
    at = open_page(
        PAGE,
        {
            "measure": "persistent_absence_rate",
            "year": str(earlier),
            "level": "School",
            "locality": locality,
        },
    )
    assert_no_exception(at)
    assert at.selectbox(key="url-measure").value == "persistent_absence_rate"
    assert at.selectbox(key="url-year").value == earlier
    assert at.radio(key="url-level").value == "School"
    assert at.selectbox(key="url-locality").value == locality
    assert at.header[0].value.startswith("Which schools stand out in")
    spec = chart_titled(at, "Persistent absence, ")
    drawn = dataset_with(spec, "band")
    assert set(drawn["parent_area"]) <= set(
        years[(years["locality"] == locality) & (years["time_period"] == earlier)]["partnership"]
    )
    at.radio(key="url-level").set_value("Locality").run()
    assert_no_exception(at)
    assert at.query_params["level"] == "Locality"
    assert at.header[0].value.startswith("Which localities stand out in")
    at.selectbox(key="url-measure").set_value("ehc_plan_percent").run()
    assert at.query_params["measure"] == "ehc_plan_percent"


def copy_warehouse(source: Path, target: Path, build_id: str) -> Path:
    """A copy of the warehouse with its own build id (the page caches per build)."""
    shutil.copytree(source, target)
    report = json.loads((target / "build_report.json").read_text(encoding="utf-8"))
    report["build_id"] = build_id
    (target / "build_report.json").write_text(json.dumps(report), encoding="utf-8")
    return target


def test_no_comparator_data_is_a_clear_message(demo_warehouse, tmp_path, monkeypatch):
    warehouse = copy_warehouse(demo_warehouse, tmp_path / "w", "h6-no-benchmarks")
    # a build with no DfE benchmark rows (an empty table; a file gone is another case:
    # tests/test_serving.py)
    empty = pq.read_table(warehouse / "benchmarks.parquet").slice(0, 0)
    pq.write_table(empty, warehouse / "benchmarks.parquet")
    monkeypatch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(warehouse))
    at = open_page(PAGE, {"section": COMPARATOR_TAB})
    assert_no_exception(at)
    assert any("no DfE figures for England" in i.value for i in at.info)
    assert at.get("page_link")  # and the page still leads somewhere
    assert len(chart_specs(open_page(PAGE))) == 1  # the funnel plot still works


def test_suppressed_benchmark_shows_suppressed(demo_warehouse, tmp_path, monkeypatch):
    warehouse = copy_warehouse(demo_warehouse, tmp_path / "w", "h6-small-benchmark")
    bench = pd.read_parquet(warehouse / "benchmarks.parquet")
    council = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["council"]
    neighbour = bench[
        (bench["geographic_level"] == "Local authority")
        & bench["old_la_code"].isin(council["comparator_old_la_codes"])
    ].iloc[0]["old_la_code"]
    tiny = (
        (bench["measure"] == "susp_rate")
        & (bench["old_la_code"] == neighbour)
        & (bench["time_period"] == bench["time_period"].max())
    )
    bench.loc[tiny, "numerator"] = 2.0  # below min_count: must read "Suppressed", never 0
    bench.to_parquet(warehouse / "benchmarks.parquet", index=False)
    monkeypatch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(warehouse))
    at = open_page(PAGE, {"section": COMPARATOR_TAB})
    assert_no_exception(at)
    wide = at.dataframe[0].value
    name = bench.loc[tiny, "area_name"].iloc[0]
    tp = int(bench["time_period"].max())
    year = f"{tp // 100}/{tp % 100:02d}"
    assert wide.set_index("Area").loc[name, year] == "Suppressed"
    assert not np.any(wide[year] == "0.00")


def test_school_phase_compares_like_with_like(module_warehouse):
    year = latest(module_warehouse)
    years = pd.read_parquet(module_warehouse / "school_year.parquet")
    secondary = years[(years["time_period"] == year) & (years["phase"] == "Secondary")]
    at = open_page(PAGE, {"level": "School", "phase": "Secondary", "measure": "susp_rate"})
    assert_no_exception(at)
    assert at.selectbox(key="url-phase").value == "Secondary"
    assert at.header[0].value.startswith("Which secondary schools stand out in")
    target = county_rate(module_warehouse, "exclusions", "susp", "headcount", year)
    facts = pd.read_parquet(module_warehouse / "exclusions.parquet")
    facts = facts[(facts["time_period"] == year) & facts["urn"].isin(secondary["urn"])]
    phase_rate = 100 * facts["susp"].sum() / facts["headcount"].sum()
    assert phase_rate > 1.5 * target  # secondaries suspend far more than the county overall
    spec = chart_titled(at, "Suspension rate, ")
    assert dataset_with(spec, "target")["target"].iloc[0] == pytest.approx(phase_rate)
    drawn = dataset_with(spec, "band")
    assert set(drawn["area"].astype(int)) <= set(secondary["urn"])
    trends = (
        open_page(
            PAGE,
            {"level": "School", "phase": "Secondary", "measure": "susp_rate", "section": TREND_TAB},
        )
        .dataframe[0]
        .value
    )
    trend_areas = set(trends["area"]) - {trends["area"].iloc[0]}
    assert trend_areas <= set(secondary["urn"].astype(str))


def test_a_measure_that_is_not_a_rate_falls_back(module_warehouse):
    # Links from other pages may carry a count (e.g. pupils): funnel plots need a rate.
    at = open_page(PAGE, {"measure": "pupils", "level": "County", "year": "199900"})
    assert_no_exception(at)
    assert at.query_params["measure"] == "susp_rate"
    assert at.query_params["level"] == "Partnership"
    assert at.query_params["year"] == str(latest(module_warehouse))
