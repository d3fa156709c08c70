"""Boundary files as published: a council GeoJSON with a ``Locality`` property, or ONS
districts/wards (Open Geography Portal GeoJSON or shapefile) with a lookup in config.

* GeoJSON must be a FeatureCollection; its ``crs`` member (e.g. ``EPSG:27700``, as the
  ONS "BUC/BGC" downloads carry) is honoured, and without one coordinates beyond
  longitude/latitude range are taken as British National Grid.
* A shapefile (``.shp`` with its ``.dbf``, ``.prj`` beside it, loose or in a zip) is read
  with geopandas in the CRS its ``.prj`` names.
* ``[boundaries] name_property`` (e.g. ``LAD22NM``) with ``[boundaries.lookup]`` (area
  name or code -> locality): features in the lookup are dissolved into their localities,
  the rest are out of scope (counted). Without them every feature needs ``Locality``.

Any problem with a file is one ``BoundaryError`` line (the file is rejected, never a
traceback). Each file reports features read / used / out of scope.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import shape

from contract.settings import Boundaries

from .geo import BOUNDARY_COLUMNS, BoundaryError, _finish, _looks_like_bng
from .validate import FileResult, Issues, rejected_file

_EPSG = re.compile(r"EPSG:*(\d+)", re.I)


def _project(geometries: np.ndarray, crs: CRS) -> np.ndarray:
    if crs.equals(CRS.from_epsg(4326)):
        return geometries
    transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometries, move)


def _geojson_crs(data: dict) -> CRS | None:
    crs = data.get("crs") or {}
    properties = crs.get("properties") if isinstance(crs, dict) else None
    if not isinstance(crs, dict) or not isinstance(properties, dict | None):
        raise BoundaryError(f"its crs member is not a GeoJSON crs object (found {_json_kind(crs)})")
    name = (properties or {}).get("name")
    if not name:
        return None
    if "crs84" in str(name).lower():
        return CRS.from_epsg(4326)
    match = _EPSG.search(str(name))
    if match is None:
        raise BoundaryError(f"its crs '{name}' is not an EPSG code")
    return CRS.from_epsg(int(match.group(1)))


def _read_geojson(path: Path) -> tuple[list[dict], np.ndarray]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BoundaryError(f"not valid GeoJSON ({error})") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundaryError(f"not a GeoJSON FeatureCollection (found {_json_kind(data)})")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError("no GeoJSON features")
    properties, geometries = [], []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise BoundaryError(
                f"feature {number} is not a GeoJSON Feature (found {_json_kind(feature)})"
            )
        geometry = feature.get("geometry")
        if not geometry:
            raise BoundaryError(f"feature {number} has no geometry")
        given = feature.get("properties")
        if not isinstance(given, dict | None):
            raise BoundaryError(
                f"feature {number}'s properties are not a JSON object (found {_json_kind(given)})"
            )
        properties.append(given or {})
        geometries.append(shape(geometry))
    shapes = shapely.make_valid(np.array(geometries))
    crs = _geojson_crs(data)
    if crs is None and _looks_like_bng(shapely.union_all(shapely.envelope(shapes))):
        crs = CRS.from_epsg(27700)
    return properties, _project(shapes, crs) if crs is not None else shapes


def _json_kind(value: object) -> str:
    """What a JSON value is, for a reject line: 'a JSON list', 'a GeoJSON Feature', 'a JSON
    object with keys name, rows'."""
    if isinstance(value, dict):
        kind = value.get("type")
        if isinstance(kind, str) and kind in _GEOJSON_TYPES:
            return f"a GeoJSON {kind}"
        keys = ", ".join(str(key)[:40] for key in list(value)[:6])
        more = ", ..." if len(value) > 6 else ""
        return f"a JSON object with keys {keys}{more}" if keys else "an empty JSON object"
    names = {list: "a JSON list", str: "a JSON string", bool: "JSON true/false"}
    names |= {int: "a JSON number", float: "a JSON number", type(None): "JSON null"}
    return names.get(type(value), "JSON")


_GEOJSON_TYPES = {
    "Feature", "FeatureCollection", "Point", "MultiPoint", "LineString", "MultiLineString",
    "Polygon", "MultiPolygon", "GeometryCollection",
}  # fmt: skip


def _read_shapefile(path: Path) -> tuple[list[dict], np.ndarray]:
    import geopandas  # only shapefiles need it

    frame = geopandas.read_file(path)
    if frame.empty:
        raise BoundaryError("no features in the shapefile")
    if frame.crs is None:
        raise BoundaryError("the shapefile has no .prj beside it, so its CRS is unknown")
    frame = frame.to_crs(4326)
    shapes = shapely.make_valid(np.asarray(frame.geometry.values, dtype=object))
    properties = frame.drop(columns=frame.geometry.name).to_dict("records")
    return properties, shapes


def read_features(path: Path) -> tuple[list[dict], np.ndarray]:
    """(properties, WGS84 geometries) of a boundary file; BoundaryError when unusable."""
    try:
        if path.suffix.lower() == ".shp":
            return _read_shapefile(path)
        return _read_geojson(path)
    except BoundaryError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure rejects this file only
        raise BoundaryError(f"cannot read it ({type(error).__name__}: {error})") from None


def _key(value: object) -> str:
    return " ".join(str(value).split()).casefold()


def localities_of(properties: list[dict], settings: Boundaries) -> tuple[list[str | None], str]:
    """Each feature's locality (None: out of scope) and how it was found."""
    name = settings.name_property
    if name and any(name in p for p in properties):
        if not settings.lookup:
            raise BoundaryError(
                f"[boundaries] name_property = '{name}' needs a [boundaries.lookup] "
                "(area name or code = locality) in data/config.toml"
            )
        lookup = {_key(area): locality for area, locality in settings.lookup}
        code = settings.codes
        found = []
        for feature in properties:
            keys = [feature.get(name), feature.get(code) if code else None]
            match = next(
                (lookup[_key(k)] for k in keys if k is not None and _key(k) in lookup), None
            )
            found.append(match)
        return found, f"'{name}' through [boundaries.lookup]"
    lowered = [{str(k).strip().lower(): v for k, v in p.items()} for p in properties]
    if all(p.get("locality") not in (None, "") for p in lowered):
        return [str(p["locality"]).strip() for p in lowered], "'Locality' property"
    names = ", ".join(list(properties[0])[:8]) if properties else "none"
    raise BoundaryError(
        "every feature needs a 'Locality' property and a geometry, or set [boundaries] "
        f"name_property and [boundaries.lookup] in data/config.toml (its properties: {names})"
    )


def read_boundary_file(
    path: Path, name: str, settings: Boundaries
) -> tuple[pd.DataFrame | None, FileResult]:
    """Localities of one boundary file (None when rejected) and its report entry."""
    fmt = "shapefile" if path.suffix.lower() == ".shp" else "geojson"
    try:
        properties, shapes = read_features(path)
        localities, how = localities_of(properties, settings)
        used = [i for i, locality in enumerate(localities) if locality is not None]
        if not used:
            raise BoundaryError(
                f"none of its {len(localities)} features is in [boundaries.lookup] "
                f"(matched by {how})"
            )
        for i in used:  # a point or a line has no inside to draw or to fill
            if not shapely.area(shapes[i]) > 0:
                raise BoundaryError(
                    f"feature {i + 1} ({str(localities[i])[:60]}) is not an area (a Polygon or "
                    f"MultiPolygon; found a {shapes[i].geom_type})"
                )
        rows = []
        for locality in sorted({localities[i] for i in used}):
            parts = [shapes[i] for i in used if localities[i] == locality]
            rows.append((locality, _finish(shapely.union_all(np.array(parts))), False))
    except Exception as error:  # noqa: BLE001 - any problem rejects this file only
        why = str(error)
        if not isinstance(error, BoundaryError):  # a file unlike any the readers expect
            why = f"cannot use it ({type(error).__name__}: {error})"
        result = rejected_file(
            name, -1, fmt, None, 0, "file_signature", f"boundary file rejected: {why}"
        )
        result.label = "locality_boundaries"
        return None, result
    frame = pd.DataFrame(rows, columns=BOUNDARY_COLUMNS)
    issues = Issues(name)
    seen = {_key(p.get(settings.name_property)) for p in properties} if settings.lookup else set()
    seen |= {_key(p.get(settings.codes)) for p in properties if settings.codes}
    unmatched = [area for area, _ in settings.lookup if _key(area) not in seen]
    if unmatched and how.endswith("[boundaries.lookup]"):
        issues.add(
            [None],
            settings.name_property,
            None,
            "lookup_unmatched",
            f"{name}: [boundaries.lookup] names areas not in the file: {', '.join(unmatched)}",
            "warning",
        )
    result = FileResult(
        name, -1, None, None if fmt == "shapefile" else "utf-8", fmt, len(localities),
        pd.DataFrame(index=range(len(used))),
        pd.DataFrame(), issues, rows_out_of_scope=len(localities) - len(used),
        label="locality_boundaries",
    )  # fmt: skip
    return frame, result
