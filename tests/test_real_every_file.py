"""Every real published file (shared/real/files) and every real-layout fixture
(tests/fixtures/real_layouts, cut from shared/real/headers) through the build's own
per-file path: each is recognised as its source, or is metadata, or is rejected with one
line that says what the file is and what to do.

Built for Gloucestershire (916): the real 2016/17 exclusions release has no rows of LA
931 (Oxfordshire), so a file of the LA's schools would be empty for it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from real_files import REAL_FILES, council_toml

from contract.settings import load_config
from etl import archives
from etl.geo import is_boundary_file
from etl.pipeline import _read_and_validate
from etl.sources import SOURCES_BY_NAME

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "real_layouts"
#: Real files whose layout the explorer does not load, and the words their line must say.
NOT_READ = {
    "ees-absence-2017/absence_in_prus.csv": "pupil referral units",
    "perf-spine-2017-18/2017-2018_england_spine.xlsx": "GIAS",
    "perf-tables-kspdeveloper/england_abs.csv": "no sessions",
    "perf-tables-kspdeveloper/england_census.csv": "census download",
    "perf-tables-kspdeveloper/england_ks4-pupdest.csv": "destinations",
    "perf-tables-kspdeveloper/la_and_region_codes_meta.csv": "lookup",
    # an EES table-tool export (a table made on the website), not a data file
    "ees-tabletool-leeds-absence/data-pupil-absence-in-schools-in-england.xlsx": "absence",
    # trimmed by a third party (shared/real/README.md): the columns the DfE's have are gone
    "perf-waiky8-eng-schools/england_ks2final.csv": "TELIG and PTRWM_EXP",
    "perf-waiky8-eng-schools/england_ks4final.csv": "without TPUP",
    # a performance-tables download outside a year folder: its year is unknown
    "perf-tables-kspdeveloper/england_ks4provisional.csv": "no year column",
}


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("gloucestershire") / "config.toml"
    path.write_text(council_toml("Gloucestershire", 916, "E10000013", "E12000009", "South West"))
    return load_config(path)


def _outcomes(path: Path, root: Path, config, scratch: Path) -> list:
    """The build's results for one raw file (a zip: each member; metadata: its entry)."""
    inputs = archives.open_inputs(root, [path], scratch)
    try:
        results = list(inputs.metadata)
        for member in inputs.files:
            results.append(_read_and_validate(member, inputs.name(member), 0, config))
        return results
    finally:
        inputs.close()


def _real_files() -> list[Path]:
    if not REAL_FILES.exists():
        return []
    return sorted(p for p in REAL_FILES.rglob("*") if p.is_file())


def _one_line(result) -> str:
    reasons = [str(r) for f in result.issues.frames for r in f["reason"]]
    assert len(reasons) == 1, reasons
    assert "\n" not in reasons[0] and "Traceback" not in reasons[0]
    return reasons[0]


@pytest.mark.parametrize("path", _real_files(), ids=lambda p: p.relative_to(REAL_FILES).as_posix())
def test_every_real_file_loads_or_says_why(path: Path, config, tmp_path: Path) -> None:
    name = path.relative_to(REAL_FILES).as_posix()
    if is_boundary_file(path):
        pytest.skip("boundaries: tests/test_real_boundaries.py")
    results = _outcomes(path, REAL_FILES, config, tmp_path / "scratch")
    assert results, name
    for result in results:
        if result.label == "metadata":
            assert result.rows_read == 0 and result.rows_rejected == 0
            continue
        assert result.reconciles(), result.report()
        if name in NOT_READ:
            assert result.file_rejected, result.report()
            assert NOT_READ[name] in _one_line(result)
            continue
        assert result.source is not None, (name, result.issues.frame()["reason"].tolist())
        assert not result.file_rejected


def _manifest() -> list[dict[str, str]]:
    with (FIXTURES / "MANIFEST.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


#: Fixtures of layouts that are not sources of the explorer (yet): rejected, and why.
NOT_SOURCES = {
    "ks4_destinations": "destinations",
    "absence_enrolments": "",
}
#: Fixtures of real layouts that load only from a file that has the rows they cut away,
#: or whose benchmarks are another layout's: rejected with their line, not as a source.
PARTIAL = {
    # the LA-level SEN provision file (benchmark) and the LA FSM file: not read yet
    "sen_la_provision_2016_2025.csv": "",
    "spc_la_fsm_2024_25.csv": "",
    "ks4_la_geography_school_types_2024_25.csv": "",
    "sendap_absence_2term_pru.csv": "",
    "perf_abs.csv": "no sessions",
    "perf_census.csv": "census download",
    "absence_in_prus_la_2016_17.csv": "pupil referral units",
    # performance tables: cut by a third party, or outside a year folder (tests/
    # test_real_ks_absence.py loads them from one)
    "perf_ks2final.csv": "TELIG and PTRWM_EXP",
    "perf_ks4final.csv": "without TPUP",
    "perf_ks4provisional.csv": "no year column",
}


@pytest.mark.parametrize("entry", _manifest(), ids=lambda e: e["file"])
def test_every_real_layout_is_recognised_as_its_source(entry, config, tmp_path: Path) -> None:
    path = FIXTURES / entry["file"]
    results = _outcomes(path, FIXTURES, config, tmp_path / "scratch")
    assert len(results) == 1
    result = results[0]
    expected = entry["expected_source"]
    if expected in NOT_SOURCES or entry["file"] in PARTIAL:
        words = NOT_SOURCES.get(expected, PARTIAL.get(entry["file"], ""))
        assert result.file_rejected and words in _one_line(result), result.report()
        return
    assert expected in SOURCES_BY_NAME
    assert result.source is not None, (entry["file"], result.issues.frame()["reason"].tolist())
    # the long SPC/SEN files and the KS files are read as their own layout of the source
    assert result.source.name == expected or result.source.name in _LAYOUTS_OF[expected], (
        entry["file"],
        result.source.name,
    )
    assert result.reconciles()


_LAYOUTS_OF = {
    "census": {"census_long"},
    "sen": {"sen_need"},
    "ks2": set(),
    "ks4": set(),
    "absence": set(),
}
