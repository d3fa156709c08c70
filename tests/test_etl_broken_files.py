"""The corpus of broken files (tests/broken_files.py) gives the documented outcome for each:
no traceback, every row accounted for, each problem in ``rejects`` with a clear reason."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from broken_files import (
    CASES,
    CENSUS,
    DASH_NAME,
    DASH_URN,
    EPSILON_URN,
    FORMULA_NAME,
    FORMULA_NAME_2,
    FORMULA_URN,
    SHRINK_CASES,
    STOP_CASES,
    STRAY_URN,
    TOPUPS_HEADER,
    Case,
    census_row,
    good_raw,
)
from etl_raw_files import csv_bytes, write_xlsx

from etl import BuildError, warehouse_path
from queries.prepare import build_warehouse

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory):
    """One build over the good set plus every broken file (cases use distinct years)."""
    data = tmp_path_factory.mktemp("broken_corpus")
    raw = good_raw(data)
    for case in CASES:
        case.write(raw)
    result = build_warehouse(
        data_dir=data, config=data / "config.toml", progress=lambda _message: None
    )
    warehouse = warehouse_path(data)
    rejects = duckdb.read_parquet(str(warehouse / "rejects.parquet")).df()
    return result.report, rejects, warehouse, raw


def data_rows_in_file(path: Path) -> int:
    """Rows below the header counted independently of the ETL (blank xlsx rows skipped)."""
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        visible_first = sorted(workbook.worksheets, key=lambda ws: ws.sheet_state != "visible")
        for sheet in visible_first:
            sheet.reset_dimensions()  # whatever the sheet's <dimension> says
            rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
            header = next(
                (i for i, r in enumerate(rows) if sum(v is not None for v in r) >= 2), None
            )
            if header is not None:
                return len(rows) - header - 1
        return 0
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        text = data.decode("utf-8-sig", errors="replace")
    # Non-empty lines after the header (no file here has a line break inside a value: an
    # unclosed quote's lines are each a row lost).
    lines = [line for line in re.split(r"\r\n|\r|\n", text) if line]
    return max(len(lines) - 1, 0)


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_each_file_has_its_documented_outcome(corpus_build, case: Case) -> None:
    report, rejects, _, _ = corpus_build
    entry = next(f for f in report["files"] if f["file"] == case.file)
    expected = case.outcome
    assert (
        entry["rows_read"],
        entry["rows_loaded"],
        entry["rows_benchmark"],
        entry["rows_out_of_scope"],
        entry["rows_rejected"],
        entry["warnings"],
    ) == (
        expected.read,
        expected.loaded,
        expected.benchmark,
        expected.out_of_scope,
        expected.rejected,
        expected.warnings,
    ), case.what
    mine = rejects[rejects["source_file"].eq(case.file)]
    found = {
        (
            None if pd.isna(row.source_row) else int(row.source_row),
            None if pd.isna(row.column_name) else row.column_name,
            row.rule,
            row.severity,
        )
        for row in mine.itertuples()
    }
    assert found == set(case.problems), case.what
    if case.reason:
        assert case.reason in " ".join(mine["reason"]), mine["reason"].tolist()


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_every_row_is_accounted_for(corpus_build, case: Case) -> None:
    """rows_read is the file's own row count, and read = loaded + benchmark + out of scope
    + rejected: nothing is dropped silently."""
    report, _, _, raw = corpus_build
    entry = next(f for f in report["files"] if f["file"] == case.file)
    parts = ("rows_loaded", "rows_benchmark", "rows_out_of_scope", "rows_rejected")
    assert entry["rows_read"] == sum(entry[p] for p in parts)
    if entry["source"] is not None:  # a readable file: its rows counted independently
        assert entry["rows_read"] == data_rows_in_file(raw / case.file), case.what


def test_every_reject_names_file_row_column_value_and_expectation(corpus_build) -> None:
    _, rejects, _, _ = corpus_build
    row_level = rejects[rejects["source_row"].notna()]
    assert len(row_level) > 0
    for row in row_level.itertuples():
        assert row.reason.startswith(f"{row.source_file} row {row.source_row}"), row.reason
        if row.rule in {"not_a_number", "negative", "too_large", "bad_time_period",
                        "out_of_range", "bad_date", "rate_over_100"}:  # fmt: skip
            assert f"column '{row.column_name}'" in row.reason and row.value in row.reason
            assert (
                "expected" in row.reason or "cannot be" in row.reason or "more than" in (row.reason)
            ), row.reason
    assert set(rejects["severity"]) <= {"reject", "warning"}


def test_report_lists_every_corpus_file_and_reconciles(corpus_build) -> None:
    report, _, warehouse, _ = corpus_build
    files = {f["file"] for f in report["files"]}
    assert {case.file for case in CASES} <= files
    on_disk = json.loads((warehouse / "build_report.json").read_text(encoding="utf-8"))
    assert on_disk["files"] == report["files"]


def table(warehouse: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(warehouse / f"{name}.parquet")


def test_loaded_values_from_awkward_layouts(corpus_build) -> None:
    """Values from the awkward-but-valid files, against the numbers written in the corpus."""
    _, _, warehouse, _ = corpus_build
    exclusions = table(warehouse, "exclusions")
    years = exclusions[exclusions["time_period"].isin([201617, 201718])].sort_values("time_period")
    columns = ["time_period", "urn", "headcount", "perm_excl", "susp", "one_plus_susp"]
    assert years[columns].values.tolist() == [
        [201617, 100001, 200, 0, 4, 3],
        [201718, 100001, 205, 1, 6, 4],
    ]
    ks2 = table(warehouse, "ks2").sort_values("time_period")
    assert ks2[["time_period", "pupils_eligible", "rwm_expected"]].values.tolist() == [
        [201718, 28, 21],
        [201819, 30, 20],
    ]
    places = table(warehouse, "places").sort_values("urn")
    assert places[["urn", "places", "amount_gbp", "source_row"]].values.tolist() == [
        [100001, 10, 60000.0, 7],  # sheet rows: 3 title/blank lines, header on row 4
        [100004, 80, 800000.5, 5],
    ]
    topups = table(warehouse, "topups")
    topup = topups[topups["time_period"].eq(201516)]
    assert topup[["urn", "band", "pupils_funded", "amount_gbp"]].values.tolist() == [
        [100001, "Band A", 3, 10500.0]
    ]
    sen = table(warehouse, "sen")
    assert sen[["total_pupils", "sen_support", "ehc_plan"]].values.tolist() == [[200, 20, 4]]
    need = table(warehouse, "sen_need")
    assert need[["primary_need", "pupils"]].values.tolist() == [["Autistic spectrum disorder", 6]]
    pupils = table(warehouse, "pupils")
    symbols = pupils[pupils["urn"].eq(100099) & pupils["time_period"].eq(201617)]
    flags = ["headcount_flag", "fsm_eligible_flag", "eal_flag"]
    assert symbols[flags].values.tolist() == [["c", "low", ":"]]
    assert symbols[["headcount", "fsm_eligible", "eal"]].isna().all(axis=None)


def test_formula_like_names_load_unchanged(corpus_build) -> None:
    """A name is data: the warehouse keeps it exactly (downloads neutralise it)."""
    _, _, warehouse, _ = corpus_build
    schools = table(warehouse, "schools").set_index("urn")
    assert schools.loc[EPSILON_URN, "school_name"] == FORMULA_NAME
    school_year = table(warehouse, "school_year")
    names = school_year[school_year["time_period"].eq(201718)].set_index("urn")["school_name"]
    assert names[EPSILON_URN] == FORMULA_NAME
    assert names[FORMULA_URN] == FORMULA_NAME_2  # not in GIAS: the census name is used


def test_a_stray_byte_does_not_re_decode_a_utf8_file(corpus_build) -> None:
    report, _, warehouse, _ = corpus_build
    entry = next(f for f in report["files"] if f["file"] == "census_utf8_stray_byte.csv")
    assert entry["encoding"] == "utf-8"
    school_year = table(warehouse, "school_year")
    names = school_year[school_year["time_period"].eq(201415)].set_index("urn")["school_name"]
    assert names[DASH_URN] == DASH_NAME  # not 'Bullying â€“ verbal School'
    assert names[STRAY_URN] == "Caf\ufffd School"


# --------------------------------------------------------------------------------------
# Stopping problems: one clear line, exit 1, previous warehouse kept
# --------------------------------------------------------------------------------------


@pytest.fixture
def live_data(tmp_path: Path) -> tuple[Path, Path]:
    """A data folder with a good live build."""
    data = tmp_path / "data"
    good_raw(data)
    build_warehouse(data_dir=data, config=data / "config.toml", progress=lambda _m: None)
    return data, warehouse_path(data).resolve()


@pytest.mark.parametrize("case", STOP_CASES, ids=[c.name for c in STOP_CASES])
def test_stopping_problems_print_one_line_and_keep_the_live_warehouse(
    live_data, case, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import etl.__main__ as cli

    data, live = live_data
    case.write(data / "raw")
    monkeypatch.setenv("LOCALITY_EXPLORER_DATA_DIR", str(data))
    monkeypatch.delenv("LOCALITY_EXPLORER_CONFIG", raising=False)
    assert cli.main(["build", "--quiet"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err + captured.out
    assert lines[0].startswith("error: build failed: ")
    assert case.message in lines[0], lines[0]
    assert lines[0].endswith("the previous warehouse is still live")
    assert warehouse_path(data).resolve() == live
    with pytest.raises(BuildError):
        build_warehouse(data_dir=data, config=data / "config.toml")


def _report(warehouse: Path) -> dict:
    return json.loads((warehouse / "build_report.json").read_text(encoding="utf-8"))


def _sizes(warehouse: Path) -> dict[str, int]:
    """Rows loaded per source, schools, members and localities, worked out here (not by
    etl.shrink) from a warehouse's report and tables."""
    report = _report(warehouse)
    sizes: dict[str, int] = {"schools": report["tables"]["schools"]}
    for entry in report["files"]:
        if entry["source"]:
            key = f"rows:{entry['source']}"
            sizes[key] = sizes.get(key, 0) + entry["rows_loaded"]
    members = table(warehouse, "membership")
    sizes["members"] = members["urn"].nunique()
    sizes["members_with_locality"] = members.dropna(subset=["locality"])["urn"].nunique()
    sizes["localities"] = members["locality"].nunique()
    return sizes


@pytest.mark.parametrize("case", SHRINK_CASES, ids=[c.name for c in SHRINK_CASES])
def test_a_gutted_source_does_not_replace_the_live_warehouse(
    live_data, case, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule source_shrank: the build stops with one line naming what fell and both counts,
    the live warehouse stays; with --accept-shrink it goes live. (Should a reader learn to
    read a case's file whole, the build may go live instead, but only if nothing fell.)"""
    import etl.__main__ as cli

    data, live = live_data
    before = _sizes(live)
    case.write(data / "raw")
    monkeypatch.setenv("LOCALITY_EXPLORER_DATA_DIR", str(data))
    monkeypatch.delenv("LOCALITY_EXPLORER_CONFIG", raising=False)
    if cli.main(["build", "--quiet"]) == 0:
        after = _sizes(warehouse_path(data))
        fell = {k: (v, after.get(k, 0)) for k, v in before.items() if after.get(k, 0) < 0.8 * v}
        assert not fell, f"{case.what}: went live although {fell} fell"
        return
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("error: build failed: ") and case.message in line, line
    assert " compared with the live build 20" in line, line
    assert "if this is right, run again with --accept-shrink" in line, line
    assert line.endswith("the previous warehouse is still live"), line
    assert warehouse_path(data).resolve() == live
    assert [p for p in (data / "builds").iterdir() if not p.name.startswith(".")] == [live]

    assert cli.main(["build", "--quiet", "--accept-shrink"]) == 0
    accepted = warehouse_path(data).resolve()
    assert accepted != live
    assert _report(accepted)["accepted_shrink"], "the report says what was accepted"


def test_a_removed_source_counts_as_a_full_drop(live_data) -> None:
    """A source of the live build that is gone (file deleted) fell 100%."""
    data, live = live_data
    (data / "raw" / "high_needs_topups.csv").unlink()
    with pytest.raises(BuildError, match=r"topups rows loaded \(high_needs_topups.csv\) fell "
                       r"from 2 to 0 \(-100%\)"):  # fmt: skip
        build_warehouse(data_dir=data, config=data / "config.toml")
    assert warehouse_path(data).resolve() == live


def test_shrink_limit_is_a_setting(live_data) -> None:
    """[build] max_shrink_percent: GIAS falling by a third goes live under a 40% limit."""
    data, live = live_data
    config = data / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[build]\nmax_shrink_percent = 40\n")
    SHRINK_CASES[1].write(data / "raw")
    result = build_warehouse(data_dir=data, config=config)
    assert result.status == "built" and warehouse_path(data).resolve() != live
    assert result.report["sizes"]["schools"] == 4
    config.write_text(config.read_text(encoding="utf-8").replace("= 40", '= "lots"'))
    with pytest.raises(BuildError, match="max_shrink_percent must be a number from 0 to 100"):
        build_warehouse(data_dir=data, config=config)


def test_demo_data_does_not_silently_replace_a_real_build(live_data) -> None:
    """The council's files all removed: raw/ falls back to demo data, which must not
    replace the live real build without --accept-shrink."""
    data, live = live_data
    for path in (data / "raw").iterdir():
        path.unlink()
    from etl_raw_files import write_minimal_raw

    write_minimal_raw(data / "raw" / "demo")
    with pytest.raises(BuildError, match="the raw folder holds no data files, so demo data"):
        build_warehouse(data_dir=data, config=data / "config.toml")
    assert warehouse_path(data).resolve() == live
    result = build_warehouse(data_dir=data, config=data / "config.toml", accept_shrink=True)
    assert result.mode == "demo" and warehouse_path(data).resolve() != live


def test_cli_subprocess_on_a_stopping_problem(live_data) -> None:
    data, live = live_data
    STOP_CASES[0].write(data / "raw")
    env = {**os.environ, "LOCALITY_EXPLORER_DATA_DIR": str(data)}
    env.pop("LOCALITY_EXPLORER_CONFIG", None)
    done = subprocess.run(
        [sys.executable, "-m", "etl", "build"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert len(done.stderr.strip().splitlines()) == 1
    assert STOP_CASES[0].message in done.stderr
    assert warehouse_path(data).resolve() == live


def test_corpus_files_are_what_the_cases_say(tmp_path: Path) -> None:
    """The corpus itself: the broken bytes really are broken the way each case says."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for case in CASES:
        case.write(raw)
    assert (raw / "empty.csv").stat().st_size == 0
    assert b"\x00" in (raw / "binary_junk.csv").read_bytes()
    assert (raw / "sen_need_utf16.csv").read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert (raw / "sen_utf8_bom.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert (raw / "topups_saved_as_csv.csv").read_bytes()[:4] == b"PK\x03\x04"
    with pytest.raises(Exception):  # noqa: B017 - any zip error: it is cut short
        openpyxl.load_workbook(raw / "places_cut_short.xlsx")
    cut = list(csv.reader(io.StringIO((raw / "census_cut_short.csv").read_text())))
    assert len(cut[-1]) < len(cut[0])


# --------------------------------------------------------------------------------------
# Bounded cost: problems listed up to a cap per file and rule, every one counted
# --------------------------------------------------------------------------------------


def test_rejects_beyond_the_cap_are_counted_under_one_summary_row(tmp_path: Path) -> None:
    """[limits] max_listed_rejects = 5: 12 misshapen lines and 8 junk counts list 5 of
    each plus one 'and N more' row per rule; the report counts all 20 and reconciles."""
    data = tmp_path / "data"
    raw = good_raw(data)
    config = data / "config.toml"
    config.write_text(
        config.read_text() + "\n[limits]\nmax_listed_rejects = 5\nmax_xlsx_rows = 10\n"
    )
    rows = [["2012-13", 100001, "Alpha", f"Band {i}", 1, 10] for i in range(25)]
    write_xlsx(raw / "topups_too_many_rows.xlsx", "Top-ups", TOPUPS_HEADER, rows)
    bad = [b"201314,Academic year,School,E92000001,England,short\n"] * 12
    junk = [
        csv_bytes(CENSUS, [census_row("201314", 100001 + i, "many", 1, 1)]).split(b"\n", 1)[1]
        for i in range(8)
    ]
    (raw / "census_many_problems.csv").write_bytes(csv_bytes(CENSUS, []) + b"".join(bad + junk))
    result = build_warehouse(data_dir=data, config=config, progress=lambda _m: None)
    entry = next(f for f in result.report["files"] if f["file"] == "census_many_problems.csv")
    assert (entry["rows_read"], entry["rows_loaded"], entry["rows_rejected"]) == (20, 0, 20)
    rejects = pd.read_parquet(result.warehouse / "rejects.parquet")
    mine = rejects[rejects["source_file"].eq("census_many_problems.csv")]
    listed = mine[mine["source_row"].notna()]
    assert listed["rule"].value_counts().to_dict() == {"row_shape": 5, "not_a_number": 5}
    assert listed["source_row"].tolist()[:5] == [2, 3, 4, 5, 6]
    summaries = mine[mine["source_row"].isna()].set_index("rule")["reason"]
    assert "and 7 more rows like this (row_shape)" in summaries["row_shape"]
    assert "and 3 more rows like this (not_a_number)" in summaries["not_a_number"]
    # a workbook over max_xlsx_rows: rejected unread, its rows counted from its XML
    entry = next(f for f in result.report["files"] if f["file"] == "topups_too_many_rows.xlsx")
    assert (entry["rows_read"], entry["rows_loaded"], entry["rows_rejected"]) == (25, 0, 25)
    reason = rejects.loc[rejects["source_file"].eq("topups_too_many_rows.xlsx"), "reason"]
    assert "the sheet 'Top-ups' holds 26 rows, more than the 10" in reason.iloc[0]


def test_an_unreadable_file_is_a_file_reject_not_a_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied on one file (the tests run as root, so chmod cannot show it): the
    build's per-file step rejects it with one line counting nothing as read (the whole
    build: the next test)."""
    from contract.settings import load_config
    from etl.pipeline import _read_and_validate

    data = tmp_path / "data"
    raw = good_raw(data)
    locked = raw / "census_locked.csv"
    locked.write_bytes(csv_bytes(CENSUS, [census_row("201314", 100001, 210, 30, 5)]))
    real_open = Path.open

    def open_(self: Path, *args, **kwargs):
        if self.name == locked.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    result = _read_and_validate(locked, locked.name, 0, load_config(data / "config.toml"))
    assert result.file_rejected and result.reconciles()
    assert result.issues.frame()["reason"].tolist() == [
        "census_locked.csv: file rejected: the file cannot be opened (permission denied): "
        "check who may read it (0 data rows not loaded)"
    ]


def test_a_file_the_build_may_not_read_is_rejected_and_the_build_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied on one file, through the whole build (fingerprint, reader, report):
    that file is one reject line and the rest goes live."""
    from etl import warehouse_path
    from queries.prepare import build_warehouse

    data = tmp_path / "data"
    raw = good_raw(data)
    locked = raw / "census_locked.csv"
    locked.write_bytes(csv_bytes(CENSUS, [census_row("201314", 100001, 210, 30, 5)]))
    real_open = Path.open

    def open_(self: Path, *args, **kwargs):
        if self.name == locked.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    result = build_warehouse(data_dir=data, progress=lambda _line: None)
    assert result.status == "built"
    files = {f["file"]: f for f in result.report["files"]}
    assert files["census_locked.csv"]["source"] is None
    assert files["census_locked.csv"]["rows_loaded"] == 0
    rejects = pd.read_parquet(warehouse_path(data) / "rejects.parquet")
    reasons = rejects.loc[rejects["source_file"].eq("census_locked.csv"), "reason"].tolist()
    assert reasons and "permission denied" in reasons[0]
