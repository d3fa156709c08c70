"""Whole builds on the hand-written file set: tables, report, swap, skip, determinism, CLI."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from etl_raw_files import CONFIG_TOML, GIAS_HEADER, write_csv, write_minimal_raw

from etl import BuildError, warehouse_path
from etl.tables import SCHEMA
from queries.prepare import build_warehouse, ensure_warehouse

REPO = Path(__file__).resolve().parents[1]
REPORT_KEYS = [
    "build_id",
    "started_at",
    "finished_at",
    "mode",
    "la",
    "input_fingerprint",
    "files",
    "tables",
    "reconciliation",
    "sizes",
]
FILE_KEYS = ["file", "source", "encoding", "format", "rows_read", "rows_loaded", "rows_benchmark",
             "rows_out_of_scope", "rows_rejected", "warnings"]  # fmt: skip


def table(warehouse: Path, name: str) -> pd.DataFrame:
    return duckdb.read_parquet(str(warehouse / f"{name}.parquet")).df()


@pytest.fixture
def built(etl_raw_dir: Path, etl_data_dir: Path):
    return build_warehouse(data_dir=etl_data_dir)


def test_build_writes_every_contract_table_and_the_report(built, etl_data_dir: Path) -> None:
    warehouse = warehouse_path(etl_data_dir)
    assert built.status == "built" and built.mode == "real"
    assert warehouse.is_symlink() and warehouse.resolve() == built.build_dir.resolve()
    for name, columns in SCHEMA.items():
        schema = pq.read_schema(warehouse / f"{name}.parquet")
        assert schema.names == [c for c, _ in columns], name
    report = json.loads((warehouse / "build_report.json").read_text(encoding="utf-8"))
    assert list(report) == REPORT_KEYS
    assert report["mode"] == "real" and report["la"]["old_la_code"] == 931
    assert set(report["tables"]) == set(SCHEMA)
    for entry in report["files"]:
        assert list(entry) == FILE_KEYS
        parts = ("rows_loaded", "rows_benchmark", "rows_out_of_scope", "rows_rejected")
        assert entry["rows_read"] == sum(entry[p] for p in parts), entry
    files = {f["file"]: f for f in report["files"]}
    assert files["edubasealldata20240901.csv"]["encoding"] == "cp1252"
    assert files["partnership_membership.xlsx"]["format"] == "xlsx"
    census = files["spc_school_level_underlying_data.csv"]
    assert (census["rows_loaded"], census["rows_benchmark"], census["rows_out_of_scope"]) == (
        7,
        4,
        1,
    )
    assert census["warnings"] >= 1


def test_warehouse_schema_matches_the_query_layer(built, etl_data_dir: Path) -> None:
    queries = pytest.importorskip("queries")
    warehouse = warehouse_path(etl_data_dir)
    for name, columns in queries.WAREHOUSE_SCHEMA.items():
        relation = duckdb.read_parquet(str(warehouse / f"{name}.parquet"))
        described = list(zip(relation.columns, [str(t) for t in relation.types], strict=True))
        assert described == columns, name
    con = queries.connect(warehouse, etl_data_dir / "config.toml")
    assert con.execute("SELECT count(*) FROM school_year").fetchone()[0] > 0


def test_tables_hold_the_council_rows(built, etl_data_dir: Path) -> None:
    warehouse = warehouse_path(etl_data_dir)
    schools = table(warehouse, "schools").set_index("urn")
    assert sorted(schools.index) == [100001, 100002, 100003, 100004, 100005]  # not Bucks
    assert schools.loc[100001, "school_name"] == "Alpha Primary School, St Thérèse’s"
    assert schools.loc[100002, "lineage_urn"] == 100005
    assert schools.loc[100004, "phase"] == "Special"
    assert schools.loc[100001, "laestab"] == 9312001
    assert schools.loc[100001, "lat"] == pytest.approx(51.75, abs=0.01)
    assert str(schools.loc[100002, "close_date"])[:10] == "2022-08-31"
    links = table(warehouse, "school_links")
    assert sorted(links["urn"]) == [100002, 100005]  # the Bucks link is out of scope

    years = table(warehouse, "school_year").set_index(["time_period", "urn"])
    assert years.loc[(202122, 100003), "partnership"] == "Oxford North"
    assert years.loc[(202223, 100003), "partnership"] == "Oxford South"
    assert years.loc[(202122, 100002), ["partnership", "lineage_urn"]].tolist() == [
        "Oxford North",
        100005,
    ]
    assert years.loc[(202223, 100004), "locality"] == "Banbury"
    assert pd.isna(years.loc[(202223, 100099), "partnership"])

    pupils = table(warehouse, "pupils").set_index(["time_period", "urn"])
    alpha = pupils.loc[(202122, 100001)]
    assert (alpha["headcount"], alpha["eal_flag"], alpha["source_row"]) == (210, "c", 6)
    assert pd.isna(alpha["eal"]) and pd.isna(alpha["headcount_flag"])
    assert pupils.loc[(202122, 100003), "fsm_eligible_flag"] == "low"
    assert pupils["source_file"].eq("spc_school_level_underlying_data.csv").all()

    topups = table(warehouse, "topups").set_index("urn")
    assert topups.loc[100004, ["time_period", "amount_gbp"]].tolist() == [202223, 198000.5]

    benchmarks = table(warehouse, "benchmarks")
    perm = benchmarks[
        benchmarks["measure"].eq("perm_excl_rate") & benchmarks["geographic_level"].eq("National")
    ]
    assert perm[["numerator", "denominator"]].values.tolist() == [[10.0, 9000.0]]

    boundaries = table(warehouse, "locality_boundaries")
    assert boundaries["locality"].tolist() == ["Banbury", "Oxford"] and boundaries["derived"].all()

    rejects = table(warehouse, "rejects")
    unknown = rejects[rejects["rule"].eq("unknown_urn")]
    assert unknown[["source_file", "value", "severity"]].values.tolist() == [
        ["spc_school_level_underlying_data.csv", "100099", "warning"]
    ]
    orphan = rejects[rejects["rule"].eq("no_partnership")]
    assert orphan["value"].tolist() == ["100099"]


def test_rerun_on_unchanged_input_is_skipped(built, etl_data_dir: Path) -> None:
    messages: list[str] = []
    again = build_warehouse(data_dir=etl_data_dir, progress=messages.append)
    assert again.status == "up_to_date" and again.build_id == built.build_id
    assert any("up to date" in m for m in messages)
    assert len([p for p in (etl_data_dir / "builds").iterdir() if not p.name.startswith(".")]) == 1


def test_changed_input_or_config_rebuilds(built, etl_data_dir: Path) -> None:
    config = etl_data_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("min_count = 3", "min_count = 5"))
    assert build_warehouse(data_dir=etl_data_dir).status == "built"


def test_forced_rebuild_gives_identical_parquet(built, etl_data_dir: Path) -> None:
    again = build_warehouse(data_dir=etl_data_dir, force=True)
    assert again.status == "built" and again.build_id != built.build_id
    for name in SCHEMA:
        first = hashlib.sha256((built.build_dir / f"{name}.parquet").read_bytes()).hexdigest()
        second = hashlib.sha256((again.build_dir / f"{name}.parquet").read_bytes()).hexdigest()
        assert first == second, name


def test_one_thread_gives_the_same_parquet_as_several(
    built, etl_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files validated and tables written in parallel (etl.pipeline.WORKERS) or one at a
    time make byte-identical tables."""
    from etl import pipeline

    assert pipeline.WORKERS >= 1
    monkeypatch.setattr(pipeline, "WORKERS", 1 if pipeline.WORKERS > 1 else 3)
    again = build_warehouse(data_dir=etl_data_dir, force=True)
    for name in SCHEMA:
        first = hashlib.sha256((built.build_dir / f"{name}.parquet").read_bytes()).hexdigest()
        second = hashlib.sha256((again.build_dir / f"{name}.parquet").read_bytes()).hexdigest()
        assert first == second, name


def test_previous_two_builds_are_kept(built, etl_data_dir: Path) -> None:
    ids = [built.build_id] + [
        build_warehouse(data_dir=etl_data_dir, force=True).build_id for _ in range(3)
    ]
    kept = sorted(p.name for p in (etl_data_dir / "builds").iterdir() if not p.name.startswith("."))
    assert kept == ids[1:]
    assert warehouse_path(etl_data_dir).resolve().name == ids[-1]


def test_stop_rules_keep_the_live_warehouse(built, etl_data_dir: Path) -> None:
    raw = etl_data_dir / "raw"
    (raw / "partnership_membership.xlsx").unlink()
    with pytest.raises(BuildError, match="partnership membership"):
        build_warehouse(data_dir=etl_data_dir)
    assert warehouse_path(etl_data_dir).resolve() == built.build_dir.resolve()
    assert sorted(
        p.name for p in (etl_data_dir / "builds").iterdir() if not p.name.startswith(".")
    ) == [built.build_id]


def test_wrong_la_code_stops_the_build(etl_raw_dir: Path, etl_data_dir: Path) -> None:
    (etl_data_dir / "config.toml").write_text(CONFIG_TOML.replace("931", "999"), encoding="utf-8")
    with pytest.raises(BuildError, match="GIAS has no schools for LA 999"):
        build_warehouse(data_dir=etl_data_dir)
    assert not warehouse_path(etl_data_dir).exists()


def test_another_council_by_config_only(
    etl_raw_dir: Path, etl_data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    bucks = tmp_path / "bucks.toml"
    bucks.write_text(
        CONFIG_TOML.replace("931", "825")
        .replace("E10000025", "E10000002")
        .replace('"Oxfordshire"', '"Bucks"'),
        encoding="utf-8",
    )
    monkeypatch.setenv("LOCALITY_EXPLORER_CONFIG", str(bucks))
    result = build_warehouse(data_dir=etl_data_dir)
    assert result.report["la"]["old_la_code"] == 825
    assert table(warehouse_path(etl_data_dir), "pupils")["urn"].tolist() == [200001]


def test_unknown_files_are_rejected_but_the_build_goes_on(
    etl_raw_dir: Path, etl_data_dir: Path
) -> None:
    write_csv(
        etl_raw_dir / "notes" / "budget.csv", ["cost centre", "amount"], [["A1", "3"], ["B2", "4"]]
    )
    (etl_raw_dir / "README.md").write_text("ignored", encoding="utf-8")
    (etl_raw_dir / ".hidden.csv").write_text("ignored", encoding="utf-8")
    result = build_warehouse(data_dir=etl_data_dir)
    files = {f["file"]: f for f in result.report["files"]}
    assert "README.md" not in files and ".hidden.csv" not in files
    budget = files["notes/budget.csv"]
    assert (budget["source"], budget["rows_read"], budget["rows_rejected"]) == (None, 2, 2)
    rejects = table(warehouse_path(etl_data_dir), "rejects")
    assert rejects.loc[rejects["source_file"].eq("notes/budget.csv"), "rule"].tolist() == [
        "file_signature"
    ]


def test_demo_folder_used_when_raw_holds_no_data_files(etl_data_dir: Path) -> None:
    write_minimal_raw(etl_data_dir / "raw" / "demo")
    (etl_data_dir / "raw" / "README.md").write_text("Drop files here", encoding="utf-8")
    result = build_warehouse(data_dir=etl_data_dir)
    assert result.mode == "demo" and result.report["mode"] == "demo"


def test_a_raw_folder_with_no_data_files_and_no_demo_data_says_how_to_get_some(
    etl_data_dir: Path,
) -> None:
    """The ETL never writes demo data itself (the demo package does: python -m demo)."""
    (etl_data_dir / "raw" / "README.md").write_text("Drop files here", encoding="utf-8")
    with pytest.raises(BuildError, match=r"holds no data files: .*`python -m demo`"):
        build_warehouse(data_dir=etl_data_dir)
    assert not (etl_data_dir / "raw" / "demo").exists()
    assert not warehouse_path(etl_data_dir).exists()


def test_ensure_warehouse_builds_only_when_missing(etl_raw_dir: Path, etl_data_dir: Path) -> None:
    path = ensure_warehouse(data_dir=etl_data_dir)
    first = path.resolve()
    assert (path / "school_year.parquet").is_file()
    assert ensure_warehouse(data_dir=etl_data_dir).resolve() == first


# --------------------------------------------------------------------------------------
# The command line (run as a user would, in a subprocess)
# --------------------------------------------------------------------------------------


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOCALITY_EXPLORER_DATA_DIR": str(data_dir)}
    env.pop("LOCALITY_EXPLORER_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "etl", "build", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_cli_failed_build_leaves_the_previous_warehouse_live(
    etl_raw_dir: Path, etl_data_dir: Path
) -> None:
    first = run_cli(etl_data_dir)
    assert first.returncode == 0, first.stderr
    assert "spc_school_level_underlying_data.csv: census - read 12, loaded 7" in first.stdout
    warehouse = warehouse_path(etl_data_dir)
    live = warehouse.resolve()

    # Break the required GIAS file: a required column is gone (Easting is optional: the
    # state-funded extract lacks it).
    write_csv(etl_raw_dir / "edubasealldata20240901.csv",
              [h for h in GIAS_HEADER if h != "PhaseOfEducation (name)"],
              [["1"] * (len(GIAS_HEADER) - 1)])  # fmt: skip
    broken = run_cli(etl_data_dir)
    assert broken.returncode != 0
    assert "Traceback" not in broken.stderr
    error_lines = broken.stderr.strip().splitlines()
    assert len(error_lines) == 1
    assert error_lines[0].startswith("error: build failed: no usable GIAS")
    assert "missing required columns: PhaseOfEducation (name)" in error_lines[0]
    assert "previous warehouse is still live" in error_lines[0]
    assert warehouse.resolve() == live
    assert pq.read_table(warehouse / "pupils.parquet").num_rows > 0
    builds = [p for p in (etl_data_dir / "builds").iterdir() if not p.name.startswith(".")]
    assert builds == [live]  # the failed build's folder was removed


def test_cli_quiet_and_up_to_date(etl_raw_dir: Path, etl_data_dir: Path) -> None:
    assert run_cli(etl_data_dir, "--quiet").stdout == ""
    again = run_cli(etl_data_dir)
    assert again.returncode == 0 and "up to date" in again.stdout


def test_cli_unexpected_error_is_one_line_with_a_debug_hint(
    monkeypatch, capsys, etl_data_dir: Path
) -> None:
    import etl.__main__ as cli
    import queries.prepare

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(queries.prepare, "build_warehouse", explode)
    assert cli.main(["build"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "RuntimeError: disk on fire" in err and "--debug" in err


def test_england_scope_reads_without_the_prefilter_and_builds_the_same(
    etl_raw_dir: Path, etl_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With scope = "england" the reader keeps every row (its prefilter would drop next to
    nothing) and validate_file sorts them: the tables and the report's counts are the same
    as a build that drops out-of-scope rows while reading."""
    from contract.settings import load_config
    from etl import pipeline, validate

    config = etl_data_dir / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'name = "Oxfordshire"', 'scope = "england"\nname = "Oxfordshire"'
        ),
        encoding="utf-8",
    )
    assert validate.scope_prefilter(load_config(config)) is None
    # a row at a level no page uses: out of scope whichever way it is dropped
    exclusions = next(etl_raw_dir.glob("*exc*school*.csv"))
    lines = exclusions.read_text(encoding="utf-8").splitlines()
    cells = lines[-1].split(",")
    cells[2] = "Parliamentary constituency"
    exclusions.write_text("\n".join([*lines, ",".join(cells)]) + "\n", encoding="utf-8")

    without = build_warehouse(data_dir=etl_data_dir)
    monkeypatch.setattr(pipeline, "scope_prefilter", validate.row_scope_prefilter)
    filtered = build_warehouse(data_dir=etl_data_dir, force=True)

    for name in SCHEMA:
        first = hashlib.sha256((without.build_dir / f"{name}.parquet").read_bytes()).hexdigest()
        second = hashlib.sha256((filtered.build_dir / f"{name}.parquet").read_bytes()).hexdigest()
        assert first == second, name
    counts = {entry["file"]: {k: entry[k] for k in FILE_KEYS} for entry in without.report["files"]}
    assert counts == {
        entry["file"]: {k: entry[k] for k in FILE_KEYS} for entry in filtered.report["files"]
    }
    assert counts[exclusions.name]["rows_out_of_scope"] >= 1


def test_same_size_same_mtime_rewrite_rebuilds(built, etl_data_dir: Path) -> None:
    """A file rewritten in place with its size and modification time restored (a copy that
    keeps times, a tool that resets them) is hashed again: the build is not served stale."""
    topups = etl_data_dir / "raw" / "high_needs_topups.csv"
    before = topups.stat()
    data = topups.read_bytes()
    changed = data.replace(b"Band A,3,", b"Band A,4,")
    assert changed != data and len(changed) == len(data)
    topups.write_bytes(changed)
    os.utime(topups, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = topups.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    again = build_warehouse(data_dir=etl_data_dir)
    assert again.status == "built" and again.build_id != built.build_id
    funded = table(warehouse_path(etl_data_dir), "topups").set_index("urn")["pupils_funded"]
    assert funded[100001] == 4


def test_fingerprint_hash_cache_is_used_for_unchanged_files(
    built, etl_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unchanged files cost a stat, not a read: the cached hash is used."""
    from etl import build

    hashed: list[Path] = []
    real = build._sha256_file
    monkeypatch.setattr(build, "_sha256_file", lambda path: hashed.append(path) or real(path))
    assert build_warehouse(data_dir=etl_data_dir).status == "up_to_date"
    assert hashed == []


def _unreadable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """``folder`` cannot be listed (tests run as root, who can read a chmod 000 folder)."""
    real = os.scandir

    def scandir(path=".", *args, **kwargs):
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)


def test_unreadable_folder_is_a_warning_naming_it(
    etl_raw_dir: Path, etl_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = etl_raw_dir / "from_finance"
    write_csv(locked / "budget.csv", ["cost centre", "amount"], [["A1", "3"]])
    _unreadable(monkeypatch, locked)
    messages: list[str] = []
    result = build_warehouse(data_dir=etl_data_dir, progress=messages.append)
    assert any("from_finance/ (Permission denied)" in m for m in messages), messages
    entry = next(f for f in result.report["files"] if f["file"] == "from_finance/")
    assert (entry["source"], entry["rows_read"], entry["warnings"]) == ("folder", 0, 1)
    rejects = table(warehouse_path(etl_data_dir), "rejects")
    row = rejects[rejects["source_file"].eq("from_finance/")]
    assert row[["rule", "severity"]].values.tolist() == [["folder_unreadable", "warning"]]
    assert "cannot be read (Permission denied)" in row["reason"].iloc[0]


def test_only_unreadable_folders_stop_rather_than_build_demo_data(
    etl_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = etl_data_dir / "raw" / "council"
    write_minimal_raw(locked)
    write_minimal_raw(etl_data_dir / "raw" / "demo")
    _unreadable(monkeypatch, locked)
    with pytest.raises(BuildError, match=r"no readable data files: .*council/ \(Permission"):
        build_warehouse(data_dir=etl_data_dir)
    assert not warehouse_path(etl_data_dir).exists()


def test_one_partnership_name_in_two_localities_stays_two_partnerships(
    etl_raw_dir: Path, etl_data_dir: Path
) -> None:
    """Partnership identity is (locality, name): the membership reuses 'Oxford North' for
    Delta in Banbury; the warehouse keeps two partnerships (one warning), not one of four."""
    from etl_raw_files import MEMBERSHIP_ROWS, write_membership

    import queries

    rows = [list(row) for row in MEMBERSHIP_ROWS]
    rows[4][2] = "Oxford North"  # Delta Special School, Banbury
    write_membership(etl_raw_dir, rows)
    build_warehouse(data_dir=etl_data_dir)
    warehouse = warehouse_path(etl_data_dir)
    years = table(warehouse, "school_year").set_index(["time_period", "urn"])
    assert years.loc[(202223, 100004), "partnership"] == "Oxford North (Banbury)"
    assert years.loc[(202223, 100001), "partnership"] == "Oxford North (Oxford)"
    con = queries.connect(warehouse, etl_data_dir / "config.toml")
    try:
        listed = queries.list_partnerships(con)
    finally:
        con.close()
    north = listed[listed["partnership"].str.startswith("Oxford North")]
    assert north[["partnership", "locality", "n_schools"]].values.tolist() == [
        ["Oxford North (Banbury)", "Banbury", 1],
        ["Oxford North (Oxford)", "Oxford", 2],
    ]
    rejects = table(warehouse, "rejects")
    warned = rejects[rejects["rule"].eq("partnership_clash")]
    assert warned[["source_file", "source_row", "value", "severity"]].values.tolist() == [
        ["partnership_membership.xlsx", 4, "Oxford North", "warning"]
    ]
    assert "localities at once (Banbury, Oxford)" in warned["reason"].iloc[0]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        # 1 silently turned count suppression off; 0 failed with an internal error
        ("min_count = 1", "[suppression] min_count = 1 must be at least 2"),
        ("min_count = 0", "[suppression] min_count = 0 must be at least 1"),
        ("min_count = 2.5", "[suppression] min_count = 2.5 must be a whole number"),
        ('min_count = "3"', "[suppression] min_count = '3' must be a whole number"),
        ("min_count = 12", "[suppression] min_denominator = 10 must be at least min_count (12)"),
    ],
)
def test_unsafe_suppression_settings_stop_the_build_with_one_line(
    etl_raw_dir: Path, etl_data_dir: Path, setting: str, message: str
) -> None:
    from contract.settings import ConfigError, load_config

    config = etl_data_dir / "config.toml"
    config.write_text(CONFIG_TOML.replace("min_count = 3", setting), encoding="utf-8")
    assert setting in config.read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(config)
    assert message in str(error.value) and "\n" not in str(error.value)
    with pytest.raises(BuildError) as stopped:
        build_warehouse(data_dir=etl_data_dir)
    assert message in str(stopped.value)
    assert not warehouse_path(etl_data_dir).exists()


def test_allow_unsafe_lets_min_count_1_through_but_never_0(etl_data_dir: Path) -> None:
    from contract.settings import ConfigError, load_config

    config = etl_data_dir / "config.toml"
    unsafe = CONFIG_TOML.replace("min_count = 3", "min_count = 1\nallow_unsafe = true")
    config.write_text(unsafe, encoding="utf-8")
    checked = load_config(config).suppression
    assert (checked.min_count, checked.allow_unsafe) == (1, True)
    config.write_text(unsafe.replace("min_count = 1", "min_count = 0"), encoding="utf-8")
    with pytest.raises(ConfigError, match="min_count = 0 must be at least 1"):
        load_config(config)
