"""The real GIAS downloads (shared/real/files): the state-funded extract, two copies of links.

The state-funded extract's first 10 rows are Camden (LA 202) schools but one (City of
London, 201), so these builds are for Camden. The links files are all England.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from etl_raw_files import MEMBERSHIP_HEADER, write_csv

from etl.readers import read_raw
from etl.sources import detect_source
from queries.prepare import build_warehouse

REAL = Path(__file__).resolve().parents[2] / "shared" / "real" / "files"
STATEFUNDED = REAL / "gias-statefunded-head" / "edubaseallstatefunded_HEAD10.csv"
LINKS_APRIL = REAL / "gias-links" / "links_edubasealldata20250422.csv"
LINKS_JULY = REAL / "gias-links" / "links_edubasealldata_20250727.csv"
pytestmark = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"the real published files are not here ({REAL})"
)

CAMDEN_TOML = """\
[council]
name = "Camden"
old_la_code = 202
new_la_code = "E09000007"
"""
LACKS = [
    "EstablishmentTypeGroup (name)",
    "CloseDate",
    "Easting",
    "Northing",
    "DistrictAdministrative (name)",
    "AdministrativeWard (name)",
]


def _camden_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *files: Path) -> Path:
    """A data folder for Camden: the real files given plus a membership file of its schools."""
    data = tmp_path / "data"
    raw = data / "raw"
    raw.mkdir(parents=True)
    (data / "config.toml").write_text(CAMDEN_TOML, encoding="utf-8")
    monkeypatch.setenv("LOCALITY_EXPLORER_DATA_DIR", str(data))
    monkeypatch.delenv("LOCALITY_EXPLORER_CONFIG", raising=False)
    for path in files:
        shutil.copy(path, raw / path.name)
    gias = pd.read_csv(STATEFUNDED, dtype=str)
    camden = gias[gias["LA (code)"] == "202"]
    rows = [
        [urn, name, "Camden Partnership", "Camden", "2010-09-01", ""]
        for urn, name in zip(camden["URN"], camden["EstablishmentName"], strict=True)
    ]
    write_csv(raw / "membership.csv", MEMBERSHIP_HEADER, rows)
    return data


def _report(data: Path) -> dict:
    return json.loads((data / "warehouse" / "build_report.json").read_text(encoding="utf-8"))


def _file(report: dict, name: str) -> dict:
    return next(f for f in report["files"] if f["file"] == name)


def test_statefunded_header_lacks_exactly_the_six_columns_and_is_recognised_as_gias():
    columns = list(pd.read_csv(STATEFUNDED, nrows=0).columns)
    assert len(columns) == 33
    assert not set(LACKS) & set(columns)
    detection = detect_source(columns)
    assert detection.source is not None and detection.source.name == "gias"


def test_statefunded_extract_loads_with_blank_columns_and_one_warning(tmp_path, monkeypatch):
    data = _camden_data(tmp_path, monkeypatch, STATEFUNDED)
    build_warehouse(data_dir=data)
    report = _report(data)
    gias = _file(report, STATEFUNDED.name)
    assert gias["source"] == "gias"
    assert (gias["rows_read"], gias["rows_loaded"], gias["rows_out_of_scope"]) == (10, 9, 1)
    assert gias["rows_rejected"] == 0 and gias["warnings"] == 1
    rejects = pd.read_parquet(data / "warehouse" / "rejects.parquet")
    warning = rejects[rejects["rule"] == "narrow_extract"]
    assert len(warning) == 1
    reason = warning["reason"].iloc[0]
    assert all(column in reason for column in LACKS)
    assert "no map positions" in reason and "edubasealldataYYYYMMDD.csv" in reason
    schools = pd.read_parquet(data / "warehouse" / "schools.parquet")
    assert len(schools) == 9
    assert schools["easting"].isna().all() and schools["close_date"].isna().all()
    assert schools["ward"].isna().all() and schools["lat"].isna().all()
    assert set(schools["school_name"]) >= {"Heath School", "Argyle Primary School"}


def test_both_real_links_files_read_whole():
    """Every row, the last one too: neither file ends with a newline, so `wc -l` (and the
    README's 33,800 / 34,043) counts one row fewer than there are."""
    april = read_raw(LINKS_APRIL)
    july = read_raw(LINKS_JULY)
    assert april.encoding == "cp1252" and july.encoding == "utf-8"
    assert (april.rows_read, july.rows_read) == (33_801, 34_044)
    assert april.detection.source.name == july.detection.source.name == "gias_links"
    assert not april.bad_rows and not july.bad_rows


def test_the_newer_links_download_wins_and_the_older_is_reported(tmp_path, monkeypatch):
    data = _camden_data(tmp_path, monkeypatch, STATEFUNDED, LINKS_APRIL, LINKS_JULY)
    build_warehouse(data_dir=data)
    report = _report(data)
    july = _file(report, LINKS_JULY.name)
    april = _file(report, LINKS_APRIL.name)
    for entry in (april, july):
        parts = (
            entry["rows_loaded"]
            + entry["rows_benchmark"]
            + entry["rows_out_of_scope"]
            + entry["rows_rejected"]
        )
        assert entry["rows_read"] == parts
    assert july["rows_read"] == 34_044 and april["rows_read"] == 33_801
    # The older (first by name) is not loaded: every row out of scope, one warning.
    assert april["rows_loaded"] == 0 and april["rows_out_of_scope"] == 33_801
    assert april["warnings"] == 1
    # Only links touching Camden's nine schools are kept from the newer one.
    links = pd.read_parquet(data / "warehouse" / "school_links.parquet")
    schools = set(pd.read_parquet(data / "warehouse" / "schools.parquet")["urn"])
    assert july["rows_loaded"] == len(links) > 0
    assert (links["urn"].isin(schools) | links["link_urn"].isin(schools)).all()
    rejects = pd.read_parquet(data / "warehouse" / "rejects.parquet")
    superseded = rejects[rejects["rule"] == "superseded_download"]
    assert list(superseded["source_file"]) == [LINKS_APRIL.name]
    assert "27-07-2025" in superseded["reason"].iloc[0]
    assert "22-04-2025" in superseded["reason"].iloc[0]


def test_without_dates_in_the_names_the_latest_date_inside_wins(tmp_path, monkeypatch):
    """Renamed copies: the July file's latest LinkEstablishedDate is later."""
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    shutil.copy(LINKS_APRIL, renamed / "links_b.csv")  # last by name: would win by name
    shutil.copy(LINKS_JULY, renamed / "links_a.csv")
    data = _camden_data(
        tmp_path, monkeypatch, STATEFUNDED, renamed / "links_a.csv", renamed / "links_b.csv"
    )
    build_warehouse(data_dir=data)
    report = _report(data)
    assert _file(report, "links_b.csv")["rows_loaded"] == 0
    assert _file(report, "links_b.csv")["rows_out_of_scope"] == 33_801
    assert _file(report, "links_a.csv")["rows_loaded"] > 0
