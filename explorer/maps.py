"""Offline maps: Altair geoshapes with the features passed inline (no tile server needed)."""

from __future__ import annotations

import json
from functools import lru_cache

import altair as alt
import pandas as pd
import shapely
import shapely.geometry

from contract import formats
from explorer.charts import HALO, OKABE_ITO, VegaLiteSpec, title_lines

# Vega draws outside-in rings the wrong way round unless exterior rings are clockwise;
# the ETL stores them clockwise, and _map_geometry keeps them so.

#: Boundaries are simplified to this fraction of the map's extent (under a pixel on a
#: 640-pixel map): invisible, and it keeps the inline GeoJSON small when there are many
#: localities (the server serialises it and the browser parses and projects every point).
SIMPLIFY_FRACTION = 1 / 1000
#: Coordinates are rounded to this grid, in degrees (about 10 m; a pixel is over 50 m on
#: the most zoomed-in map, one locality's partnerships).
COORDINATE_GRID = 0.0001


@lru_cache(maxsize=4096)
def _map_geometry(geometry_geojson: str, tolerance: float) -> str:
    """A boundary slimmed for drawing: simplified to ``tolerance`` degrees, coordinates
    rounded to COORDINATE_GRID (~10 m), exterior rings clockwise. Cached: boundaries are the
    same on every rerun."""
    geometry = shapely.geometry.shape(json.loads(geometry_geojson))
    slim = shapely.orient_polygons(
        shapely.set_precision(
            geometry.simplify(tolerance, preserve_topology=True), COORDINATE_GRID
        ),
        exterior_cw=True,
    )
    return json.dumps(shapely.geometry.mapping(slim))


@lru_cache(maxsize=64)
def _tolerance(geometries: tuple[str, ...]) -> float:
    """SIMPLIFY_FRACTION of the larger side of the boundaries' bounding box, in degrees."""
    shapes = [shapely.geometry.shape(json.loads(g)) for g in geometries]
    west, south, east, north = shapely.total_bounds(shapes)
    return max(east - west, north - south) * SIMPLIFY_FRACTION


@lru_cache(maxsize=8)
def _slim_shapes(
    localities: tuple[str, ...], geometries: tuple[str, ...]
) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    """(slimmed GeoJSON geometry, label point) per locality, parsed once per set of
    boundaries (the same on every rerun). Callers must not modify the dicts."""
    tolerance = _tolerance(geometries)
    slim = tuple(json.loads(_map_geometry(g, tolerance)) for g in geometries)
    labels = tuple(
        {"locality": name, **_centroid(geometry)}
        for name, geometry in zip(localities, slim, strict=True)
    )
    return slim, labels


def _features(boundaries: pd.DataFrame, values: pd.DataFrame | None, unit: str) -> list[dict]:
    by_locality = {}
    if values is not None and not values.empty:
        by_locality = values.set_index("area").to_dict("index")
    names = tuple(boundaries["locality"])
    geometries, _labels = _slim_shapes(names, tuple(boundaries["geometry_geojson"]))
    features = []
    for name, geometry in zip(names, geometries, strict=True):
        info = by_locality.get(name, {})
        value = info.get("value")
        suppressed = bool(info.get("suppressed", False))
        shown = None if suppressed or value is None or pd.isna(value) else float(value)
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "locality": name,
                    "value": shown,
                    "label": formats.SUPPRESSED
                    if suppressed
                    else (formats.NO_DATA if shown is None else f"{shown:,.2f} {unit}"),
                },
            }
        )
    return features


def _records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as JSON-ready dicts (missing values as None)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


#: Named datasets of the choropleth (attached to the finished spec, not passed to Altair).
_SHAPES, _HIGHLIGHT, _LABELS, _SCHOOLS = "locality_shapes", "highlight", "labels", "schools"


@lru_cache(maxsize=256)
def _choropleth_frame(
    measure_label: str,
    unit: str,
    title: str,
    highlight: bool,
    with_points: bool,
    with_labels: bool,
    height: int,
    legend_title: str | None,
) -> str:
    """The choropleth's Vega-Lite spec without its data (JSON), built and validated by
    Altair once per set of titles: the layers read the named datasets the caller attaches."""
    shapes = (
        alt.Chart(alt.Data(name=_SHAPES))
        .mark_geoshape(stroke="white", strokeWidth=1.5)
        .encode(
            color=alt.Color(
                "properties.value:Q",
                title=legend_title or unit,
                scale=alt.Scale(scheme="viridis", reverse=True),
                # above, not beside: on a phone a key beside the map left the map a third
                # of the screen's width (the phase key goes underneath)
                legend=alt.Legend(
                    orient="top", direction="horizontal", gradientLength=220, titleLimit=400
                ),
            ),
            tooltip=[
                alt.Tooltip("properties.locality:N", title="Locality"),
                alt.Tooltip("properties.label:N", title=measure_label),
            ],
        )
    )
    layers: list[alt.Chart] = [shapes]
    if highlight:
        layers.append(
            alt.Chart(alt.Data(name=_HIGHLIGHT)).mark_geoshape(
                fill=None, stroke="#D55E00", strokeWidth=3
            )
        )
    if with_points:
        layers.append(_school_dots(None, colour_by=None, data_name=_SCHOOLS))
    if with_labels:
        text = {"fontSize": 13, "fontWeight": "bold", "dy": -10}
        where = {"longitude": "lon:Q", "latitude": "lat:Q", "text": "locality:N"}
        labels = alt.Chart(alt.Data(name=_LABELS))
        layers.append(labels.mark_text(**text, **HALO).encode(**where))
        layers.append(labels.mark_text(**text, color="#0b0c0c").encode(**where))
    chart = (
        alt.layer(*layers)
        .project(type="mercator")
        .properties(
            title=title_lines(title),
            height=height,
            width="container",
            usermeta={"display_height": height + 150},  # keys above and underneath
        )
        .configure_legend(labelLimit=320, titleLimit=400)
    )
    return json.dumps(chart.to_dict())


def locality_choropleth(
    boundaries: pd.DataFrame,
    values: pd.DataFrame | None,
    points: pd.DataFrame | None,
    measure_label: str,
    unit: str,
    title: str,
    highlight: str | None = None,
    height: int = 480,
    legend_title: str | None = None,
    names: bool = True,
) -> VegaLiteSpec:
    """Localities shaded by a measure (viridis, colour-blind safe), with schools as dots.

    The colour legend is titled with the unit alone (``legend_title`` to override) so it is
    never cut off: the full measure name belongs in ``title``. Locality names are drawn last,
    dark on a white halo, so they read on every fill and above the dots. The projection fits
    the features to the chart; pass ``height`` to the chart call too (Streamlit squeezes it).
    ``names=False`` leaves the names to the tooltips (hundreds of areas, e.g. every LA in
    England, would be written over each other).

    Returns a finished spec (draw it with ``charts.show_chart``): the polygons are attached
    as a named dataset after Altair has built and validated the chart's small structure
    (cached per titles), since Altair copies inline data on every step (seconds nationally).
    """
    features = _features(boundaries, values, unit)
    with_points = points is not None and not points.empty
    with_names = names and bool(features)
    chosen = [f for f in features if highlight and f["properties"]["locality"] == highlight]
    spec = json.loads(
        _choropleth_frame(
            measure_label,
            unit,
            title,
            bool(chosen),
            with_points,
            with_names,
            height,
            legend_title,
        )
    )
    datasets: dict[str, list[dict]] = {_SHAPES: features}
    if chosen:
        datasets[_HIGHLIGHT] = chosen
    if with_points:
        datasets[_SCHOOLS] = _records(_dot_columns(points))
    if with_names:
        localities = tuple(boundaries["locality"])
        datasets[_LABELS] = list(_slim_shapes(localities, tuple(boundaries["geometry_geojson"]))[1])
    spec["datasets"] = datasets
    return VegaLiteSpec(spec)


def partnership_map(
    boundaries: pd.DataFrame,
    points: pd.DataFrame,
    title: str,
    highlight_partnership: str | None = None,
    height: int = 420,
) -> alt.LayerChart:
    """One locality's outline with its schools coloured by partnership."""
    features = [
        {"type": "Feature", "geometry": json.loads(g), "properties": {"locality": loc}}
        for loc, g in zip(boundaries["locality"], boundaries["geometry_geojson"], strict=True)
    ]
    outline = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(fill="#f3f2f1", stroke="#505a5f", strokeWidth=1.5)
        .encode(tooltip=[alt.Tooltip("properties.locality:N", title="Locality")])
    )
    dots = _school_dots(points, colour_by="partnership", highlight=highlight_partnership)
    return (
        alt.layer(outline, dots)
        .project(type="mercator")
        .properties(
            title=title_lines(title),
            height=height,
            width="container",
            # the partnership legend sits above, the phase legend underneath
            usermeta={"display_height": height + 220},
        )
        # Partnership names are long: never cut them off in the legend.
        .configure_legend(labelLimit=400, titleLimit=400)
    )


_DOT_COLUMNS = ["lat", "lon", "school_name", "urn", "phase", "partnership", "locality"]


def _dot_columns(points: pd.DataFrame) -> pd.DataFrame:
    """The columns the school dots read, rows without a location dropped."""
    return points.dropna(subset=["lat", "lon"])[_DOT_COLUMNS]


def _school_dots(
    points: pd.DataFrame | None,
    colour_by: str | None,
    highlight: str | None = None,
    data_name: str | None = None,
) -> alt.Chart:
    """School dots shaped by phase; ``data_name`` reads a named dataset instead of
    ``points`` (uncoloured dots only)."""
    encoding: dict = {
        "longitude": "lon:Q",
        "latitude": "lat:Q",
        "tooltip": [
            alt.Tooltip("school_name:N", title="School"),
            alt.Tooltip("urn:N", title="URN"),
            alt.Tooltip("phase:N", title="Phase"),
            alt.Tooltip("partnership:N", title="Partnership"),
            alt.Tooltip("locality:N", title="Locality"),
        ],
    }
    # the phase key underneath the map, not beside it (beside, it narrowed the map to half
    # a phone's width)
    encoding["shape"] = alt.Shape(
        "phase:N", title="Phase", legend=alt.Legend(orient="bottom", columns=3)
    )
    if colour_by:
        assert points is not None, "coloured dots need their points"
        data = points.dropna(subset=["lat", "lon"]).copy()
        domain = sorted(data[colour_by].dropna().unique().tolist())
        encoding["color"] = alt.Color(
            f"{colour_by}:N",
            title=colour_by.title(),
            scale=alt.Scale(domain=domain, range=OKABE_ITO),
            # above the map, not beside it: beside, it left the map a third of a phone's width
            legend=alt.Legend(orient="top", direction="vertical"),
        )
        if highlight:
            data["opacity"] = (data[colour_by] == highlight).map({True: 1.0, False: 0.35})
            encoding["opacity"] = alt.Opacity("opacity:Q", legend=None, scale=None)
        mark = alt.Chart(data).mark_point(filled=True, size=70, stroke="#0b0c0c", strokeWidth=0.5)
    else:
        source = alt.Data(name=data_name) if data_name else _dot_columns(points)
        mark = alt.Chart(source).mark_point(filled=True, size=22, color="#0b0c0c", opacity=0.6)
    return mark.encode(**encoding)


def _centroid(geometry: dict) -> dict:
    point = shapely.geometry.shape(geometry).representative_point()
    return {"lon": point.x, "lat": point.y}
