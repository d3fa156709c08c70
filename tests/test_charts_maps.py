"""Unit tests of the shared chart and map builders, asserting on the Vega-Lite spec they emit
(what the browser is told to draw): readable labels, told-apart references, broken lines at
suppressed years, legends that are not cut off, and the height a page must pass on."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from explorer import charts, maps
from explorer.formatting import label_with_unit, unit_in_brackets


def spec(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict()


def layers_with_mark(node: dict, mark: str) -> list[dict]:
    """Every (nested) layer whose mark type is ``mark``."""
    found = []
    for layer in node.get("layer", []):
        kind = layer.get("mark", {})
        kind = kind.get("type") if isinstance(kind, dict) else kind
        if kind == mark:
            found.append(layer)
        found += layers_with_mark(layer, mark)
    return found


def mark_props(layer: dict) -> dict:
    return layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}


@pytest.fixture
def bars() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "locality": [f"Locality {n}" for n in range(12)],
            "value": [float(n) / 10 for n in range(12)],
            "suppressed": [False] * 11 + [True],
        }
    )


def square(x: float, y: float) -> str:
    ring = [[x, y], [x, y + 1], [x + 1, y + 1], [x + 1, y], [x, y]]  # clockwise
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@pytest.fixture
def boundaries() -> pd.DataFrame:
    return pd.DataFrame(
        {"locality": ["North", "South"], "geometry_geojson": [square(0, 51), square(0, 50)]}
    )


@pytest.fixture
def points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "urn": [1, 2, 3],
            "school_name": ["A", "B", "C"],
            "phase": ["Primary", "Primary", "Secondary"],
            "partnership": [
                "Banbury and North Oxfordshire Schools Partnership Trust",
                "Short",
                "Short",
            ],
            "locality": ["North", "North", "South"],
            "lat": [51.5, 51.2, 50.5],
            "lon": [0.5, 0.2, 0.5],
        }
    )


# ------------------------------------------------------------------------ ranked_bar


def test_ranked_bar_references_differ_in_colour_and_dash_and_are_named_in_a_line_legend(bars):
    chart = charts.ranked_bar(
        bars,
        "locality",
        "Rate",
        "per 100 pupils",
        "Rates",
        references={"County": 0.5, "England": 0.5, "South East (region)": 0.5, "Gone": None},
    )
    [rule] = layers_with_mark(spec(chart), "rule")
    colour, dash = rule["encoding"]["color"], rule["encoding"]["strokeDash"]
    # three references with the same value: still three distinct colours and dash patterns
    assert len(set(colour["scale"]["range"])) == 3
    assert len({tuple(d) for d in dash["scale"]["range"]}) == 3
    assert colour["scale"]["domain"] == dash["scale"]["domain"]  # one merged legend
    assert colour["scale"]["domain"] == [
        "County (0.50)",
        "England (0.50)",
        "South East (region) (0.50)",
    ]
    assert colour["legend"]["symbolType"] == "stroke"
    assert colour["legend"]["orient"] == "top"  # above the plot, never on the bars
    # no text layer draws a reference name inside the plot
    texts = layers_with_mark(spec(chart), "text")
    assert all(t["encoding"]["text"]["field"] == "label" for t in texts)


def test_ranked_bar_has_one_row_step_per_bar_and_records_the_height_to_pass_on(bars):
    chart = charts.ranked_bar(bars, "locality", "Rate", "per 100 pupils", "Rates")
    assert spec(chart)["height"] == {"step": charts.BAR_STEP}
    assert charts.display_height(chart) >= charts.BAR_STEP * len(bars) + 100
    with_refs = charts.ranked_bar(
        bars, "locality", "Rate", "per 100 pupils", "Rates", references={"County": 0.3}
    )
    assert charts.display_height(with_refs) > charts.display_height(chart)  # room for legend
    assert charts.display_height(alt.Chart(bars).mark_bar(), default=321) == 321


def test_ranked_bar_figures_have_a_halo_and_are_drawn_above_the_reference_lines(bars):
    chart = charts.ranked_bar(
        bars, "locality", "Rate", "per 100 pupils", "Rates", references={"County": 0.3}
    )
    marks = [mark_props(layer)["type"] for layer in spec(chart)["layer"]]
    assert marks[0] == "bar" and marks.index("rule") < marks.index("text")
    [halo] = [
        layer for layer in layers_with_mark(spec(chart), "text") if "stroke" in mark_props(layer)
    ]
    assert mark_props(halo)["stroke"] == "white" and mark_props(halo)["strokeWidth"] >= 3


def test_ranked_bar_suppressed_row_says_suppressed_and_draws_no_bar(bars):
    data = spec(charts.ranked_bar(bars, "locality", "Rate", "per 100 pupils", "Rates"))
    rows = next(iter(data["datasets"].values()))
    last = next(r for r in rows if r["locality"] == "Locality 11")
    assert last["shown"] is None and last["label"] == "Suppressed"
    assert next(r for r in rows if r["locality"] == "Locality 3")["label"] == "0.30"


# ------------------------------------------------------------------------ trends


@pytest.fixture
def trend() -> pd.DataFrame:
    years = ["2019/20", "2020/21", "2021/22"]
    return pd.DataFrame(
        {
            "area": ["Oxford"] * 3 + ["County"] * 3,
            "year": years * 2,
            "value": [1.0, None, 3.0, 2.0, 2.0, 2.0],  # Oxford 2020/21 suppressed
            "suppressed": [False, True, False, False, False, False],
        }
    )


def test_trend_chart_breaks_at_suppressed_years_with_level_years_and_a_line_legend(trend):
    chart = charts.trend_chart(trend, "Rate", "per 100 pupils", "Rates over time")
    data = spec(chart)
    assert data["mark"]["invalid"] == "break-paths-filter-domains"
    assert data["encoding"]["x"]["axis"]["labelAngle"] == 0
    assert data["encoding"]["color"]["legend"]["symbolType"] == "stroke"
    # the legend samples show each line's dashes: own area solid, the county dashed
    dash = data["encoding"]["strokeDash"]
    assert dash["legend"]["symbolType"] == "stroke"
    assert dash["scale"]["domain"] == ["Oxford", "County"]
    assert dash["scale"]["range"] == [[1, 0], charts.REFERENCE_DASHES["County"]]
    assert data["encoding"]["y"]["title"] == "Rate (per 100 pupils)"
    assert data["title"] == "Rates over time"  # a plain title unless a subtitle is asked for
    assert charts.display_height(chart) > data["height"] >= 300
    rows = next(iter(data["datasets"].values()))
    assert next(r for r in rows if r["area"] == "Oxford" and r["year"] == "2020/21")[
        "value"
    ] is None  # fmt: skip


def test_trend_chart_subtitle_carries_the_unit(trend):
    chart = charts.trend_chart(
        trend, "Rate", "per 100 pupils", "Rates", subtitle="Per 100 pupils, by academic year"
    )
    title = spec(chart)["title"]
    assert title["text"] == "Rates" and title["subtitle"] == "Per 100 pupils, by academic year"


def test_small_multiples_with_reference_legend_draws_line_samples_not_blobs(trend):
    own = trend[trend["area"] == "Oxford"]
    county = trend[trend["area"] == "County"]
    data = spec(
        charts.small_multiples_with_reference(own, county, "Rate", "per 100 pupils", "Rates")
    )
    [lines] = layers_with_mark(data["spec"], "line")
    for channel in ("color", "strokeDash"):
        assert lines["encoding"][channel]["legend"]["symbolType"] == "stroke"
    assert mark_props(lines)["invalid"] == "break-paths-filter-domains"
    assert data["spec"]["width"] * 3 >= 700
    rows = next(iter(data["datasets"].values()))
    hidden = next(r for r in rows if r["series"] == "Locality" and r["year"] == "2020/21")
    assert hidden["value"] is None and hidden["label"] == "Suppressed"


# ------------------------------------------------------------------------ maps


def test_choropleth_names_sit_on_a_white_halo_above_the_school_dots(boundaries, points):
    values = pd.DataFrame({"area": ["North", "South"], "value": [20.0, None]})
    values["suppressed"] = [False, True]
    chart = maps.locality_choropleth(
        boundaries, values, points, "Free school meals eligibility", "% of pupils", "FSM"
    )
    data = spec(chart)
    marks = [mark_props(layer)["type"] for layer in data["layer"]]
    assert marks[0] == "geoshape"
    halo, names = data["layer"][-2], data["layer"][-1]
    assert marks.index("point") < len(marks) - 2  # dots are drawn before (under) the names
    assert mark_props(halo)["type"] == "text" and mark_props(halo)["stroke"] == "white"
    assert mark_props(halo)["strokeWidth"] >= 3
    assert mark_props(names)["type"] == "text" and "stroke" not in mark_props(names)
    assert halo["encoding"]["text"] == names["encoding"]["text"]


def test_choropleth_legend_title_is_the_unit_and_is_not_cut_off(boundaries):
    values = pd.DataFrame({"area": ["North"], "value": [20.0], "suppressed": [False]})
    chart = maps.locality_choropleth(
        boundaries, values, None, "Free school meals eligibility", "% of pupils", "FSM map"
    )
    data = spec(chart)
    colour = data["layer"][0]["encoding"]["color"]
    assert colour["title"] == "% of pupils"
    assert colour["legend"]["titleLimit"] >= 300
    assert data["config"]["legend"]["titleLimit"] >= 300
    # the features are passed inline, as the named dataset the first layer reads
    shapes = data["datasets"][data["layer"][0]["data"]["name"]]
    by_name = {f["properties"]["locality"]: f["properties"] for f in shapes}
    assert by_name["North"]["value"] == 20.0
    assert by_name["South"]["label"] == "No data"


def test_choropleth_projection_fits_the_chart_and_records_its_height(boundaries):
    chart = maps.locality_choropleth(boundaries, None, None, "Rate", "%", "Map", height=640)
    data = spec(chart)
    # no fixed scale or centre: Vega-Lite fits the projection to the features
    assert data["projection"] == {"type": "mercator"}
    assert data["height"] == 640 and data["width"] == "container"
    assert charts.display_height(chart) >= 640


def test_partnership_map_legend_does_not_cut_off_long_partnership_names(boundaries, points):
    chart = maps.partnership_map(boundaries, points, "Schools", highlight_partnership="Short")
    data = spec(chart)
    [dots] = layers_with_mark(data, "point")
    assert dots["encoding"]["shape"]["legend"]["orient"] == "bottom"  # not stacked on the right
    longest = max(len(p) for p in points["partnership"])
    # Vega's labelLimit is in pixels; about 6 pixels a character at the default font size
    assert data["config"]["legend"]["labelLimit"] >= 6 * longest
    assert charts.display_height(chart) >= 420


# ------------------------------------------------------------------------ labels with units


@pytest.mark.parametrize(
    ("label", "unit", "expected"),
    [
        ("Attainment 8", "points (mean)", "Attainment 8 (points, mean)"),
        ("Free school meals eligibility", "% of pupils", "Free school meals eligibility (% of pupils)"),
        ("Suspensions", "suspensions", "Suspensions"),
    ],
)  # fmt: skip
def test_label_with_unit_never_nests_brackets_or_repeats_the_unit(label, unit, expected):
    assert label_with_unit(label, unit) == expected
    assert unit_in_brackets(unit).count("(") == 1


def test_map_boundaries_are_slimmed_but_stay_clockwise_and_in_place() -> None:
    """A jagged ring is simplified to about a pixel of the map, its coordinates rounded, its
    exterior ring kept clockwise (Vega fills the outside of an anticlockwise ring)."""
    import json as _json
    import math

    import shapely
    import shapely.geometry

    from explorer.maps import _map_geometry

    # A circle of 2,000 points with a 1e-5 degree wiggle, anticlockwise as given.
    ring = [
        (
            -1.25 + (0.1 + (1e-5 if i % 2 else 0)) * math.cos(2 * math.pi * i / 2000),
            51.75 + (0.1 + (1e-5 if i % 2 else 0)) * math.sin(2 * math.pi * i / 2000),
        )
        for i in range(2000)
    ]
    polygon = shapely.geometry.Polygon(ring)
    assert polygon.exterior.is_ccw
    slim = shapely.geometry.shape(
        _json.loads(_map_geometry(_json.dumps(shapely.geometry.mapping(polygon)), 0.0005))
    )
    assert len(slim.exterior.coords) < 400
    assert not slim.exterior.is_ccw
    assert abs(slim.area - polygon.area) / polygon.area < 0.01
    assert all(round(x, 4) == x and round(y, 4) == y for x, y in slim.exterior.coords)
