"""The benchmark code runs, on a tiny scale (benchmarks themselves are not tests: no timing
is asserted here). Also checks what the bench relies on: the ETL's ``[council] scope``
and the materialised views the ETL stores in a build."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from bench import etl_bench, query_bench
from bench.common import median_p95
from bench.pages import app_pages, browser_url
from contract.settings import DEFAULT_DATA_DIR, ConfigError, load_config
from demo.exclusions import FULL_YEAR, TERMLY

COUNCIL_LA = 931


@pytest.fixture(scope="module")
def england_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(raw folder, England-scope warehouse) from a tiny demo: the council + 1 other LA."""
    root = tmp_path_factory.mktemp("bench_smoke")
    raw, _ = etl_bench.generate(root / "raw", n_other_las=1, years=2, say=lambda _m: None)
    run = etl_bench.run_etl(raw, root / "england", "england")
    assert run.run.returncode == 0 and run.run.peak_mb > 0
    return raw, run.warehouse


def test_scope_setting(tmp_path: Path) -> None:
    base = (DEFAULT_DATA_DIR / "config.toml").read_text(encoding="utf-8")
    for scope, expected in (
        ('"council"', (COUNCIL_LA,)),
        ('"england"', None),
        ("[825, 850]", (825, 850, COUNCIL_LA)),
    ):
        path = tmp_path / "config.toml"
        path.write_text(etl_bench.config_text("council").replace('"council"', scope))
        assert load_config(path).council.school_la_codes() == expected
    path.write_text(base.replace("[council]", '[council]\nscope = "wales"'))
    with pytest.raises(ConfigError):
        load_config(path)


def test_england_scope_loads_every_las_schools(england_build: tuple[Path, Path]) -> None:
    raw, warehouse = england_build
    # Independently: School rows per LA in the raw exclusions file.
    expected = dict(
        duckdb.connect()
        .execute(
            # school-years: full years to 2020/21, then three term rows each
            "SELECT CAST(old_la_code AS INTEGER), count(DISTINCT (time_period, school_urn))"
            " FROM read_csv($paths, all_varchar = true, union_by_name = true)"
            " WHERE geographic_level = 'School' GROUP BY ALL",
            {"paths": [str(raw / FULL_YEAR), str(raw / TERMLY)]},
        )
        .fetchall()
    )
    assert len(expected) == 2 and COUNCIL_LA in expected
    con = queries.connect(warehouse)
    loaded = dict(
        con.execute(
            "SELECT CAST(s.laestab // 10000 AS INTEGER), count(*) FROM exclusions e"
            " JOIN schools s USING (urn) GROUP BY ALL"
        ).fetchall()
    )
    assert loaded == expected
    # Other LAs' schools: their LA is their locality, no partnership, no warnings.
    other_la = next(code for code in expected if code != COUNCIL_LA)
    localities = con.execute(
        "SELECT DISTINCT y.locality, y.partnership FROM school_year y JOIN schools s USING (urn)"
        " WHERE s.laestab // 10000 = $la",
        {"la": other_la},
    ).fetchall()
    assert len(localities) == 1 and localities[0][1] is None and localities[0][0]
    warned = con.execute(
        "SELECT count(*) FROM rejects WHERE rule = 'no_partnership' AND value IN"
        " (SELECT CAST(urn AS VARCHAR) FROM schools WHERE laestab // 10000 = $la)",
        {"la": other_la},
    ).fetchone()[0]
    assert warned == 0
    # the council's exclusions log covers its own schools: another LA's have no reason or
    # pupil-group rows (not rows of zeros)
    for table in ("exclusions_reason", "exclusions_characteristic"):
        by_la = dict(
            con.execute(
                f"SELECT CAST(s.laestab // 10000 AS INTEGER), count(*) FROM {table} t"  # noqa: S608
                " JOIN schools s USING (urn) GROUP BY ALL"
            ).fetchall()
        )
        assert set(by_la) == {COUNCIL_LA}, (table, by_la)


@pytest.mark.parametrize("in_memory_rows", [0, queries.PERSISTED_IN_MEMORY_ROWS])
def test_persisted_views_match_computed_ones(
    england_build: tuple[Path, Path], in_memory_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Persisted copies, read from their files (threshold 0) or loaded into memory (the
    default: every file of this tiny build is small), equal the views computed afresh."""
    monkeypatch.setattr(queries, "PERSISTED_IN_MEMORY_ROWS", in_memory_rows)
    _, warehouse = england_build
    assert (warehouse / queries.PERSISTED_DIR / "fingerprint.txt").is_file()
    fast = queries.connect(warehouse)
    plain = queries.connect(warehouse, materialize=False)
    persisted = {p.stem for p in (warehouse / queries.PERSISTED_DIR).glob("*.parquet")}
    read_from_files = {
        name
        for name, sql in fast.execute("SELECT view_name, sql FROM duckdb_views()").fetchall()
        if "read_parquet" in sql and str(queries.PERSISTED_DIR) in sql
    }
    in_memory = {
        row[0] for row in fast.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    }
    assert {"int_exclusion_reason_schools", "area_measure_year_schools"} <= persisted
    if in_memory_rows == 0:
        assert read_from_files == persisted
    else:
        assert read_from_files | (in_memory & persisted) == persisted
    for view in sorted(persisted):
        columns = [c for c in fast.table(view).columns]
        order = ", ".join(f'"{c}"' for c in columns)
        a = fast.execute(f'SELECT * FROM "{view}" ORDER BY {order}').df()  # noqa: S608
        b = plain.execute(f'SELECT * FROM "{view}" ORDER BY {order}').df()  # noqa: S608
        assert len(a) == len(b) > 0, view
        # sums of doubles may differ in the last bit (summation order), nothing more
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, obj=view)


def test_query_bench_runs_every_named_query(england_build: tuple[Path, Path]) -> None:
    _, warehouse = england_build
    con, connect_ms = query_bench.open_connection(warehouse)
    assert connect_ms > 0
    timings = query_bench.time_queries(con, repeats=1)
    names = {t.name.split(" (")[0] for t in timings}
    assert {"measure_by_area", "exclusions_by_reason", "locality_vs_county"} <= names
    broken = [t for t in timings if t.error and "guessed" not in t.name]
    assert broken == []
    views = query_bench.time_views(con, repeats=1)
    total = {t.name: t.rows for t in views}
    assert (
        total["area_measure_year"]
        == con.execute("SELECT count(*) FROM area_measure_year").fetchone()[0]
    )


def test_helpers() -> None:
    assert median_p95([1.0, 2.0, 3.0, 4.0, 100.0]) == (3.0, pytest.approx(80.8))
    pages = app_pages()
    # url paths may change (contract/pages.py owns them); files and titles the bench needs
    assert any(page.file_name == "county_overview.py" and page.title for page in pages)
    assert all(page.path.is_file() for page in pages)
    assert [page.url_path for page in app_pages(["locality"])] == ["locality"]
    # the browser opens each page where users do: the default page at the site root
    urls = {page.file_name: browser_url("http://app", page.url_path) for page in pages}
    assert urls["county_overview.py"] == "http://app/"
    assert sum(url == "http://app/" for url in urls.values()) == 1
    assert urls["locality.py"].startswith("http://app/") and urls["locality.py"] != "http://app/"
