"""County overview page: tiles, sentence, map and table against sums taken straight from
the warehouse Parquet (not through the query layer)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from apptest_helpers import (
    as_read,
    assert_no_exception,
    chart_specs,
    chart_title,
    inline_datasets,
    open_page,
)
from parquet_sums import benchmark_rate, locality_exclusion_sums

PAGE = "county_overview.py"
MEASURE = "perm_excl_rate"
YEAR, PREVIOUS = 202324, 202223


def small_count_localities(rates: pd.DataFrame) -> tuple[int, set[str]]:
    """The first year in which some locality had 1 or 2 permanent exclusions (below the
    suppression threshold of 3, data/config.toml), and those localities."""
    rows = rates.reset_index()
    small = rows[(rows["locality"] != "County") & rows["numerator"].between(1, 2)]
    assert not small.empty, "the demo data should have a suppressed locality figure"
    year = int(small["time_period"].min())
    return year, set(small.loc[small["time_period"] == year, "locality"])


@pytest.fixture(scope="module")
def rates(demo_warehouse: Path) -> pd.DataFrame:
    return locality_exclusion_sums(demo_warehouse)


@pytest.fixture
def page(app_warehouse):
    at = open_page(PAGE, {"measure": MEASURE, "year": str(YEAR)})
    assert_no_exception(at)
    return at


def metrics_by_name(at) -> dict[str, object]:
    """Tiles keyed by the area name in their label ('Banbury (per 100 pupils)' -> 'Banbury')."""
    return {as_read(m.label).rsplit(" (", 1)[0]: m for m in at.metric}


def test_tiles_show_each_locality_county_and_england_with_change_since_last_year(
    page, rates, demo_warehouse
) -> None:
    tiles = metrics_by_name(page)
    localities = sorted({name for name, period in rates.index if period == YEAR} - {"County"})
    assert len(localities) == 9
    assert set(localities) | {"Oxfordshire, all schools", "England"} == set(tiles)
    for name in localities:
        now, before = rates.loc[(name, YEAR), "rate"], rates.loc[(name, PREVIOUS), "rate"]
        assert tiles[name].value == f"{now:.2f}"
        change = round(now - before, 2)
        expected = "No change" if change == 0 else f"{now - before:+.2f} per 100 pupils"
        assert tiles[name].proto.delta == expected, name
        assert "per 100 pupils" in tiles[name].label
    county = rates.loc[("County", YEAR), "rate"]
    assert tiles["Oxfordshire, all schools"].value == f"{county:.2f}"
    assert (
        tiles["England"].value == f"{benchmark_rate(demo_warehouse, MEASURE, 'National', YEAR):.2f}"
    )


def test_sentence_states_the_county_figure_with_its_sums_and_names_highest_and_lowest(
    page, rates, demo_warehouse
) -> None:
    county = rates.loc[("County", YEAR)]
    this_year = rates.xs(YEAR, level="time_period").drop(index="County")["rate"]
    sentence = next(m.value for m in page.markdown if "across Oxfordshire" in m.value)
    assert f"**{county['rate']:.2f} per 100 pupils**" in sentence
    assert f"{county['numerator']:,.0f} permanent exclusions" in sentence
    assert f"{county['denominator']:,.0f} pupils on roll" in sentence
    assert (
        f"{benchmark_rate(demo_warehouse, MEASURE, 'National', YEAR):.2f} per 100 pupils in England"
        in sentence
    )
    assert f"**{this_year.idxmax()}** had the highest" in sentence
    assert f"**{this_year.idxmin()}** the lowest" in sentence


def test_table_ranks_the_nine_localities_highest_first_with_numerators(page, rates) -> None:
    table = page.dataframe[0].value
    expected = rates.xs(YEAR, level="time_period").drop(index="County")
    expected = expected.sort_values("rate", ascending=False)
    assert table["area_name"].tolist() == expected.index.tolist()
    assert table["rank"].tolist() == [str(n) for n in range(1, 10)]
    assert table["figure"].tolist() == [f"{r:.2f} per 100 pupils" for r in expected["rate"]]
    assert table["numerator"].tolist() == expected["numerator"].tolist()
    assert table["denominator"].tolist() == expected["denominator"].tolist()


def test_map_shades_every_locality_by_its_rate_and_has_alt_text(page, rates) -> None:
    specs = chart_specs(page)
    [spec] = [s for s in specs if "by locality" in chart_title(s)]
    assert chart_title(spec) == "Permanent exclusion rate (per 100 pupils) by locality, 2023/24"
    features = next(d for d in inline_datasets(spec) if d and d[0].get("type") == "Feature")
    shaded = {f["properties"]["locality"]: f["properties"]["value"] for f in features}
    assert len(shaded) == 9
    for name, value in shaded.items():
        assert value == pytest.approx(rates.loc[(name, YEAR), "rate"])
    [chart] = page.get("arrow_vega_lite_chart") or page.get("vega_lite_chart")
    assert "Map of the 9 localities" in chart.proto.alt


def test_suppressed_locality_shows_suppressed_never_zero(app_warehouse, rates) -> None:
    # the reason they are hidden: 1 or 2 exclusions, below the threshold of 3
    suppressed_year, suppressed_localities = small_count_localities(rates)
    at = open_page(PAGE, {"measure": MEASURE, "year": str(suppressed_year)})
    assert_no_exception(at)
    tiles = metrics_by_name(at)
    for name in suppressed_localities:
        assert tiles[name].value == "Suppressed"
        assert not tiles[name].proto.delta
    table = at.dataframe[0].value.set_index("area_name")
    for name in suppressed_localities:
        assert table.loc[name, "figure"] == "Suppressed"
        assert table.loc[name, "rank"] == "–"
        assert pd.isna(table.loc[name, "numerator"])
    features = next(
        d
        for spec in chart_specs(at)
        for d in inline_datasets(spec)
        if d and d[0].get("type") == "Feature"
    )
    hidden = {f["properties"]["locality"]: f["properties"] for f in features}
    for name in suppressed_localities:
        assert hidden[name]["value"] is None
        assert hidden[name]["label"] == "Suppressed"


def test_selections_round_trip_through_the_url(app_warehouse) -> None:
    at = open_page(PAGE, {"measure": "fsm_percent", "year": str(PREVIOUS)})
    measure_box, year_box = at.selectbox[0], at.selectbox[1]
    assert (measure_box.value, year_box.value) == ("fsm_percent", PREVIOUS)
    at.selectbox[0].set_value("susp_rate").run()
    at.selectbox[1].set_value(YEAR).run()
    assert_no_exception(at)
    assert at.query_params["measure"] == "susp_rate"
    assert at.query_params["year"] == str(YEAR)
    assert any("Suspension rate" in m.value for m in at.markdown)


def test_downloads_definition_and_links_to_every_locality_page(page) -> None:
    files = [d.proto.id for d in page.get("download_button")]
    assert any(f"county-localities-{MEASURE}-{YEAR}" in f for f in files)
    assert any(f"county-map-{MEASURE}-{YEAR}" in f for f in files)
    assert any(
        "Permanent exclusion rate" in c.value and "every 100 pupils" in c.value
        for c in page.caption
    )
    links = {
        link.proto.query_string: link.proto.page
        for link in page.get("page_link")
        if link.proto.page == "locality"
    }
    assert len(links) == 9
    assert f"locality=Banbury&measure={MEASURE}&year={YEAR}" in links
    compare = [link for link in page.get("page_link") if link.proto.page == "compare_localities"]
    assert compare and compare[0].proto.query_string == f"measure={MEASURE}&year={YEAR}"


def test_many_localities_get_no_tiles_and_the_table_carries_change_and_link(
    app_warehouse, rates, monkeypatch
) -> None:
    """A national warehouse (159 localities, 24,000 schools) is drawn without a tile per
    locality or school dots; the limits are lowered here so the demo's 9 localities and
    ~290 schools take that branch."""
    from explorer import layout

    def dots(at) -> int:
        """School dots the map draws (its 'schools' dataset travels as Arrow)."""
        [chart] = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
        named = {d.name: d.data.data for d in chart.proto.datasets}
        return (
            pa.ipc.open_stream(named["schools"]).read_all().num_rows if named.get("schools") else 0
        )

    def names(at) -> list[str]:
        """The locality names written on the map (its 'labels' dataset), if any."""
        [chart] = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
        named = {d.name: d.data.data for d in chart.proto.datasets}
        layers = json.loads(chart.proto.spec)["layer"]
        texts = [layer for layer in layers if layer["mark"]["type"] == "text"]
        if not named.get("labels"):
            assert not texts  # no text layer without its names
            return []
        return pa.ipc.open_stream(named["labels"]).read_all().column("locality").to_pylist()

    default = open_page(PAGE, {"measure": MEASURE, "year": str(YEAR)})
    assert dots(default) > 200  # by default
    assert len(names(default)) == 9  # a council's localities are named on the map
    monkeypatch.setattr(layout, "MAX_LOCALITY_TILES", 5)
    monkeypatch.setattr(layout, "MAX_SCHOOL_DOTS", 10)
    at = open_page(PAGE, {"measure": MEASURE, "year": str(YEAR)})
    assert_no_exception(at)
    assert set(metrics_by_name(at)) == {"Oxfordshire, all schools", "England"}
    assert any("9 localities are too many for a tile each" in i.value for i in at.info)
    table = at.dataframe[0].value.set_index("area_name")
    assert len(table) == 9
    for name in table.index:
        now, before = rates.loc[(name, YEAR), "rate"], rates.loc[(name, PREVIOUS), "rate"]
        change = round(now - before, 2)
        expected = "No change" if change == 0 else f"{now - before:+.2f} per 100 pupils"
        assert table.loc[name, "change"] == expected, name
        assert table.loc[name, "page"].startswith("locality?locality=")
        assert f"measure={MEASURE}" in table.loc[name, "page"]
    columns = list(at.dataframe[0].value.columns)
    assert columns.index("page") == columns.index("area_name") + 1  # beside the name
    assert columns.index("change") == columns.index("figure") + 1  # beside the figure
    assert dots(at) == 0
    assert any("too many to mark on one map" in c.value for c in at.caption)
    # hundreds of names would overlap: the map leaves them to the tooltips, and says so
    assert names(at) == [] and sorted(names(default)) == sorted(table.index)
    assert any("Hover over an area for its name" in c.value for c in at.caption)


def test_map_says_when_outlines_are_derived_from_school_locations(page, demo_warehouse) -> None:
    derived = pd.read_parquet(demo_warehouse / "locality_boundaries.parquet")["derived"]
    assert derived.all()  # the demo ships no boundary file
    assert any("drawn from the schools' locations" in c.value for c in page.caption)
