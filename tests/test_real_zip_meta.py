"""EES downloads as they come: the real zip read in place, meta.csv and data-guidance.txt
listed as metadata (never rejected data rows)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from test_real_gias_inputs import STATEFUNDED, _camden_data

from etl.archives import metadata_kind, open_inputs
from queries.prepare import build_warehouse

REAL = Path(__file__).resolve().parents[2] / "shared" / "real" / "files"
ZIP = REAL / "ees-zip" / "exclusions_by_reason.zip"
META = REAL / "ees-exclusions-2006-2017" / "exclusions_by_reason.meta.csv"
GUIDANCE = REAL / "ees-data-guidance" / "data-guidance.txt"
pytestmark = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"the real published files are not here ({REAL})"
)


def _report(data: Path) -> dict:
    return json.loads((data / "warehouse" / "build_report.json").read_text(encoding="utf-8"))


def test_meta_and_guidance_files_are_recognised_as_metadata():
    assert metadata_kind(META.name, META.read_bytes()[:4096]) == "meta"
    # by its header too, whatever its name
    assert metadata_kind("renamed.csv", META.read_bytes()[:4096]) == "meta"
    assert metadata_kind(GUIDANCE.name, GUIDANCE.read_bytes()[:4096]) == "guidance"
    data = REAL / "ees-exclusions-2006-2017" / "exclusions_by_reason.csv"
    assert metadata_kind(data.name, data.read_bytes()[:4096]) is None


def test_the_real_zip_is_opened_in_place(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ZIP, raw / ZIP.name)
    inputs = open_inputs(raw, [raw / ZIP.name], tmp_path / "scratch")
    try:
        assert [inputs.name(p) for p in inputs.files] == [
            "exclusions_by_reason.zip/exclusions_by_reason.csv"
        ]
        assert [m.file for m in inputs.metadata] == [
            "exclusions_by_reason.zip/exclusions_by_reason.meta.csv"
        ]
        labels = inputs.labels["exclusions_by_reason.zip/exclusions_by_reason.meta.csv"]
        assert labels["perm_physical_pupils"] == "Physical assault against a pupil"
    finally:
        inputs.close()
    assert sorted(p.name for p in raw.iterdir()) == [ZIP.name]  # nothing unpacked in raw/
    assert not (tmp_path / "scratch").exists()


def test_a_build_lists_zip_members_and_metadata_with_no_rejected_rows(tmp_path, monkeypatch):
    data = _camden_data(tmp_path, monkeypatch, STATEFUNDED, ZIP, META, GUIDANCE)
    build_warehouse(data_dir=data)
    report = _report(data)
    files = {f["file"]: f for f in report["files"]}
    for name in (
        "exclusions_by_reason.zip/exclusions_by_reason.meta.csv",
        "exclusions_by_reason.meta.csv",
        "data-guidance.txt",
    ):
        entry = files[name]
        assert entry["source"] == "metadata"
        assert entry["rows_read"] == entry["rows_rejected"] == 0
    member = files["exclusions_by_reason.zip/exclusions_by_reason.csv"]
    assert member["rows_read"] == 7_004  # the real file's data rows, read from the zip
    assert report["metadata"]["exclusions_by_reason.meta.csv"]["school_type"] == "School type"
    rejects = pd.read_parquet(data / "warehouse" / "rejects.parquet")
    assert not rejects["source_file"].str.contains("meta.csv|data-guidance", regex=True).any()
    assert sorted(p.name for p in (data / "raw").iterdir()) == sorted(
        ["data-guidance.txt", META.name, ZIP.name, "membership.csv", STATEFUNDED.name]
    )
    assert not list((data / "builds").rglob(".zip-members"))


def test_an_ees_zip_laid_out_as_today_data_folder_and_guidance(tmp_path, monkeypatch):
    """Today's EES zips put the data in data/ beside data-guidance.txt."""
    made = tmp_path / "made"
    made.mkdir()
    with zipfile.ZipFile(ZIP) as real, zipfile.ZipFile(made / "release.zip", "w") as new:
        for member in real.namelist():
            new.writestr(f"data/{member}", real.read(member))
        new.writestr("data-guidance.txt", GUIDANCE.read_bytes())
        new.writestr("supporting-files/", b"")
    data = _camden_data(tmp_path, monkeypatch, STATEFUNDED, made / "release.zip")
    build_warehouse(data_dir=data)
    files = {f["file"]: f for f in _report(data)["files"]}
    assert files["release.zip/data-guidance.txt"]["source"] == "metadata"
    assert files["release.zip/data/exclusions_by_reason.meta.csv"]["source"] == "metadata"
    assert files["release.zip/data/exclusions_by_reason.csv"]["rows_read"] == 7_004


def test_a_broken_zip_is_one_file_reject(tmp_path, monkeypatch):
    broken = tmp_path / "made" / "broken.zip"
    broken.parent.mkdir()
    broken.write_bytes(ZIP.read_bytes()[:500])
    data = _camden_data(tmp_path, monkeypatch, STATEFUNDED, broken)
    build_warehouse(data_dir=data)
    entry = next(f for f in _report(data)["files"] if f["file"] == "broken.zip")
    assert entry["rows_read"] == 0
    rejects = pd.read_parquet(data / "warehouse" / "rejects.parquet")
    reason = rejects.loc[rejects["source_file"] == "broken.zip", "reason"]
    assert len(reason) == 1 and "not a readable zip" in reason.iloc[0]
