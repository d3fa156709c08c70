"""School coordinates and locality boundaries.

GIAS gives British National Grid (EPSG:27700) easting/northing; maps need WGS84 lat/lon.
Locality boundaries come from a council GeoJSON with a ``Locality`` property when one is
in the raw folder; otherwise they are derived: Voronoi cells of the schools' points,
merged by each school's current locality and clipped to the schools' convex hull grown by
3 km. Either way they are stored as WGS84 GeoJSON with exterior rings clockwise, the
winding Vega's geoshape (d3-geo) expects for a polygon that is not the whole globe.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

#: How far the derived boundaries reach beyond the outermost schools (metres).
HULL_BUFFER_M = 3000.0
#: Coordinates are rounded to ~10 cm: smaller files, same bytes on every build.
GRID_DEGREES = 1e-6
BOUNDARY_COLUMNS = ["locality", "geometry_geojson", "derived"]


class BoundaryError(ValueError):
    """A boundary file that cannot be used (no Locality property, not GeoJSON)."""


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def bng_to_lat_lon(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised EPSG:27700 -> EPSG:4326; NaN in, NaN out. Returns (lat, lon)."""
    easting = np.asarray(easting, dtype=float)
    northing = np.asarray(northing, dtype=float)
    ok = np.isfinite(easting) & np.isfinite(northing) & (easting > 0) & (northing > 0)
    lat = np.full(easting.shape, np.nan)
    lon = np.full(easting.shape, np.nan)
    if ok.any():
        x, y = _to_wgs84().transform(easting[ok], northing[ok])
        lon[ok], lat[ok] = np.round(x, 6), np.round(y, 6)
    return lat, lon


def _bng_geometry_to_wgs84(geometry: shapely.Geometry) -> shapely.Geometry:
    def project(coords: np.ndarray) -> np.ndarray:
        x, y = _to_wgs84().transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, project)


def _finish(geometry: shapely.Geometry) -> str:
    """Valid, ~10 cm grid, exterior rings clockwise (interiors anticlockwise), as GeoJSON."""
    geometry = shapely.make_valid(shapely.set_precision(geometry, GRID_DEGREES))
    polygons = shapely.get_parts(geometry)
    polygons = polygons[shapely.get_type_id(polygons) == 3]  # drop slivers reduced to lines
    geometry = shapely.multipolygons(polygons) if len(polygons) > 1 else polygons[0]
    return shapely.to_geojson(shapely.orient_polygons(geometry, exterior_cw=True))


def derive_boundaries(points: pd.DataFrame) -> pd.DataFrame:
    """Voronoi cells of school points (``easting``, ``northing``, ``locality``), dissolved
    by locality and clipped to the points' convex hull buffered by 3 km."""
    points = points.dropna(subset=["easting", "northing", "locality"])
    points = points[(points["easting"] > 0) & (points["northing"] > 0)]
    if points.empty:
        return pd.DataFrame(columns=BOUNDARY_COLUMNS)
    # One point per location: an academy and the school it replaced share a site.
    points = points.sort_values(["easting", "northing", "locality"], kind="stable")
    points = points.drop_duplicates(["easting", "northing"], keep="first")
    xy = points[["easting", "northing"]].to_numpy(dtype=float)
    sites = shapely.multipoints(xy)
    clip = shapely.convex_hull(sites).buffer(HULL_BUFFER_M)
    if len(xy) == 1:
        cells = np.array([clip])
    else:
        cells = shapely.get_parts(shapely.voronoi_polygons(sites, extend_to=clip, ordered=True))
    cells = shapely.intersection(cells, clip)
    rows = []
    for locality, positions in points.groupby("locality", sort=True).indices.items():
        merged = shapely.union_all(cells[positions])
        rows.append((locality, _finish(_bng_geometry_to_wgs84(merged)), True))
    return pd.DataFrame(rows, columns=BOUNDARY_COLUMNS)


def _looks_like_bng(geometry: shapely.Geometry) -> bool:
    xmin, ymin, xmax, ymax = shapely.bounds(geometry)
    return max(abs(xmin), abs(xmax)) > 180 or max(abs(ymin), abs(ymax)) > 90


def read_boundaries(path: Path) -> pd.DataFrame:
    """Council boundaries: features with a ``Locality`` property, merged per locality.
    BNG coordinates (some GIS exports keep them) are converted to WGS84. Published ONS
    files with a lookup in config: etl.boundary_files."""
    from contract.settings import Boundaries

    from .boundary_files import read_boundary_file

    frame, result = read_boundary_file(path, path.name, Boundaries())
    if frame is None:
        reason = str(result.issues.frames[0]["reason"].iloc[0])
        raise BoundaryError(reason.split("boundary file rejected: ", 1)[-1].rsplit(" (", 1)[0])
    return frame


def is_boundary_file(path: Path) -> bool:
    return path.suffix.lower() in {".geojson", ".json", ".shp"}
