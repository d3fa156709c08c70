"""Lineage, partnership on census day, coordinates and locality boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from etl.geo import BoundaryError, bng_to_lat_lon, derive_boundaries, read_boundaries
from etl.schools import (
    build_school_year,
    census_date,
    distinct_partnerships,
    lineage,
    partnership_on_census_day,
    school_phase,
    successor_map,
)


def links(*rows: tuple[int, int, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "urn": pd.array([r[0] for r in rows], dtype="Int64"),
            "link_urn": pd.array([r[1] for r in rows], dtype="Int64"),
            "link_type": pd.Series([r[2] for r in rows], dtype="str"),
            "link_date": pd.to_datetime(pd.Series([r[3] for r in rows])),
        }
    )


def test_lineage_follows_successor_chains_and_predecessor_links() -> None:
    successors = successor_map(
        links(
            (1, 2, "Successor", "2018-09-01"),
            (2, 1, "Predecessor", "2018-09-01"),
            (2, 3, "Successor - amalgamated", "2021-09-01"),
            (5, 4, "Predecessor", "2020-01-01"),  # only the new school's record says so
            (7, 8, "Successor - Split School", "2019-09-01"),
            (7, 9, "Successor - Split School", "2020-09-01"),  # latest link wins
            (10, 11, "Other", "2020-01-01"),  # not a lineage link
        )
    )
    result = lineage(pd.Series([1, 2, 3, 4, 6, 7, 10], dtype="Int64"), successors)
    assert result.tolist() == [3, 3, 3, 5, 6, 9, 10]


def test_lineage_survives_a_loop() -> None:
    successors = successor_map(links((1, 2, "Successor", None), (2, 1, "Successor", None)))
    assert lineage(pd.Series([1], dtype="Int64"), successors).iloc[0] in (1, 2)


def test_census_date_is_15_january_of_the_spring_year() -> None:
    assert census_date(pd.Series([202324, 201718])).dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-15",
        "2018-01-15",
    ]


def membership(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["urn", "partnership", "locality", "start_date", "end_date"])
    frame["urn"] = frame["urn"].astype("Int64")
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    return frame


def test_partnership_as_at_census_day_including_a_change_and_lineage() -> None:
    spells = membership(
        (100003, "Oxford North", "Oxford", "2013-09-01", "2023-01-14"),
        (100003, "Oxford South", "Oxford", "2023-01-15", None),  # moves on census day itself
        (100005, "Oxford North", "Oxford", "2013-09-01", None),  # academy URN only
        (100006, "Thame", "Thame", "2022-09-01", "2022-12-31"),  # left before census day
    )
    successors = successor_map(links((100002, 100005, "Successor", "2022-09-01")))
    years = pd.DataFrame({
        "time_period": [202122, 202223, 202122, 202223],
        "urn": pd.array([100003, 100003, 100002, 100006], dtype="Int64"),
    })  # fmt: skip
    years["lineage_urn"] = lineage(years["urn"], successors)
    found = partnership_on_census_day(years, spells, successors).set_index(["time_period", "urn"])
    assert found.loc[(202122, 100003), "partnership"] == "Oxford North"
    assert found.loc[(202223, 100003), "partnership"] == "Oxford South"
    assert found.loc[(202122, 100002), "partnership"] == "Oxford North"  # via lineage 100005
    assert (202223, 100006) not in found.index


def test_school_year_names_phase_and_orphans() -> None:
    schools = pd.DataFrame({
        "urn": pd.array([1, 2], dtype="Int64"),
        "school_name": ["One School", "Two School"],
        "phase": ["Primary", "Secondary"],
        "lineage_urn": pd.array([1, 2], dtype="Int64"),
    })  # fmt: skip
    facts = {
        "pupils": pd.DataFrame({
            "time_period": [202223, 202223, 202223],
            "urn": pd.array([1, 2, 3], dtype="Int64"),
            "source_file": "census.csv",
            "source_row": [2, 3, 4],
            "school_name": ["One (census name)", "Two", "Three Free School"],
            "phase_type_grouping": ["State-funded primary", "x", "State-funded special school"],
        }),
        "exclusions": pd.DataFrame({
            "time_period": [202324], "urn": pd.array([1], dtype="Int64"),
            "source_file": "exc.csv", "source_row": [9],
        }),
    }  # fmt: skip
    spells = membership((1, "P1", "L1", "2013-09-01", None))
    years, orphans = build_school_year(facts, schools, spells, successor_map(links()))
    years = years.set_index(["time_period", "urn"])
    assert years.loc[(202223, 1), "school_name"] == "One School"  # GIAS name wins
    assert years.loc[(202223, 3), ["school_name", "phase"]].tolist() == [
        "Three Free School",
        "Special",
    ]
    assert years.loc[(202324, 1), "partnership"] == "P1"
    assert orphans[["source_file", "source_row"]].values.tolist() == [
        ["census.csv", 3],
        ["census.csv", 4],
    ]


def test_school_phase() -> None:
    phase = school_phase(
        pd.Series(["Primary", "Not applicable", "Middle deemed secondary", "Secondary", "16 plus"]),
        pd.Series(["Community school", "Foundation special school", "Academy converter",
                   "Pupil referral unit", "Free schools 16 to 19"]),
    )  # fmt: skip
    assert phase.tolist() == ["Primary", "Special", "Secondary", "Alternative provision", "16 plus"]


def test_lat_lon_of_a_known_point() -> None:
    lat, lon = bng_to_lat_lon(np.array([451500.0, np.nan]), np.array([206000.0, 1.0]))
    assert lat[0] == pytest.approx(51.75, abs=0.01)
    assert lon[0] == pytest.approx(-1.26, abs=0.01)
    assert np.isnan(lat[1]) and np.isnan(lon[1])


def is_clockwise(ring: list[list[float]]) -> bool:
    return not shapely.LinearRing(ring).is_ccw


def exterior_rings(geometry: dict) -> list[list[list[float]]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [polygon[0] for polygon in polygons]


def test_derived_boundaries_valid_clockwise_one_per_locality() -> None:
    points = pd.DataFrame({
        "easting": [451500, 452500, 450500, 445500, 446500, 445000, 451500, np.nan],
        "northing": [206000, 205000, 207000, 240500, 241000, 239500, 206000, 210000],
        "locality": ["Oxford", "Oxford", "Oxford", "Banbury", "Banbury", "Banbury", "Oxford", "Oxford"],
    })  # fmt: skip
    boundaries = derive_boundaries(points)
    assert boundaries["locality"].tolist() == ["Banbury", "Oxford"]
    assert boundaries["derived"].all()
    geometries = {}
    for row in boundaries.itertuples():
        geometry = json.loads(row.geometry_geojson)
        shaped = shape(geometry)
        assert shaped.is_valid and not shaped.is_empty
        assert all(is_clockwise(ring) for ring in exterior_rings(geometry))
        geometries[row.locality] = shaped
    assert -2 < geometries["Oxford"].centroid.x < -1 and 51 < geometries["Oxford"].centroid.y < 53
    assert geometries["Oxford"].contains(shapely.Point(-1.26, 51.75))
    assert not geometries["Oxford"].overlaps(geometries["Banbury"])


def test_boundary_file_is_used_and_reoriented(tmp_path: Path) -> None:
    anticlockwise = [[-1.4, 52.0], [-1.3, 52.0], [-1.3, 52.1], [-1.4, 52.1], [-1.4, 52.0]]
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"Locality": "Banbury"},
         "geometry": {"type": "Polygon", "coordinates": [anticlockwise]}},
        {"type": "Feature", "properties": {"locality": "Banbury"},
         "geometry": {"type": "Polygon", "coordinates": [[[-1.3, 52.0], [-1.2, 52.0], [-1.2, 52.1], [-1.3, 52.1], [-1.3, 52.0]]]}},
    ]}  # fmt: skip
    path = tmp_path / "localities.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    boundaries = read_boundaries(path)
    assert boundaries["locality"].tolist() == ["Banbury"] and not boundaries["derived"].any()
    geometry = json.loads(boundaries["geometry_geojson"].iloc[0])
    assert shape(geometry).area == pytest.approx(0.02, rel=1e-3)  # the two halves merged
    assert all(is_clockwise(ring) for ring in exterior_rings(geometry))


def test_boundary_file_without_locality_property_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "X"},
         "geometry": {"type": "Point", "coordinates": [0, 0]}}]}), encoding="utf-8")  # fmt: skip
    with pytest.raises(BoundaryError, match="Locality"):
        read_boundaries(path)


def spells(*rows: tuple[int, str, str, str | None, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "urn": pd.array([r[0] for r in rows], dtype="Int64"),
            "partnership": [r[1] for r in rows],
            "locality": [r[2] for r in rows],
            "start_date": pd.to_datetime(pd.Series([r[3] for r in rows])),
            "end_date": pd.to_datetime(pd.Series([r[4] for r in rows])),
            "source_file": "membership.xlsx",
            "source_row": range(2, 2 + len(rows)),
        }
    )


def test_one_name_in_two_localities_at_once_is_two_partnerships() -> None:
    membership = spells(
        (1, "Central", "Oxford", "2013-09-01", None),
        (2, "Central", "Oxford", None, None),
        (3, "Central", "Banbury", "2015-09-01", None),
        (4, "North", "Banbury", "2013-09-01", None),
    )
    renamed, split = distinct_partnerships(membership)
    assert renamed["partnership"].tolist() == [
        "Central (Oxford)", "Central (Oxford)", "Central (Banbury)", "North",
    ]  # fmt: skip
    assert split[["partnership", "localities", "renamed", "source_row"]].values.tolist() == [
        ["Central", ["Banbury", "Oxford"], ["Central (Banbury)", "Central (Oxford)"], 2]
    ]
    assert membership["partnership"].iloc[0] == "Central"  # the input is not changed


def test_a_partnership_that_moved_locality_stays_one() -> None:
    """Spells in two localities that never overlap: the locality was renamed or the
    partnership moved; it is still one partnership."""
    membership = spells(
        (1, "Central", "Oxford City", "2013-09-01", "2019-08-31"),
        (1, "Central", "Oxford", "2019-09-01", None),
    )
    renamed, split = distinct_partnerships(membership)
    assert renamed["partnership"].tolist() == ["Central", "Central"] and split.empty
