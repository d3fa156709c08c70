"""Compare localities page and its query (compare_locality_trends), checked against sums
taken straight from the warehouse Parquet (not through the query layer)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from apptest_helpers import assert_no_exception, inline_datasets, open_page
from parquet_sums import benchmark_rate, locality_exclusion_sums

import queries

PAGE = "compare_localities.py"
MEASURE = "perm_excl_rate"
YEAR = 202324
TRENDS = "Trends"  # the tab of every locality over the years
REGION_CODE = "E12000008"  # South East, from data/config.toml


@pytest.fixture(scope="module")
def sums(demo_warehouse: Path) -> pd.DataFrame:
    return locality_exclusion_sums(demo_warehouse)


def locality_names(sums: pd.DataFrame) -> list[str]:
    return sorted(set(sums.index.get_level_values("locality")) - {"County"})


def small_count_localities(sums: pd.DataFrame) -> tuple[int, set[str]]:
    """The first year in which some locality had 1 or 2 permanent exclusions (below the
    suppression threshold of 3, data/config.toml), and the localities hidden that year
    (those, and those hidden with them by complementary suppression)."""
    rows = sums.reset_index()
    small = rows[(rows["locality"] != "County") & rows["numerator"].between(1, 2)]
    assert not small.empty, "the demo data should have a suppressed locality figure"
    year = int(small["time_period"].min())
    hidden = rows[(rows["locality"] != "County") & rows["hidden"]]
    return year, set(hidden.loc[hidden["time_period"] == year, "locality"])


# --------------------------------------------------------------------------- the query


def test_compare_locality_trends_has_every_locality_year_with_county_and_england(
    demo_con, demo_warehouse, sums
) -> None:
    trends = queries.compare_locality_trends(demo_con, MEASURE)
    own = trends[~trends["is_reference"]].set_index(["series", "time_period"])
    assert sorted(own.index.get_level_values("series").unique()) == locality_names(sums)
    assert len(own) == len(sums.drop(index="County", level="locality"))
    for (name, period), row in own.iterrows():
        expected = sums.loc[(name, period)]
        if expected["hidden"]:  # below the threshold (or hidden with one): never zero
            assert row["suppressed"] and pd.isna(row["value"]) and pd.isna(row["numerator"])
            continue
        assert not row["suppressed"]
        assert row["value"] == pytest.approx(expected["rate"])
        assert row["numerator"] == expected["numerator"]
        assert row["denominator"] == expected["denominator"]
        assert row["n_schools"] == expected["n_schools"]
    county = trends[trends["series"] == "County"].set_index("time_period")["value"]
    for period, value in county.items():
        assert value == pytest.approx(sums.loc[("County", period), "rate"])
    england = trends[trends["series"] == "England"].set_index("time_period")["value"]
    assert england.loc[YEAR] == pytest.approx(
        benchmark_rate(demo_warehouse, MEASURE, "National", YEAR, None)
    )
    assert set(trends["series"]) == set(locality_names(sums)) | {"County", "England"}


def test_compare_locality_trends_marks_the_suppressed_years(demo_con, sums) -> None:
    trends = queries.compare_locality_trends(demo_con, MEASURE)
    hidden = trends[trends["suppressed"]]
    rows = sums.reset_index()
    small = rows[(rows["locality"] != "County") & rows["hidden"]]
    assert rows["numerator"].between(1, 2).any()
    assert set(zip(hidden["series"], hidden["time_period"], strict=True)) == set(
        zip(small["locality"], small["time_period"], strict=True)
    )
    assert hidden["value"].isna().all() and hidden["numerator"].isna().all()


# --------------------------------------------------------------------------- the page


@pytest.fixture
def page(app_warehouse):
    at = open_page(PAGE, {"measure": MEASURE, "year": str(YEAR), "locality": "Banbury"})
    assert_no_exception(at)
    return at


@pytest.fixture
def trends_page(app_warehouse):
    """The page with its Trends tab open (only the open tab is drawn)."""
    at = open_page(
        PAGE, {"measure": MEASURE, "year": str(YEAR), "locality": "Banbury", "section": TRENDS}
    )
    assert_no_exception(at)
    return at


def test_the_year_and_the_trends_are_tabs_only_the_open_one_drawn(page, trends_page) -> None:
    assert [t.label for t in page.tabs] == ["Ranked", TRENDS]
    assert [h.value[:16] for h in page.header] == [
        "Localities ranke",
        "The figures, 202",
        "Look closer",
    ]
    assert len(charts(page)) == 1  # the ranked bars; not the trends
    assert [h.value for h in trends_page.header] == ["Trends in every locality", "Look closer"]
    assert [c[0]["title"][:28] for c in charts(trends_page)] == ["Permanent exclusion rate by "]
    assert not trends_page.dataframe


def charts(at) -> list[tuple[dict, list[list[dict]], str]]:
    """(spec, every data array it draws, alt text) per chart: Streamlit ships DataFrames as
    Arrow datasets beside the spec; other data stays inline in it."""
    out = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        data = inline_datasets(spec)
        data += [
            pa.ipc.open_stream(d.data.data).read_all().to_pylist() for d in element.proto.datasets
        ]
        out.append((spec, data, element.proto.alt))
    return out


def ranked_chart(at) -> tuple[dict, list[list[dict]], str]:
    [chart] = [c for c in charts(at) if "facet" not in c[0]]
    return chart


def heatmaps(at) -> list[tuple[dict, list[list[dict]], str]]:
    """The heatmap charts (a layer of rect marks with a colour scale) on a page."""
    return [
        c
        for c in charts(at)
        if any(
            layer.get("mark", {}).get("type") == "rect" and "color" in layer.get("encoding", {})
            for layer in c[0].get("layer", [])
        )
    ]


def bar_rows(data: list[list[dict]]) -> dict[str, dict]:
    rows = next(d for d in data if d and "is_highlight" in d[0])
    return {row["locality"]: row for row in rows}


def test_ranked_bar_draws_each_locality_rate_with_county_england_and_region_lines(
    page, sums, demo_warehouse
) -> None:
    spec, data, alt_text = ranked_chart(page)
    assert spec["title"] == "Permanent exclusion rate by locality, 2023/24"
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Permanent exclusion rate (per 100 pupils)"
    bars = bar_rows(data)
    assert sorted(bars) == locality_names(sums)
    for name, row in bars.items():
        assert row["shown"] == pytest.approx(sums.loc[(name, YEAR), "rate"])
    # only the columns the bars, labels and tooltips draw travel to the browser: no pandas
    # index, no unused value/suppressed columns
    assert {tuple(sorted(d[0])) for d in data if d} == {
        ("is_highlight", "label", "locality", "shown"),
        ("key", "reference", "value"),
    }
    assert bars["Banbury"]["is_highlight"] and not bars["Oxford"]["is_highlight"]
    lines = next(d for d in data if d and "reference" in d[0])
    drawn = {row["reference"]: row["value"] for row in lines}
    assert drawn["County"] == pytest.approx(sums.loc[("County", YEAR), "rate"])
    assert drawn["England"] == pytest.approx(
        benchmark_rate(demo_warehouse, MEASURE, "National", YEAR, None)
    )
    assert drawn["South East (region)"] == pytest.approx(
        benchmark_rate(demo_warehouse, MEASURE, "Regional", YEAR, REGION_CODE)
    )
    # each line is named with its figure in the legend, and told apart by colour AND dashes
    assert {row["key"] for row in lines} == {f"{n} ({v:.2f})" for n, v in drawn.items()}
    [rule] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    colours = rule["encoding"]["color"]["scale"]["range"]
    dashes = rule["encoding"]["strokeDash"]["scale"]["range"]
    assert len(set(colours)) == len(colours) == 3
    assert len({tuple(d) for d in dashes}) == 3
    assert rule["encoding"]["color"]["legend"]["symbolType"] == "stroke"
    # no reference label is drawn over the bars any more
    assert not any("row" in d[0] for d in data if d)
    highest = sums.xs(YEAR, level="time_period").drop(index="County")["rate"].idxmax()
    assert alt_text.startswith("Bar chart")
    assert f"highest first: {highest}" in alt_text


def test_small_multiples_show_every_locality_trend_with_the_county_in_each_panel(
    trends_page, sums
) -> None:
    page = trends_page
    [(spec, data, alt_text)] = [c for c in charts(page) if "facet" in c[0]]
    assert spec["title"] == "Permanent exclusion rate by locality, 2017/18 to 2023/24"
    assert alt_text.startswith("9 small line charts")
    rows = pd.DataFrame(next(d for d in data if d and "panel" in d[0]))
    assert rows["panel"].nunique() == 9
    assert "Banbury (selected)" in set(rows["panel"])
    # only what the panels encode, filter on or show is sent (no pandas index)
    assert set(rows.columns) == {"year", "value", "suppressed", "series", "panel", "label"} | {
        "emphasis"
    }
    assert not heatmaps(page)  # nine localities: small multiples, not the heatmap
    own = rows[rows["series"] == "Locality"]
    for row in own.itertuples():
        name = row.panel.removesuffix(" (selected)")
        expected = sums.loc[(name, queries.period(row.year))]
        if row.suppressed:
            assert pd.isna(row.value) and expected["hidden"]
        else:
            assert row.value == pytest.approx(expected["rate"])
    county = rows[rows["series"] == "County"]
    assert county.groupby("panel").size().eq(7).all()  # seven years in every panel
    for row in county.itertuples():
        assert row.value == pytest.approx(sums.loc[("County", queries.period(row.year)), "rate"])


def test_table_lists_numerators_denominators_schools_and_references(
    page, sums, demo_warehouse
) -> None:
    table = page.dataframe[0].value
    localities = table[table["area_type"] == "Locality"]
    expected = sums.xs(YEAR, level="time_period").drop(index="County")
    expected = expected.sort_values("rate", ascending=False)
    assert localities["area_label"].str.removesuffix(" ◀").tolist() == expected.index.tolist()
    assert localities["area_label"].tolist().count("Banbury ◀") == 1
    assert localities["numerator"].tolist() == expected["numerator"].tolist()
    assert localities["denominator"].tolist() == expected["denominator"].tolist()
    assert localities["n_schools"].tolist() == expected["n_schools"].tolist()
    assert localities["figure"].tolist() == [f"{r:.2f} per 100 pupils" for r in expected["rate"]]
    assert not localities["suppressed"].any()
    references = table[table["area_type"] != "Locality"].set_index("area_type")
    assert references.loc["England", "figure"] == (
        f"{benchmark_rate(demo_warehouse, MEASURE, 'National', YEAR, None):.2f} per 100 pupils"
    )
    assert (
        references.loc["County (all schools)", "numerator"]
        == sums.loc[("County", YEAR), "numerator"]
    )
    assert list(references.index) == [
        "County (all schools)",
        "Local authority (DfE published)",
        "Region",
        "England",
    ]


def test_suppressed_localities_show_suppressed_in_chart_and_table(app_warehouse, sums) -> None:
    suppressed_year, suppressed_localities = small_count_localities(sums)
    at = open_page(PAGE, {"measure": MEASURE, "year": str(suppressed_year)})
    assert_no_exception(at)
    bars = bar_rows(ranked_chart(at)[1])
    table = at.dataframe[0].value.set_index("area_label")
    for name in suppressed_localities:
        assert bars[name]["shown"] is None and bars[name]["label"] == "Suppressed"
        assert table.loc[name, "figure"] == "Suppressed"
        assert bool(table.loc[name, "suppressed"])
        assert pd.isna(table.loc[name, "numerator"])
    # suppressed rows are ranked last, after every locality with a figure
    assert set(table.index[9 - len(suppressed_localities) : 9]) == suppressed_localities


def test_selections_round_trip_through_the_url(page) -> None:
    page_boxes = [box for box in page.selectbox if box.key.startswith("url-")]
    assert [box.value for box in page_boxes] == [MEASURE, YEAR, "Banbury"]
    page.selectbox[2].set_value("Witney").run()
    page.selectbox[0].set_value("fsm_percent").run()
    assert_no_exception(page)
    assert page.query_params["locality"] == "Witney"
    assert page.query_params["measure"] == "fsm_percent"
    assert page.query_params["year"] == str(YEAR)
    table = page.dataframe[0].value
    assert "Witney ◀" in set(table["area_label"])
    page.selectbox[2].set_value("").run()
    assert not any(label.endswith("◀") for label in page.dataframe[0].value["area_label"])


def test_downloads_definitions_and_links(page, trends_page) -> None:
    files = [d.proto.id for at in (page, trends_page) for d in at.get("download_button")]
    for stem in (
        f"compare-ranked-{MEASURE}-{YEAR}",
        f"compare-trends-{MEASURE}",
        f"compare-localities-{MEASURE}-{YEAR}",
    ):
        assert any(stem in f for f in files), stem
    assert any("every 100 pupils" in c.value for c in page.caption)
    links = {link.proto.page: link.proto.query_string for link in page.get("page_link")}
    assert links["locality"] == f"measure={MEASURE}&year={YEAR}&locality=Banbury"
    # the county overview is the default page, served at the site root
    assert links[""] == f"measure={MEASURE}&year={YEAR}"
    assert "exclusions" in links


def test_totals_are_not_drawn_against_the_county_total(app_warehouse, sums) -> None:
    # perm_excl is a count: the county's count is the sum of the localities', not a benchmark
    at = open_page(PAGE, {"measure": "perm_excl", "year": str(YEAR)})
    assert_no_exception(at)
    _, data, alt_text = ranked_chart(at)
    bars = bar_rows(data)
    for name, row in bars.items():
        assert row["shown"] == sums.loc[(name, YEAR), "numerator"]
    assert not any(d and set(d[0]) == {"reference", "value"} for d in data)
    assert "Dashed reference lines" not in alt_text
    trends = open_page(PAGE, {"measure": "perm_excl", "year": str(YEAR), "section": TRENDS})
    [(_, multiples, _)] = [c for c in charts(trends) if "facet" in c[0]]
    rows = next(d for d in multiples if d and "panel" in d[0])
    assert {row["series"] for row in rows} == {"Locality"}
    county = at.dataframe[0].value.set_index("area_type").loc["County (all schools)"]
    assert county["numerator"] == sums.loc[("County", YEAR), "numerator"]


def test_money_charts_use_a_format_vega_can_draw(app_warehouse) -> None:
    # d3-format has no "£": an axis format of "£,.0f" blanks the chart in the browser
    at = open_page(PAGE, {"measure": "topup_amount", "year": str(YEAR)})
    assert_no_exception(at)
    for spec, _, _ in charts(at):
        assert "£," not in json.dumps(spec)
    spec, _, _ = ranked_chart(at)
    assert spec["layer"][0]["encoding"]["x"]["title"] == "High needs top-up funding (£)"


# ------------------------------------------------------------- national scale: a heatmap


@pytest.fixture
def national_page(app_warehouse, monkeypatch):
    """The page with the small-multiples limit lowered below the demo's nine localities, so
    it takes the national branch (every LA a locality: 159 panels were too slow to draw)."""
    from explorer import layout

    monkeypatch.setattr(layout, "MAX_LOCALITY_TILES", 5)
    at = open_page(
        PAGE, {"measure": MEASURE, "year": str(YEAR), "locality": "Banbury", "section": TRENDS}
    )
    assert_no_exception(at)
    return at


def heatmap_rows(at) -> tuple[dict, pd.DataFrame, str]:
    [(spec, data, alt_text)] = heatmaps(at)
    [rows] = [d for d in data if d and "year" in d[0]]
    return spec, pd.DataFrame(rows), alt_text


def test_national_scale_draws_one_heatmap_instead_of_small_multiples(national_page, sums) -> None:
    assert not [c for c in charts(national_page) if "facet" in c[0]]
    spec, rows, alt_text = heatmap_rows(national_page)
    # only the four columns the heatmap draws are sent, without the pandas index
    assert list(rows.columns) == ["locality", "year", "value", "suppressed"]
    county = rows[rows["locality"] == "County (all schools)"]
    assert len(county) == 7
    for row in county.itertuples():
        assert row.value == pytest.approx(sums.loc[("County", queries.period(row.year)), "rate"])
    own = rows[rows["locality"] != "County (all schools)"]
    names = own["locality"].str.removesuffix(" (selected)")
    assert sorted(names.unique()) == locality_names(sums)
    expected = sums.drop(index="County", level="locality")
    assert len(own) == len(expected)  # every locality and year, once
    for name, row in zip(names, own.itertuples(), strict=True):
        sum_row = expected.loc[(name, queries.period(row.year))]
        if row.suppressed:
            assert pd.isna(row.value) and sum_row["hidden"]
        else:
            assert row.value == pytest.approx(sum_row["rate"])
    # rows: the county, then localities ranked by the latest year's rate, highest first
    latest = expected.xs(YEAR, level="time_period")["rate"].sort_values(ascending=False)
    ranked = [f"{n} (selected)" if n == "Banbury" else n for n in latest.index]
    assert spec["encoding"]["y"]["sort"] == ["County (all schools)", *ranked]
    assert alt_text.startswith("Heatmap of permanent exclusion rate")
    assert f"highest {latest.index[0]} {latest.iloc[0]:.2f}" in alt_text
    assert any("Each row is a locality" in c.value for c in national_page.caption)
    files = [d.proto.id for d in national_page.get("download_button")]
    assert any(f"compare-trends-{MEASURE}" in f for f in files)


def test_heatmap_marks_suppressed_cells_and_never_colours_them(app_warehouse, monkeypatch, sums):
    from explorer import layout

    monkeypatch.setattr(layout, "MAX_LOCALITY_TILES", 5)
    suppressed_year, suppressed_localities = small_count_localities(sums)
    at = open_page(PAGE, {"measure": MEASURE, "year": str(suppressed_year), "section": TRENDS})
    assert_no_exception(at)
    spec, rows, alt_text = heatmap_rows(at)
    hidden = rows[rows["suppressed"]]
    in_year = hidden[hidden["year"] == suppressed_year_label(suppressed_year)]
    assert set(in_year["locality"]) == suppressed_localities
    assert hidden["value"].isna().all()  # no number a colour scale could read as zero
    coloured = [layer for layer in spec["layer"] if "color" in layer.get("encoding", {})]
    [colour_layer] = coloured
    assert any("!datum.suppressed" in t["filter"] for t in colour_layer.get("transform", [])), (
        "suppressed cells are left out of the colour scale"
    )
    marks = [
        layer
        for layer in spec["layer"]
        if layer["mark"]["type"] == "text" and layer["mark"].get("text") == "S"
    ]
    assert [t["filter"] for t in marks[0]["transform"] if "filter" in t] == ["datum.suppressed"]
    assert f"{len(hidden)} figures are suppressed, marked S" in alt_text
    # no highlight chosen: nothing named (selected) and no frame
    assert not rows["locality"].str.endswith("(selected)").any()
    assert not [layer for layer in spec["layer"] if layer["mark"].get("filled") is False]


def test_heatmap_picks_out_the_selected_locality_without_colour(national_page) -> None:
    [(spec, data, _)] = heatmaps(national_page)
    _, rows, _ = heatmap_rows(national_page)
    assert set(rows.loc[rows["locality"].str.contains("Banbury"), "locality"]) == {
        "Banbury (selected)"
    }
    # named, framed (an unfilled rect over the row) and its label bold
    [frame] = [layer for layer in spec["layer"] if layer["mark"].get("filled") is False]
    assert frame["mark"]["stroke"] == "#000000"
    assert [{"locality": "Banbury (selected)"}] in data
    weight = spec["encoding"]["y"]["axis"]["labelFontWeight"]["expr"]
    assert '"Banbury (selected)"' in weight and "bold" in weight


def test_totals_heatmap_leaves_out_the_county_total(app_warehouse, monkeypatch, sums) -> None:
    from explorer import layout

    monkeypatch.setattr(layout, "MAX_LOCALITY_TILES", 5)
    at = open_page(PAGE, {"measure": "perm_excl", "year": str(YEAR), "section": TRENDS})
    assert_no_exception(at)
    _, rows, _ = heatmap_rows(at)
    assert "County (all schools)" not in set(rows["locality"])
    for row in rows[~rows["suppressed"]].itertuples():
        assert row.value == sums.loc[(row.locality, queries.period(row.year)), "numerator"]


def suppressed_year_label(period: int) -> str:
    return queries.period_label(period)
