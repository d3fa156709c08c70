"""The Partnership profile page: its figures against sums taken straight from the warehouse
Parquet files (numerators and denominators added up here), its school table (with
suppression), its share of top-up funding, charts, links and the URL state."""

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
from parquet_sums import area_rate, area_sum, parquet

import queries
from contract import catalogue
from explorer.dataset import SECTIONS
from explorer.layout import SECTION_PARAM

#: The partnership and school tables' column for the permanent exclusion rate.
PERM_EXCL_RATE = catalogue.measure("perm_excl_rate").heading


def chart_rows(at, start: str) -> tuple[dict, list[dict]]:
    """A chart's spec and every row it draws (Arrow datasets beside the spec, and inline)."""
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if title_of(spec).startswith(start):
            rows = [r for data in inline_datasets(spec) for r in data]
            for dataset in element.proto.datasets:
                rows += pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
            return spec, rows
    raise AssertionError(f"no chart {start!r}: {[title_of(s) for s in chart_specs(at)]}")


def metric(at, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}: {[m.label for m in at.metric]}"
    return found[0]


# --------------------------------------------------------------------------- the page, once


@pytest.fixture(scope="module")
def chosen(demo_warehouse: Path) -> dict:
    """The latest year and a partnership with a school that had 1 or 2 permanent exclusions
    (its rate must read "Suppressed") and some top-up funding."""
    year = duckdb.execute(
        "SELECT max(time_period) FROM read_parquet($p)",
        {"p": parquet(demo_warehouse, "school_year")},
    ).fetchone()[0]
    candidates = duckdb.execute(
        """
        SELECT y.partnership, y.locality, y.school_name, y.urn
        FROM read_parquet($e) AS e JOIN read_parquet($y) AS y USING (time_period, urn)
        WHERE e.time_period = $year AND e.perm_excl BETWEEN 1 AND 2
            AND y.partnership IN (
                SELECT y2.partnership FROM read_parquet($t) AS t
                JOIN read_parquet($y) AS y2 USING (time_period, urn)
                WHERE t.time_period = $year GROUP BY 1 HAVING sum(t.pupils_funded) >= 3
            )
        ORDER BY y.partnership, y.urn
        """,
        {
            "e": parquet(demo_warehouse, "exclusions"),
            "y": parquet(demo_warehouse, "school_year"),
            "t": parquet(demo_warehouse, "topups"),
            "year": year,
        },
    ).df()
    assert not candidates.empty, "the demo data should hold a school with 1 or 2 exclusions"
    row = candidates.iloc[0]
    return {
        "year": int(year),
        "partnership": row["partnership"],
        "locality": row["locality"],
        "small_school": row["school_name"],
    }


@pytest.fixture(scope="module")
def page(demo_warehouse: Path, chosen: dict):
    # Only the partnership in the link: the page must find its locality itself.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(demo_warehouse))
        yield open_page(
            "partnership.py", {"partnership": chosen["partnership"], "year": str(chosen["year"])}
        )


@pytest.fixture(scope="module")
def tabs(demo_warehouse: Path, chosen: dict) -> dict:
    """{section heading: the page with that section's tab open}."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(demo_warehouse))
        params = {"partnership": chosen["partnership"], "year": str(chosen["year"])}
        yield open_each_tab("partnership.py", params, SECTION_PARAM, [s.title for s in SECTIONS])


# --------------------------------------------------------------------------- tests


def test_page_runs_and_finds_the_locality(page, tabs, chosen):
    assert_no_exception(page)
    assert page.selectbox(key="url-partnership").value == chosen["partnership"]
    assert page.selectbox(key="url-locality").value == chosen["locality"]
    # the locality follows from the partnership: the page's default, so not in the address
    assert page.query_params.get("locality", chosen["locality"]) == chosen["locality"]
    headers = [h.value for h in page.header]
    assert [t.label for t in page.tabs] == [s.title for s in SECTIONS]
    assert [h for h in headers if h in {s.title for s in SECTIONS}] == ["Children and young people"]
    assert "Share of high needs top-up funding" in headers
    glance = next(f.value for f in page.dataframe if "Section" in f.value.columns)
    # the same measures, in the same order, as the sections' own tables in their tabs
    in_tabs = [
        measure
        for section in SECTIONS
        for frame in tabs[section.title].dataframe
        if "Measure" in frame.value.columns and "Section" not in frame.value.columns
        for measure in frame.value["Measure"]
    ]
    assert glance["Measure"].tolist() == in_tabs


def test_metrics_against_the_locality(tabs, chosen, demo_warehouse):
    year, name, locality = chosen["year"], chosen["partnership"], chosen["locality"]
    own = {"level": "partnership", "area": name}
    local = {"level": "locality", "area": locality}
    pupils, _ = area_sum(demo_warehouse, "pupils", "headcount", None, year, **own)
    page = tabs["Children and young people"]
    assert metric(page, "Pupils on roll").value == f"{pupils:,.0f}"
    fsm = area_rate(demo_warehouse, "pupils", "fsm_eligible", "headcount", year, **own)
    fsm_locality = area_rate(demo_warehouse, "pupils", "fsm_eligible", "headcount", year, **local)
    tile = metric(page, "Free school meals eligibility")
    assert tile.value == f"{fsm:.1f}%"
    assert tile.delta == f"{fsm - fsm_locality:+.1f} vs {locality}"
    ehc = area_rate(demo_warehouse, "sen", "ehc_plan", "total_pupils", year, **own)
    assert (
        metric(tabs["Special educational needs"], "Education Health and Care plans").value
        == f"{ehc:.1f}%"
    )
    persistent = area_rate(demo_warehouse, "absence", "enrolments_pa_10", "enrolments", year, **own)
    assert metric(tabs["Attendance"], "Persistent absence").value == f"{persistent:.1f}%"


def test_section_table_has_partnership_locality_county_england(tabs, chosen, demo_warehouse):
    year, name, locality = chosen["year"], chosen["partnership"], chosen["locality"]
    tables = [
        f.value.set_index("Measure")
        for f in tabs["Exclusions and suspensions"].dataframe
        if "Measure" in f.value.columns
        and "Section" not in f.value.columns
        and "Suspension rate" in f.value["Measure"].tolist()
    ]
    assert tables
    table = tables[0]
    assert list(table.columns) == [name, locality, "County", "England"]
    for column, where in ((name, "partnership"), (locality, "locality")):
        expected = area_rate(
            demo_warehouse, "exclusions", "susp", "headcount", year, level=where, area=column
        )
        assert table.loc["Suspension rate", column] == f"{expected:.2f} per 100 pupils"
    county = area_rate(demo_warehouse, "exclusions", "susp", "headcount", year)
    assert table.loc["Suspension rate", "County"] == f"{county:.2f} per 100 pupils"


def test_school_table_lists_each_school_with_suppression(page, chosen, demo_warehouse):
    year, name = chosen["year"], chosen["partnership"]
    table = next(f.value for f in page.dataframe if "School" in f.value.columns)
    schools = duckdb.execute(
        """
        SELECT y.school_name, y.urn, p.headcount
        FROM read_parquet($y) AS y LEFT JOIN read_parquet($p) AS p USING (time_period, urn)
        WHERE y.time_period = $year AND y.partnership = $name
        ORDER BY y.school_name
        """,
        {
            "y": parquet(demo_warehouse, "school_year"),
            "p": parquet(demo_warehouse, "pupils"),
            "year": year,
            "name": name,
        },
    ).df()
    assert sorted(table["School"]) == sorted(schools["school_name"])
    by_urn = table.set_index("URN")
    for row in schools.itertuples():
        if pd.notna(row.headcount) and row.headcount >= 3:
            assert by_urn.loc[row.urn, "Pupils on roll"] == f"{row.headcount:,.0f}"
    outcomes = next(
        f.value for f in page.dataframe if "School" in f.value.columns and PERM_EXCL_RATE in f.value
    )
    small = outcomes.set_index("School").loc[chosen["small_school"]]
    assert small[PERM_EXCL_RATE] == "Suppressed"
    assert "0.00" not in str(small[PERM_EXCL_RATE])


def test_funding_share_sentence_and_chart(page, chosen, demo_warehouse):
    year, name, locality = chosen["year"], chosen["partnership"], chosen["locality"]
    own = {"level": "partnership", "area": name}
    amount, _ = area_sum(demo_warehouse, "topups", "amount_gbp", None, year, **own)
    county_amount, _ = area_sum(demo_warehouse, "topups", "amount_gbp", None, year)
    pupils, _ = area_sum(demo_warehouse, "pupils", "headcount", None, year, **own)
    county_pupils, _ = area_sum(demo_warehouse, "pupils", "headcount", None, year)
    share = 100 * amount / county_amount
    pupil_share = 100 * pupils / county_pupils
    sentence = next(m.value for m in page.markdown if "top-up funding for pupils at" in m.value)
    assert f"£{amount:,.0f}" in sentence
    assert f"**{share:.1f}%** of the county's total" in sentence
    assert f"**{pupil_share:.1f}%** of the county's pupils" in sentence
    spec, rows = chart_rows(page, f"Partnerships in {locality}: share")
    bars = {(r["partnership"], r["share_of"]): r["percent"] for r in rows}
    assert bars[(name, "Top-up funding")] == pytest.approx(share)
    assert bars[(name, "Pupils")] == pytest.approx(pupil_share)
    assert spec["encoding"]["x"]["title"] == "Share of the county total (%)"


def test_trend_chart_has_the_locality_line(page, chosen, demo_warehouse):
    name, locality = chosen["partnership"], chosen["locality"]
    spec, rows = chart_rows(page, f"Free school meals eligibility: {name}")
    series = {r["series"] for r in rows}
    assert {name, locality, "County", "England"} <= series
    latest = queries.period_label(chosen["year"])
    local = next(r for r in rows if r["series"] == locality and r["year"] == latest)
    expected = area_rate(
        demo_warehouse, "pupils", "fsm_eligible", "headcount", chosen["year"],
        level="locality", area=locality,
    )  # fmt: skip
    assert local["value"] == pytest.approx(expected)
    assert spec["title"]["subtitle"].startswith(f"Compared with {locality}, the county and")


def test_charts_have_alt_text_and_downloads(page):
    charts = page.get("vega_lite_chart")
    assert all(chart.proto.alt.strip() for chart in charts)
    ids = [d.proto.id for d in page.get("download_button")]
    assert len(ids) == len(set(ids))
    assert any("schools" in i for i in ids) and any("funding-share" in i for i in ids)


def test_links_to_exclusions_and_data_packs(page, chosen):
    links = {link.proto.page: link.proto.query_string for link in page.get("page_link")}
    encoded = chosen["partnership"].replace(" ", "+")
    assert f"level=Partnership&partnership={encoded}" in links["exclusions"]
    assert links["data_pack"].startswith(f"level=Partnership&partnership={encoded}")
    assert f"locality={chosen['locality']}" in links["locality"]


def test_choosing_a_locality_narrows_the_partnerships(app_warehouse, demo_warehouse, demo_con):
    at = open_page("partnership.py", {"locality": "Thame"})
    assert_no_exception(at)
    expected = duckdb.execute(
        """
        WITH last AS (
            SELECT partnership, max(time_period) AS tp FROM read_parquet($y)
            WHERE partnership IS NOT NULL GROUP BY 1
        )
        SELECT DISTINCT y.partnership FROM read_parquet($y) AS y
        JOIN last ON last.partnership = y.partnership AND last.tp = y.time_period
        WHERE y.locality = 'Thame' ORDER BY 1
        """,
        {"y": parquet(demo_warehouse, "school_year")},
    ).df()["partnership"]
    picker = at.selectbox(key="url-partnership")
    assert list(picker.options) == expected.tolist()
    assert picker.value == expected.iloc[0]
    picker.set_value(expected.iloc[-1]).run()
    assert at.query_params["partnership"] == expected.iloc[-1]
    at.selectbox(key="url-locality").set_value("Witney").run()
    assert at.query_params["locality"] == "Witney"
    assert (
        at.selectbox(key="url-partnership").value
        in queries.list_partnerships(queries.connect(demo_warehouse), "Witney")[
            "partnership"
        ].tolist()
    )


# --------------------------------------------------------------------------- the new query


def test_partnership_vs_locality_query_hand_computed(demo_con, demo_warehouse, chosen):
    year, name, locality = chosen["year"], chosen["partnership"], chosen["locality"]
    result = queries.partnership_vs_locality(demo_con, name, year).set_index("measure")
    assert set(result["locality"]) == {locality}
    own = {"level": "partnership", "area": name}
    local = {"level": "locality", "area": locality}
    absence = area_rate(demo_warehouse, "absence", "sess_overall", "sess_possible", year, **own)
    absence_locality = area_rate(
        demo_warehouse, "absence", "sess_overall", "sess_possible", year, **local
    )
    row = result.loc["overall_absence_rate"]
    assert row["value"] == pytest.approx(absence)
    assert row["locality_value"] == pytest.approx(absence_locality)
    assert row["difference_locality"] == pytest.approx(absence - absence_locality)
    pupils, _ = area_sum(demo_warehouse, "pupils", "headcount", None, year, **own)
    pupils_locality, _ = area_sum(demo_warehouse, "pupils", "headcount", None, year, **local)
    assert result.loc["pupils", "percent_of_locality"] == pytest.approx(
        100 * pupils / pupils_locality
    )
    assert pd.isna(result.loc["pupils", "difference"])


def test_a_link_to_another_partnership_wins_over_the_earlier_choice(app_warehouse, demo_con):
    at = open_page("partnership.py", {"locality": "Thame"})
    banbury = queries.list_partnerships(demo_con, "Banbury")["partnership"].tolist()
    # A link elsewhere in the app names a partnership outside the chosen locality.
    at.query_params["partnership"] = banbury[-1]
    del at.query_params["locality"]
    at.run()
    assert_no_exception(at)
    assert at.selectbox(key="url-locality").value == "Banbury"
    assert at.selectbox(key="url-partnership").value == banbury[-1]
    # ... and the reader's own change of locality is then kept, not undone by the link.
    at.selectbox(key="url-locality").set_value("Thame").run()
    assert at.selectbox(key="url-locality").value == "Thame"
    assert at.query_params["partnership"] != banbury[-1]


def test_a_changed_partnership_shows_its_trend_with_todays_schools(app_warehouse, demo_con):
    """A partnership whose schools changed draws a second line, its schools of the latest
    year in every year (like for like), with the same numbers as the query layer's, and
    names the schools that joined or left above the data set."""
    changes = demo_con.execute(
        "SELECT area, min(time_period) AS first FROM membership_changes"
        " WHERE level = 'Partnership' GROUP BY area ORDER BY area"
    ).df()
    assert not changes.empty
    name = changes["area"].iloc[0]
    at = open_page("partnership.py", {"partnership": name})
    assert_no_exception(at)
    assert any("schools changed over these years" in i.value for i in at.info)
    found = 0
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if not title_of(spec).endswith(f": {name}"):
            continue
        rows = [r for data in inline_datasets(spec) for r in data]
        for dataset in element.proto.datasets:
            rows += pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
        today = [r for r in rows if r.get("series") == f"{name} (today's schools)"]
        assert today, "no like-for-like line"
        label = title_of(spec).split(":")[0]
        measure = demo_con.execute(
            "SELECT measure FROM measures WHERE label = ?", [label]
        ).fetchall()[0][0]
        expected = queries.like_for_like_trend(demo_con, name, measure).set_index("year")
        for row in today:
            value = expected.loc[row["year"], "value"]
            assert (pd.isna(value) and row["value"] is None) or row["value"] == pytest.approx(value)
        found += 1
    assert found >= 1
    assert any("today's schools" in c.value for c in at.caption)
