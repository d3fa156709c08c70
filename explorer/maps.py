"""Offline maps: Altair geoshapes with the features passed inline (no tile server needed)."""

from __future__ import annotations

import json
from functools import lru_cache

import altair as alt
import pandas as pd
import shapely
import shapely.geometry

from explorer.charts import HALO, OKABE_ITO

# Vega draws outside-in rings the wrong way round unless exterior rings are clockwise;
# the ETL stores them clockwise, and _map_geometry keeps them so.

#: Boundaries are simplified to this fraction of the map's extent (about a pixel on a
#: 640-pixel map): invisible, and it keeps the inline GeoJSON small when there are many
#: localities (Altair copies the features while building the chart).
SIMPLIFY_FRACTION = 1 / 1500


@lru_cache(maxsize=4096)
def _map_geometry(geometry_geojson: str, tolerance: float) -> str:
    """A boundary slimmed for drawing: simplified to ``tolerance`` degrees, coordinates
    rounded to 5 decimals (~1 m), exterior rings clockwise. Cached: boundaries are the
    same on every rerun."""
    geometry = shapely.geometry.shape(json.loads(geometry_geojson))
    slim = shapely.orient_polygons(
        shapely.set_precision(geometry.simplify(tolerance, preserve_topology=True), 0.00001),
        exterior_cw=True,
    )
    return json.dumps(shapely.geometry.mapping(slim))


@lru_cache(maxsize=64)
def _tolerance(geometries: tuple[str, ...]) -> float:
    """SIMPLIFY_FRACTION of the larger side of the boundaries' bounding box, in degrees."""
    shapes = [shapely.geometry.shape(json.loads(g)) for g in geometries]
    west, south, east, north = shapely.total_bounds(shapes)
    return max(east - west, north - south) * SIMPLIFY_FRACTION


def _features(boundaries: pd.DataFrame, values: pd.DataFrame | None, unit: str) -> list[dict]:
    by_locality = {}
    if values is not None and not values.empty:
        by_locality = values.set_index("area").to_dict("index")
    tolerance = _tolerance(tuple(boundaries["geometry_geojson"]))
    features = []
    for row in boundaries.itertuples(index=False):
        info = by_locality.get(row.locality, {})
        value = info.get("value")
        suppressed = bool(info.get("suppressed", False))
        shown = None if suppressed or value is None or pd.isna(value) else float(value)
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(_map_geometry(row.geometry_geojson, tolerance)),
                "properties": {
                    "locality": row.locality,
                    "value": shown,
                    "label": "Suppressed"
                    if suppressed
                    else ("No data" if shown is None else f"{shown:,.2f} {unit}"),
                },
            }
        )
    return features


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
) -> alt.LayerChart:
    """Localities shaded by a measure (viridis, colour-blind safe), with schools as dots.

    The colour legend is titled with the unit alone (``legend_title`` to override) so it is
    never cut off: the full measure name belongs in ``title``. Locality names are drawn last,
    dark on a white halo, so they read on every fill and above the dots. The projection fits
    the features to the chart; pass ``height`` to st.altair_chart too (Streamlit squeezes it).
    """
    features = _features(boundaries, values, unit)
    shapes = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(stroke="white", strokeWidth=1.5)
        .encode(
            color=alt.Color(
                "properties.value:Q",
                title=legend_title or unit,
                scale=alt.Scale(scheme="viridis", reverse=True),
                legend=alt.Legend(
                    orient="right", direction="vertical", gradientLength=220, titleLimit=400
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
            alt.Chart(
                alt.Data(values=[f for f in features if f["properties"]["locality"] == highlight])
            ).mark_geoshape(fill=None, stroke="#D55E00", strokeWidth=3)
        )
    labels = pd.DataFrame(
        [{"locality": f["properties"]["locality"], **_centroid(f["geometry"])} for f in features]
    )
    if points is not None and not points.empty:
        layers.append(_school_dots(points, colour_by=None))
    if not labels.empty:
        text = {"fontSize": 13, "fontWeight": "bold", "dy": -10}
        where = {"longitude": "lon:Q", "latitude": "lat:Q", "text": "locality:N"}
        layers.append(alt.Chart(labels).mark_text(**text, **HALO).encode(**where))
        layers.append(alt.Chart(labels).mark_text(**text, color="#0b0c0c").encode(**where))
    return (
        alt.layer(*layers)
        .project(type="mercator")
        .properties(
            title=title,
            height=height,
            width="container",
            usermeta={"display_height": height + 60},
        )
        .configure_legend(labelLimit=320, titleLimit=400)
    )


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
            title=title,
            height=height,
            width="container",
            usermeta={"display_height": height + 120},  # the phase legend sits underneath
        )
        # Partnership names are long: never cut them off in the legend.
        .configure_legend(labelLimit=400, titleLimit=400)
    )


def _school_dots(
    points: pd.DataFrame, colour_by: str | None, highlight: str | None = None
) -> alt.Chart:
    data = points.dropna(subset=["lat", "lon"]).copy()
    encoding: dict = {
        "longitude": "lon:Q",
        "latitude": "lat:Q",
        "shape": alt.Shape("phase:N", title="Phase"),
        "tooltip": [
            alt.Tooltip("school_name:N", title="School"),
            alt.Tooltip("urn:N", title="URN"),
            alt.Tooltip("phase:N", title="Phase"),
            alt.Tooltip("partnership:N", title="Partnership"),
            alt.Tooltip("locality:N", title="Locality"),
        ],
    }
    if colour_by:
        # Two long legends stacked on the right overflow the chart: phases go underneath.
        encoding["shape"] = alt.Shape(
            "phase:N", title="Phase", legend=alt.Legend(orient="bottom", columns=4)
        )
        domain = sorted(data[colour_by].dropna().unique().tolist())
        encoding["color"] = alt.Color(
            f"{colour_by}:N",
            title=colour_by.title(),
            scale=alt.Scale(domain=domain, range=OKABE_ITO),
        )
        if highlight:
            data["opacity"] = (data[colour_by] == highlight).map({True: 1.0, False: 0.35})
            encoding["opacity"] = alt.Opacity("opacity:Q", legend=None, scale=None)
        mark = alt.Chart(data).mark_point(filled=True, size=70, stroke="#0b0c0c", strokeWidth=0.5)
    else:
        mark = alt.Chart(data).mark_point(filled=True, size=22, color="#0b0c0c", opacity=0.6)
    return mark.encode(**encoding)


def _centroid(geometry: dict) -> dict:
    from shapely.geometry import shape

    point = shape(geometry).representative_point()
    return {"lon": point.x, "lat": point.y}
