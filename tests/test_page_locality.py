"""The Locality page: every number it shows is checked against sums taken straight from
the warehouse Parquet files (numerators and denominators added up here, independently of
the query layer), plus charts, definitions, downloads, links and the URL state."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from apptest_helpers import (
    assert_no_exception,
    chart_specs,
    inline_datasets,
    open_each_tab,
    open_page,
)
from apptest_helpers import chart_title as title_of
from parquet_sums import area_rate, area_sum, latest_year

import queries
from contract import catalogue
from explorer.dataset import SECTIONS
from explorer.layout import SECTION_PARAM

HEADINGS = [section.title for section in SECTIONS]
PROJECT_DIR = Path(__file__).resolve().parents[1]
MEASURES = pd.read_csv(PROJECT_DIR / "contract" / "measures.csv").set_index("measure")

#: The partnership and school tables' column for the permanent exclusion rate.
PERM_EXCL_RATE = catalogue.measure("perm_excl_rate").heading


# --------------------------------------------------------------------------- independent sums


def partnership_perm_excl(warehouse: Path, year: int) -> pd.DataFrame:
    """Permanent exclusions and headcount per partnership and locality in one year."""
    return duckdb.execute(
        """
        SELECT y.locality, y.partnership, sum(e.perm_excl) AS perm_excl,
            sum(e.headcount) AS headcount
        FROM read_parquet($e) AS e JOIN read_parquet($y) AS y USING (time_period, urn)
        WHERE e.time_period = $year AND y.partnership IS NOT NULL
            AND e.perm_excl IS NOT NULL AND e.headcount IS NOT NULL
        GROUP BY ALL ORDER BY ALL
        """,
        {
            "e": str(warehouse / "exclusions.parquet"),
            "y": str(warehouse / "school_year.parquet"),
            "year": year,
        },
    ).df()


# --------------------------------------------------------------------------- the page, once


@pytest.fixture(scope="module")
def chosen(demo_warehouse: Path) -> dict:
    """The latest year and a locality in which some partnership's permanent exclusion count
    is 1 or 2 (so the page must show "Suppressed" for it)."""
    year = latest_year(demo_warehouse)
    per_partnership = partnership_perm_excl(demo_warehouse, year)
    small = per_partnership[per_partnership["perm_excl"].between(1, 2)]
    assert not small.empty, "the demo data should hold a partnership with 1 or 2 exclusions"
    row = small.iloc[0]
    return {"year": int(year), "locality": row["locality"], "small": row["partnership"]}


@pytest.fixture(scope="module")
def page(demo_warehouse: Path, chosen: dict):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(demo_warehouse))
        at = open_page("locality.py", {"locality": chosen["locality"], "year": str(chosen["year"])})
        yield at


@pytest.fixture(scope="module")
def tabs(demo_warehouse: Path, chosen: dict) -> dict:
    """{section heading: the page with that section's tab open}."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(demo_warehouse))
        params = {"locality": chosen["locality"], "year": str(chosen["year"])}
        yield open_each_tab("locality.py", params, SECTION_PARAM, HEADINGS)


def metric(at, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}: {[m.label for m in at.metric]}"
    return found[0]


def spec_titled(at, start: str) -> dict:
    specs = [s for s in chart_specs(at) if title_of(s).startswith(start)]
    assert specs, f"no chart titled {start!r}: {[title_of(s) for s in chart_specs(at)]}"
    return specs[0]


def chart_rows(at, start: str) -> list[dict]:
    """Every row a chart draws: Streamlit ships DataFrames as Arrow datasets beside the spec,
    other data stays inline in it."""
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if title_of(spec).startswith(start):
            rows = [r for data in inline_datasets(spec) for r in data]
            for dataset in element.proto.datasets:
                table = pa.ipc.open_stream(dataset.data.data).read_all()
                rows += table.to_pylist()
            return rows
    raise AssertionError(f"no chart titled {start!r}")


def table_with(at, column: str) -> pd.DataFrame:
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")


# --------------------------------------------------------------------------- tests


def test_page_runs_with_sections_as_tabs_only_the_open_one_drawn(page, tabs, chosen):
    assert_no_exception(page)
    headers = [h.value for h in page.header]
    assert headers[0] == f"Partnerships and schools in {chosen['locality']}"
    assert [t.label for t in page.tabs] == HEADINGS  # in the 2017 data set's order
    # The first tab by default; each tab's link draws that section and no other.
    assert [h for h in headers if h in HEADINGS] == [HEADINGS[0]]
    for heading, at in tabs.items():
        assert_no_exception(at)
        assert [h.value for h in at.header if h.value in HEADINGS] == [heading]
        assert at.query_params.get(SECTION_PARAM, HEADINGS[0]) == heading


def test_at_a_glance_table_holds_every_measure(page, chosen, demo_warehouse, demo_con):
    year, locality = chosen["year"], chosen["locality"]
    table = table_with(page, "Section").set_index("Measure")
    assert list(table.columns) == ["Section", locality, "County", "England"]
    # every catalogue measure the locality has a row for that year, in the sections' order
    has_row = set(queries.locality_vs_county(demo_con, locality, year)["measure"])
    expected = [MEASURES.loc[m, "label"] for s in SECTIONS for m in s.measures if m in has_row]
    assert table.index.tolist() == expected and len(expected) >= 20
    absence = area_rate(
        demo_warehouse, "absence", "sess_overall", "sess_possible", year,
        level="locality", area=locality,
    )  # fmt: skip
    absence_label = MEASURES.loc["overall_absence_rate", "label"]
    assert table.loc[absence_label, locality] == f"{absence:.1f}%"
    assert table.loc[absence_label, "Section"] == "Attendance"
    topups, _ = area_sum(
        demo_warehouse, "topups", "amount_gbp", None, year, level="locality", area=locality
    )
    assert table.loc[MEASURES.loc["topup_amount", "label"], locality] == f"£{topups:,.0f}"
    assert any("data-set" in d.proto.id for d in page.get("download_button"))


def test_metrics_match_sums_from_parquet(tabs, chosen, demo_warehouse):
    year, locality = chosen["year"], chosen["locality"]
    where = {"level": "locality", "area": locality}
    pupils, _ = area_sum(demo_warehouse, "pupils", "headcount", None, year, **where)
    assert metric(tabs["Children and young people"], "Pupils on roll").value == f"{pupils:,.0f}"

    fsm = area_rate(demo_warehouse, "pupils", "fsm_eligible", "headcount", year, **where)
    county_fsm = area_rate(demo_warehouse, "pupils", "fsm_eligible", "headcount", year)
    tile = metric(tabs["Children and young people"], "Free school meals eligibility")
    assert tile.value == f"{fsm:.1f}%"
    assert tile.delta == f"{fsm - county_fsm:+.1f} vs County"

    absence = area_rate(demo_warehouse, "absence", "sess_overall", "sess_possible", year, **where)
    assert metric(tabs["Attendance"], "Overall absence").value == f"{absence:.1f}%"

    ks2 = area_rate(demo_warehouse, "ks2", "rwm_expected", "pupils_eligible", year, **where)
    assert (
        metric(tabs["Attainment"], "Key stage 2: reading, writing and maths").value == f"{ks2:.1f}%"
    )

    points, pupils_ks4 = area_sum(demo_warehouse, "ks4", "att8_total", "pupils", year, **where)
    assert metric(tabs["Attainment"], "Attainment 8 (points)").value == f"{points / pupils_ks4:.1f}"

    topups, _ = area_sum(demo_warehouse, "topups", "amount_gbp", None, year, **where)
    assert (
        metric(tabs["High needs funding"], "High needs top-up funding").value
        == f"£{topups / 1e6:,.2f}m"
    )


def test_exclusions_table_shows_locality_and_county(tabs, chosen, demo_warehouse):
    year, locality = chosen["year"], chosen["locality"]
    page = tabs["Exclusions and suspensions"]
    table = next(  # the section's own table, not the data set at a glance
        f.value for f in page.dataframe if "Measure" in f.value and "Section" not in f.value
    )
    assert list(table.columns) == ["Measure", locality, "County", "England"]
    exclusions = [
        f.value
        for f in page.dataframe
        if "Measure" in f.value.columns
        and "Permanent exclusion rate" in f.value["Measure"].tolist()
    ]
    assert exclusions, "no exclusions table"
    row = exclusions[0].set_index("Measure").loc["Permanent exclusion rate"]
    local = area_rate(
        demo_warehouse, "exclusions", "perm_excl", "headcount", year,
        level="locality", area=locality,
    )  # fmt: skip
    county = area_rate(demo_warehouse, "exclusions", "perm_excl", "headcount", year)
    assert row[locality] == f"{local:.2f} per 100 pupils"
    assert row["County"] == f"{county:.2f} per 100 pupils"
    counts = exclusions[0].set_index("Measure")
    perm, _ = area_sum(
        demo_warehouse, "exclusions", "perm_excl", None, year, level="locality", area=locality
    )
    assert counts.loc["Permanent exclusions", locality] == f"{perm:,.0f} exclusions"


def test_trend_chart_draws_the_localitys_rates_and_the_county_dashed(page, chosen, demo_warehouse):
    locality = chosen["locality"]
    spec = spec_titled(page, "Free school meals eligibility: " + locality)
    rows = [r for r in chart_rows(page, title_of(spec)) if "series" in r]
    own = {r["year"]: r["value"] for r in rows if r["series"] == locality}
    years = duckdb.execute(
        "SELECT DISTINCT time_period FROM read_parquet($p) ORDER BY 1",
        {"p": str(demo_warehouse / "pupils.parquet")},
    ).fetchall()
    assert len(own) == len(years)
    for (time_period,) in years:
        expected = area_rate(
            demo_warehouse, "pupils", "fsm_eligible", "headcount", time_period,
            level="locality", area=locality,
        )  # fmt: skip
        assert own[queries.period_label(time_period)] == pytest.approx(expected)
    assert {"County", "England"} <= {r["series"] for r in rows}
    assert spec["title"]["subtitle"] == "Compared with the county and England, by academic year"
    assert spec["encoding"]["y"]["title"] == ["Free school meals eligibility", "(% of pupils)"]
    assert spec["encoding"]["x"]["title"] == "Academic year"
    assert "strokeDash" in spec["encoding"]


def test_partnerships_table_and_suppression(page, chosen, demo_warehouse):
    year, locality = chosen["year"], chosen["locality"]
    table = table_with(page, "Partnership").set_index("Partnership")
    members = duckdb.execute(
        """
        SELECT y.partnership, sum(p.headcount) AS pupils,
            count(DISTINCT y.urn) FILTER (WHERE true) AS n
        FROM read_parquet($y) AS y
        LEFT JOIN read_parquet($p) AS p USING (time_period, urn)
        WHERE y.time_period = $year AND y.locality = $locality AND y.partnership IS NOT NULL
        GROUP BY 1 ORDER BY 1
        """,
        {
            "y": str(demo_warehouse / "school_year.parquet"),
            "p": str(demo_warehouse / "pupils.parquet"),
            "year": year,
            "locality": locality,
        },
    ).df()
    assert sorted(table.index) == members["partnership"].tolist()
    for row in members.itertuples():
        assert table.loc[row.partnership, "Pupils on roll"] == f"{row.pupils:,.0f}"
        assert int(table.loc[row.partnership, "Schools"]) == row.n
    # 1 or 2 permanent exclusions: the rate is hidden, never shown as 0
    outcomes = table_with(page, PERM_EXCL_RATE).set_index("Partnership")
    cell = outcomes.loc[chosen["small"], PERM_EXCL_RATE]
    assert cell == "Suppressed"
    links = {link.proto.label: link.proto.query_string for link in page.get("page_link")}
    for name in members["partnership"]:
        assert name in links
        assert f"locality={locality}".replace(" ", "+") in links[name]


def test_map_shows_the_localitys_schools(page, chosen, demo_warehouse):
    year, locality = chosen["year"], chosen["locality"]
    dots = [r for r in chart_rows(page, f"Schools in {locality} locality") if "school_name" in r]
    expected = duckdb.execute(
        """
        SELECT count(*) FROM read_parquet($y) AS y JOIN read_parquet($s) AS s USING (urn)
        WHERE y.time_period = $year AND y.locality = $locality
            AND s.lat IS NOT NULL AND s.lon IS NOT NULL
        """,
        {
            "y": str(demo_warehouse / "school_year.parquet"),
            "s": str(demo_warehouse / "schools.parquet"),
            "year": year,
            "locality": locality,
        },
    ).fetchone()[0]
    assert len(dots) == expected
    assert {d["locality"] for d in dots} == {locality}


def test_need_profile_chart_compares_with_the_county(tabs, chosen):
    page = tabs["Special educational needs"]
    spec = spec_titled(page, "Primary need of pupils with an EHC plan")
    rows = [r for r in chart_rows(page, title_of(spec)) if "primary_need" in r]
    assert {r["area_label"] for r in rows} == {chosen["locality"], "County"}
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["x"]["title"] == "Share of pupils with EHC plan (%)"
    # Every bar is labelled with its figure (0.0% too), or "Suppressed" where hidden.
    labelled = [r for r in rows if "label" in r]
    assert labelled and all(
        r["label"] == ("Suppressed" if r["percent_suppressed"] else f"{r['shown_percent']:.1f}%")
        for r in labelled
    )


def test_every_chart_has_alt_text_and_downloads_sit_beside_them(tabs):
    charts = [c for at in tabs.values() for c in at.get("vega_lite_chart")]
    # the map on every tab; one trend per section and the need profile
    assert len(charts) >= 6 + 6 + 1
    assert all(chart.proto.alt.strip() for chart in charts)
    for heading, at in tabs.items():
        downloads = [d.proto.id for d in at.get("download_button")]
        # the map, the partnerships, the data set at a glance, the section's table and chart
        assert len(downloads) >= 5 + (heading == "Special educational needs"), heading
        assert len(set(downloads)) == len(downloads)


def test_every_measure_has_its_definition_beside_it(tabs, chosen, demo_con):
    """Every measure the locality has a figure for that year is defined in its section."""
    has_row = set(
        queries.locality_vs_county(demo_con, chosen["locality"], chosen["year"])["measure"]
    )
    for section in SECTIONS:
        captions = " ".join(c.value for c in tabs[section.title].caption)
        for measure in (m for m in section.measures if m in has_row):
            assert MEASURES.loc[measure, "definition"] in captions, measure


def test_links_onward(page, chosen):
    links = {link.proto.page: link.proto.query_string for link in page.get("page_link")}
    assert "level=Locality" in links["exclusions"]
    assert f"year={chosen['year']}" in links["data_pack"]
    assert "level=Locality" in links["data_pack"]
    assert f"locality={chosen['locality']}" in links["compare_localities"]


def test_url_state_round_trip(app_warehouse, demo_warehouse):
    year = latest_year(demo_warehouse)
    previous = queries.period(f"{year // 100 - 1}/{year % 100 - 1:02d}")
    at = open_page("locality.py", {"locality": "Witney", "year": str(previous)})
    assert_no_exception(at)
    assert at.selectbox(key="url-locality").value == "Witney"
    assert at.selectbox(key="url-year").value == previous
    at.selectbox(key="url-locality").set_value("Thame").run()
    assert at.query_params["locality"] == "Thame"
    assert at.query_params["year"] == str(previous)
    assert metric(at, "Pupils on roll").value == "{:,.0f}".format(
        area_sum(
            demo_warehouse, "pupils", "headcount", None, previous, level="locality", area="Thame"
        )[0]
    )


# --------------------------------------------------------------------------- the new query


def test_locality_partnerships_query_hand_computed(demo_con, demo_warehouse, chosen):
    year, locality = chosen["year"], chosen["locality"]
    result = queries.locality_partnerships(demo_con, locality, year).set_index("partnership")
    for partnership in result.index:
        where = {"level": "partnership", "area": partnership}
        susp = area_rate(demo_warehouse, "exclusions", "susp", "headcount", year, **where)
        assert result.loc[partnership, "susp_rate"] == pytest.approx(susp)
        sen = area_rate(demo_warehouse, "sen", "ehc_plan", "total_pupils", year, **where)
        assert result.loc[partnership, "ehc_plan_percent"] == pytest.approx(sen)
    small = result.loc[chosen["small"]]
    assert pd.isna(small["perm_excl_rate"])
    assert "perm_excl_rate" in list(small["suppressed_measures"])


def test_tiles_colour_only_a_difference_beyond_chance(tabs, chosen, demo_con):
    """A rate tile is red or green only when the locality lies outside the 95% funnel
    limits around the county (the packs' test); a difference that could be chance is grey."""
    from streamlit.proto.Metric_pb2 import Metric

    from analysis import differs_beyond_chance

    rows = queries.locality_vs_county(demo_con, chosen["locality"], chosen["year"])
    rows = rows.set_index("label")
    checked = greys = 0
    for heading, at in tabs.items():
        for tile in at.metric:
            label = next((name for name in rows.index if tile.label.startswith(name)), None)
            if label is None or not tile.delta:
                continue
            row = rows.loc[label]
            verdict = differs_beyond_chance(
                row["unit"], row["value"], row["denominator"], row["county_value"]
            )
            coloured = tile.proto.color != Metric.MetricColor.GRAY
            assert coloured == (bool(verdict) and row["higher_is"] != "neutral"), (heading, label)
            checked += 1
            greys += not coloured and row["higher_is"] != "neutral"
    assert checked >= 5
    assert greys >= 1  # some judged measure's difference is within chance: grey, not red


def test_show_over_time_is_kept_in_the_address(demo_warehouse, chosen):
    """The trend's measure comes from the link (?trend_attendance=...) and a change writes it
    back, so a shared link draws the same line; the default is not written."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(demo_warehouse))
        params = {"locality": chosen["locality"], "year": str(chosen["year"])}
        at = open_page("locality.py", {**params, SECTION_PARAM: "Attendance"})
        assert at.radio(key="url-trend_attendance").value == "overall_absence_rate"
        assert "trend_attendance" not in at.query_params
        at = open_page(
            "locality.py",
            {**params, SECTION_PARAM: "Attendance", "trend_attendance": "persistent_absence_rate"},
        )
        assert_no_exception(at)
        assert at.radio(key="url-trend_attendance").value == "persistent_absence_rate"
        assert any(title_of(spec).startswith("Persistent absence") for spec in chart_specs(at)), [
            title_of(spec) for spec in chart_specs(at)
        ]
        at.radio(key="url-trend_attendance").set_value("overall_absence_rate").run()
        assert at.query_params["trend_attendance"] in (
            ["overall_absence_rate"],
            "overall_absence_rate",
        )
