"""The real ONS Local Authority Districts (December 2022, UK, ultra-generalised, EPSG:27700)
as a boundary file, with a district -> locality lookup in config.toml."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import shapely
from etl_raw_files import write_minimal_raw
from shapely.geometry import shape

from contract.settings import Boundaries, load_config
from etl.boundary_files import read_boundary_file, read_features
from queries.prepare import build_warehouse

REAL = Path(__file__).resolve().parents[2] / "shared" / "real" / "files"
LAD = REAL / "ons-lad-2022" / "Local_Authority_Districts_December_2022_Boundaries_UK_BUC.geojson"
pytestmark = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"the real published files are not here ({REAL})"
)
#: Oxfordshire's five districts as two localities (Banbury: the north; Oxford the rest).
LOOKUP_TOML = """
[boundaries]
name_property = "LAD22NM"

[boundaries.lookup]
"Cherwell" = "Banbury"
"West Oxfordshire" = "Banbury"
"Oxford" = "Oxford"
"E07000179" = "Oxford"          # South Oxfordshire, by its code
"Vale of White Horse" = "Oxford"
"""
SETTINGS = Boundaries(
    name_property="LAD22NM",
    lookup=(
        ("Cherwell", "Banbury"),
        ("West Oxfordshire", "Banbury"),
        ("Oxford", "Oxford"),
        ("E07000179", "Oxford"),
        ("Vale of White Horse", "Oxford"),
    ),
)


def test_the_ons_file_is_reprojected_from_its_crs_member():
    properties, shapes = read_features(LAD)
    assert len(properties) == len(shapes) == 374
    oxford = shapes[[p["LAD22NM"] for p in properties].index("Oxford")]
    lon, lat = shapely.centroid(oxford).x, shapely.centroid(oxford).y
    assert -1.33 < lon < -1.17 and 51.70 < lat < 51.80  # Oxford, in WGS84 degrees


def test_the_lookup_dissolves_five_districts_into_two_localities():
    frame, result = read_boundary_file(LAD, LAD.name, SETTINGS)
    assert frame is not None and frame["locality"].tolist() == ["Banbury", "Oxford"]
    assert not frame["derived"].any()
    assert (result.rows_read, result.rows_loaded, result.rows_out_of_scope) == (374, 5, 369)
    assert result.reconciles() and result.warnings == 0
    banbury = shape(json.loads(frame["geometry_geojson"].iloc[0]))
    assert banbury.geom_type == "Polygon"  # Cherwell and West Oxfordshire touch: one shape
    assert banbury.contains(shapely.Point(-1.34, 52.06))  # Banbury town


def test_lookup_entries_not_in_the_file_are_a_warning():
    settings = Boundaries("LAD22NM", lookup=(*SETTINGS.lookup, ("Oxfordshire", "Oxford")))
    _frame, result = read_boundary_file(LAD, LAD.name, settings)
    assert result.warnings == 1
    assert "Oxfordshire" in result.issues.frame()["reason"].iloc[0]


def test_without_a_lookup_the_ons_file_is_a_one_line_reject():
    frame, result = read_boundary_file(LAD, LAD.name, Boundaries())
    assert frame is None and result.file_rejected
    reasons = result.issues.frame()["reason"].tolist()
    assert len(reasons) == 1 and "[boundaries]" in reasons[0] and "LAD22NM" in reasons[0]


@pytest.mark.parametrize(
    "text, why",
    [
        ("[1, 2]", "not a GeoJSON FeatureCollection (found a JSON list)"),
        ('{"type": "Feature", "geometry": null}', "(found a GeoJSON Feature)"),
        ('{"name": "x", "rows": []}', "(found a JSON object with keys name, rows)"),
        ('"areas"', "(found a JSON string)"),
        ('{"type": "FeatureCollection", "features": [5]}', "feature 1 is not a GeoJSON Feature"),
        # properties or crs of the wrong JSON type: these crashed the build (AttributeError)
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": "x",'
            ' "geometry": {"type": "Polygon",'
            ' "coordinates": [[[0, 51], [1, 51], [1, 52], [0, 51]]]}}]}',
            "feature 1's properties are not a JSON object (found a JSON string)",
        ),
        (
            '{"type": "FeatureCollection", "crs": "EPSG:27700", "features": [{"type": "Feature",'
            ' "properties": {"LAD22NM": "Cherwell"}, "geometry": {"type": "Polygon",'
            ' "coordinates": [[[0, 51], [1, 51], [1, 52], [0, 51]]]}}]}',
            "its crs member is not a GeoJSON crs object (found a JSON string)",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature",'
            ' "properties": {"Locality": "Oxford"},'
            ' "geometry": {"type": "Point", "coordinates": [1, 51]}}]}',
            "feature 1 (Oxford) is not an area (a Polygon or MultiPolygon; found a Point)",
        ),
        ("{not json", "not valid GeoJSON"),
        ('{"type": "FeatureCollection", "features": [{"geometry": {"type": "Polygon"}}]}', ""),
    ],
)
def test_json_that_is_not_a_feature_collection_is_a_one_line_reject(tmp_path, text, why):
    path = tmp_path / "areas.json"
    path.write_text(text, encoding="utf-8")
    for settings in (SETTINGS, Boundaries()):  # with a lookup in config, and without
        frame, result = read_boundary_file(path, path.name, settings)
        assert frame is None and result.file_rejected
        reasons = result.issues.frame()["reason"].tolist()
        assert len(reasons) == 1 and "\n" not in reasons[0] and why in reasons[0], reasons


def test_config_reads_the_boundaries_table(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[council]\nname = "X"\nold_la_code = 931\nnew_la_code = "E1"\n' + LOOKUP_TOML)
    settings = load_config(path).boundaries
    assert settings == SETTINGS and settings.codes == "LAD22CD"


def _oxon_build(etl_data_dir: Path, *boundary: Path) -> dict:
    raw = write_minimal_raw(etl_data_dir / "raw")
    for path in boundary:
        shutil.copy(path, raw / path.name)
    config = etl_data_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + LOOKUP_TOML, encoding="utf-8")
    build_warehouse(data_dir=etl_data_dir)
    return json.loads((etl_data_dir / "warehouse" / "build_report.json").read_text())


def test_a_build_uses_the_ons_districts_instead_of_deriving(etl_data_dir):
    report = _oxon_build(etl_data_dir, LAD)
    entry = next(f for f in report["files"] if f["file"] == LAD.name)
    assert entry["source"] == "locality_boundaries"
    assert (entry["rows_read"], entry["rows_loaded"], entry["rows_out_of_scope"]) == (374, 5, 369)
    boundaries = pd.read_parquet(etl_data_dir / "warehouse" / "locality_boundaries.parquet")
    assert boundaries["locality"].tolist() == ["Banbury", "Oxford"]
    assert not boundaries["derived"].any()


def test_a_zipped_shapefile_as_the_portal_gives_it(tmp_path, etl_data_dir):
    """The Open Geography Portal's "Shapefile" download: a zip of .shp, .shx, .dbf, .prj
    (written here from the real GeoJSON, in its own EPSG:27700)."""
    import geopandas

    folder = tmp_path / "shp"
    folder.mkdir()
    geopandas.read_file(LAD).to_file(folder / "LAD_DEC_2022_UK_BUC.shp")
    assert (folder / "LAD_DEC_2022_UK_BUC.prj").exists()
    archive = tmp_path / "zipped" / "Local_Authority_Districts_December_2022.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as out:
        for part in sorted(folder.iterdir()):
            out.write(part, part.name)
    report = _oxon_build(etl_data_dir, archive)
    names = {f["file"]: f for f in report["files"]}
    entry = names[f"{archive.name}/LAD_DEC_2022_UK_BUC.shp"]
    assert (entry["rows_read"], entry["rows_loaded"], entry["format"]) == (374, 5, "shapefile")
    assert not any(name.endswith((".dbf", ".shx", ".prj")) for name in names)
    boundaries = pd.read_parquet(etl_data_dir / "warehouse" / "locality_boundaries.parquet")
    assert boundaries["locality"].tolist() == ["Banbury", "Oxford"]
    oxford = shape(json.loads(boundaries["geometry_geojson"].iloc[1]))
    assert oxford.contains(shapely.Point(-1.2577, 51.752))  # Carfax, Oxford
