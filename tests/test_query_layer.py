"""The query layer itself: connect(), view ordering, parameters, whitelists, contract checks."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import named_query_params
import pandas as pd
import pyarrow.parquet as pq
import pytest
from views_warehouse import (
    BANBURY,
    BN,
    CONFIG,
    KINGS,
    KS,
    TABLES,
    Y1,
    Y2,
    build_tiny_warehouse,
    tiny_connection,
    view,
    write_table,
)

import queries
from contract import catalogue
from queries import QueryLayerError, layers

ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = tiny_connection(tmp_path_factory.mktemp("warehouse"))
    yield connection
    connection.close()


# --------------------------------------------------------------------------- contract


def _doc_section(title: str) -> str:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_schema_matches_architecture_doc():
    documented: dict[str, set[str]] = {}
    for line in _doc_section("Warehouse tables").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        columns = set()
        for span in re.findall(r"`([^`]*)`", cells[2]):
            for token in span.split(","):
                match = re.match(r"\s*([a-z_][a-z0-9_]*)", token)
                if match:
                    columns.add(match.group(1))
        documented[cells[0].strip("`")] = columns
    assert set(documented) == set(queries.WAREHOUSE_SCHEMA)
    for table, columns in documented.items():
        ours = {name for name, _ in queries.WAREHOUSE_SCHEMA[table]}
        assert columns <= ours, f"{table}: {columns - ours}"
        for name, sql_type in queries.WAREHOUSE_SCHEMA[table]:
            if table not in {"benchmarks", "schools", "school_year"} and sql_type in {
                "BIGINT",
                "DOUBLE",
            }:
                assert f"{name}_flag" in ours, f"{table}.{name} has no flag column"


def test_fixture_parquet_has_contract_types(tmp_path):
    folder = build_tiny_warehouse(tmp_path)
    schema = pq.read_schema(folder / "exclusions.parquet")
    assert str(schema.field("time_period").type) == "int32"
    assert str(schema.field("headcount").type) == "int64"
    # exclusions to 2009/10 are published as fractions: kept as published (DOUBLE)
    assert str(schema.field("perm_excl").type) == "double"
    assert str(schema.field("susp_flag").type) == "string"
    assert str(pq.read_schema(folder / "ks4.parquet").field("att8_total").type) == "double"


# --------------------------------------------------------------------------- connect


def test_settings_and_views(con):
    assert con.execute(
        "SELECT min_count, min_denominator, council_name FROM settings"
    ).fetchall() == [(3, 10, "Oxfordshire")]
    public = queries.list_views(con)
    assert "area_measure_year" in public and "locality_vs_county" in public
    assert not any(name.startswith("int_") for name in public)
    assert "stg_measure_fact" in queries.list_views(con, internal=True)


def test_functions_work_on_a_cursor(con):
    # explorer/data.py hands each thread a cursor of the cached connection
    cursor = con.cursor()
    frame = queries.measure_by_area(cursor, "Locality", "pupils", Y2)
    assert sorted(frame.loc[~frame["is_reference"], "value"]) == [620, 975]  # 610+10, 310+460+205


def test_materialized_and_plain_views_agree(tmp_path, con):
    plain = queries.connect(build_tiny_warehouse(tmp_path), CONFIG, materialize=False)
    kinds = dict(
        plain.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall()
    )
    assert kinds["int_area_aggregate_measure_year"] == "VIEW"
    assert (
        dict(
            con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall()
        )["int_area_aggregate_measure_year"]
        == "BASE TABLE"
    )
    for name in queries.list_views(con):
        pd.testing.assert_frame_equal(
            con.execute(f"SELECT * FROM {name} ORDER BY ALL").df(),  # noqa: S608 - our own view names
            plain.execute(f"SELECT * FROM {name} ORDER BY ALL").df(),  # noqa: S608
            obj=name,
        )
    plain.close()


def test_missing_optional_table_is_an_empty_stand_in(tmp_path):
    folder = build_tiny_warehouse(tmp_path, skip=("ks4", "rejects", "locality_boundaries"))
    assert not (folder / "ks4.parquet").exists()
    connection = queries.connect(folder, CONFIG)
    for name in queries.list_views(connection, internal=True):
        connection.table(name).fetchall()  # every view still builds and runs
    amy = view(connection, "area_measure_year")
    assert "ks4_attainment8" not in set(amy["measure"])
    assert "ks2_rwm_expected_percent" in set(amy["measure"])
    assert "ks4_attainment8" in set(queries.list_measures(connection)["measure"])
    assert list(queries.rejects(connection).columns)[-1] == "severity"
    assert queries.rejects(connection).empty and queries.locality_boundaries(connection).empty
    types = dict(
        connection.execute("SELECT column_name, column_type FROM (DESCRIBE ks4)").fetchall()
    )
    assert types["att8_total"] == "DOUBLE" and types["pupils"] == "BIGINT"
    connection.close()


def test_missing_required_table_or_folder(tmp_path):
    with pytest.raises(QueryLayerError, match="school_year"):
        queries.connect(build_tiny_warehouse(tmp_path / "a", skip=("school_year",)), CONFIG)
    with pytest.raises(QueryLayerError, match="No warehouse"):
        queries.connect(tmp_path / "nowhere", CONFIG)


def test_contract_mismatch_is_a_clear_error(tmp_path):
    folder = build_tiny_warehouse(tmp_path)
    pq.write_table(
        pq.read_table(folder / "exclusions.parquet").drop(["susp_flag"]),
        folder / "exclusions.parquet",
    )
    with pytest.raises(QueryLayerError, match="susp_flag"):
        queries.connect(folder, CONFIG)


def test_warehouse_path_with_a_quote(tmp_path):
    connection = tiny_connection(tmp_path / "King's build")
    assert len(queries.list_years(connection)) == 2
    connection.close()


def test_build_report(tmp_path):
    folder = build_tiny_warehouse(tmp_path)
    assert queries.build_report(folder)["build_id"] == "tiny-test"
    assert queries.build_report(tmp_path / "nowhere") == {}


# --------------------------------------------------------------------------- view ordering


def _views(folder: Path, **bodies: str) -> Path:
    folder.mkdir()
    for name, body in bodies.items():
        (folder / f"{name}.sql").write_text(body, encoding="utf-8")
    return folder


def test_views_are_created_in_dependency_order(tmp_path):
    views = _views(
        tmp_path / "views",
        # alphabetical order would create aa_top first and fail
        aa_top="SELECT count(*) AS n FROM mm_middle",
        mm_middle="-- not aa_top\nSELECT urn, 'aa_top' AS label FROM zz_base",
        zz_base="SELECT urn, school_name FROM school_year",
    )
    connection = queries.connect(build_tiny_warehouse(tmp_path / "wh"), CONFIG, views_dir=views)
    assert connection.execute("SELECT n FROM aa_top").fetchall() == [(12,)]  # 6 schools x 2 years
    connection.close()


def test_view_build_order_ignores_comments_strings_columns_and_calls():
    order = queries.view_build_order(
        {
            "base": "SELECT 1 AS x",
            "uses": "SELECT * FROM base",
            "top": "SELECT u.x FROM uses AS u",
            "noise": "-- base\nSELECT 'base' AS s, t.base, base(1) FROM other AS t",
        }
    )
    assert order.index("base") < order.index("uses") < order.index("top")
    assert set(order) == {"base", "uses", "top", "noise"}


def test_view_cycle_is_reported(tmp_path):
    views = _views(tmp_path / "views", one="SELECT * FROM two", two="SELECT * FROM one")
    with pytest.raises(QueryLayerError, match="cycle: one -> two -> one"):
        queries.connect(build_tiny_warehouse(tmp_path / "wh"), CONFIG, views_dir=views)


def test_unknown_reference_is_reported(tmp_path):
    views = _views(tmp_path / "views", broken="SELECT * FROM no_such_table")
    with pytest.raises(QueryLayerError, match=r"broken .*no_such_table"):
        queries.connect(build_tiny_warehouse(tmp_path / "wh"), CONFIG, views_dir=views)


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize("level", ["Ward", "locality", "Locality'; DROP TABLE settings; --", ""])
def test_level_whitelist(con, level):
    with pytest.raises(ValueError, match="level must be one of"):
        queries.measure_by_area(con, level, "pupils", Y2)
    with pytest.raises(ValueError, match="level must be one of"):
        queries.exclusions_by_reason(con, level, BANBURY)
    with pytest.raises(ValueError, match="level must be one of"):
        queries.area_measure_trend(con, level, BANBURY, "pupils")


def test_reference_levels_only_where_they_make_sense(con):
    trend = queries.area_measure_trend(
        con, "National", "England", "perm_excl_rate", references=False
    )
    assert trend["value"].tolist() == pytest.approx([8000 / 9_000_000 * 100, 0.1])
    with pytest.raises(ValueError):
        queries.exclusion_trend(con, "National", "England")


def test_parameters_are_bound_not_formatted(con):
    kings = queries.list_schools(con, locality=KINGS)
    assert kings["urn"].tolist() == [100004, 100005]  # Delta School, Epsilon Primary
    assert queries.list_schools(con, locality="x' OR '1'='1").empty
    assert queries.list_schools(con, locality="'; DROP TABLE settings; --").empty
    assert con.execute("SELECT count(*) FROM settings").fetchall() == [(1,)]


def test_run_checks_names_and_parameters(con):
    with pytest.raises(TypeError, match="locality"):
        queries.run(con, "list_partnerships")
    with pytest.raises(TypeError, match="typo"):
        queries.run(con, "list_partnerships", locality=None, typo=1)
    with pytest.raises(ValueError, match="Not a query name"):
        queries.run(con, "../views/area_measure_year")
    with pytest.raises(ValueError, match="No query file"):
        queries.run(con, "no_such_query")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (202324, 202324),
        ("202324", 202324),
        ("2023/24", 202324),
        ("2023-24", 202324),
        ("2023/2024", 202324),
        ("1999/00", 199900),
        (None, None),
    ],
)
def test_period(given, expected):
    assert queries.period(given) == expected


@pytest.mark.parametrize("given", ["2023/25", "2023", "23/24", True, "2023/24; DROP"])
def test_period_rejects(given):
    with pytest.raises(ValueError):
        queries.period(given)


def test_period_label():
    assert (
        queries.period_label(202324) == "2023/24" and queries.period_label("1999-00") == "1999/00"
    )


# --------------------------------------------------------------------------- pickers


def test_lists(con):
    assert queries.list_years(con)[["time_period", "year"]].values.tolist() == [
        [Y2, "2023/24"],
        [Y1, "2022/23"],
    ]
    localities = queries.list_localities(con)
    assert localities["locality"].tolist() == [BANBURY, KINGS]
    assert localities["n_partnerships"].tolist() == [2, 1]
    assert localities["n_schools"].tolist() == [3, 2]
    assert queries.list_partnerships(con)["partnership"].tolist() == [BN, "Banbury South", KS]
    assert queries.list_partnerships(con, locality=KINGS)["partnership"].tolist() == [KS]
    north_then = queries.list_schools(con, partnership=BN, time_period="2022/23")
    assert north_then["urn"].tolist() == [100001, 100002]
    assert queries.list_schools(con, partnership=BN)["urn"].tolist() == [100001]  # latest year
    assert queries.list_measures(con, subject="Attainment")["measure"].tolist() == [
        "ks2_rwm_expected_percent",
        "ks4_attainment8",
    ]


def test_table_for_download_whitelist(con):
    frame = queries.table_for_download(con, "area_measure_year")
    assert len(frame) == len(view(con, "area_measure_year"))
    for name in ("int_area_measure_year", "exclusions", "settings", "area_measure_year; --"):
        with pytest.raises(ValueError):
            queries.table_for_download(con, name)
    for name in queries.DOWNLOADABLE:
        assert not queries.table_for_download(con, name).empty


# --------------------------------------------------------------------------- no leaks


COUNT_COLUMNS = {
    "headcount",
    "perm_excl",
    "susp",
    "one_plus_susp",
    "pupils",
    "ehc_plan_count",
}


MIN_COUNT, MIN_DENOMINATOR = 3, 10  # CONFIG's thresholds
#: Published by the DfE for LAs, regions and England only (EHC plans): shown as published,
#: never re-suppressed (queries/intermediate/int_checked_area_measure_year.sql).
AREA_ONLY = {m.measure for m in catalogue.MEASURES if m.area_only}


def _small_numbers(frame: pd.DataFrame, kinds: dict[str, str]) -> list[str]:
    """What a result shows that suppression should have hidden: a count below the
    threshold, a count or rate's numerator below it or a rate or mean's denominator below
    its threshold, a number beside its own ``*_suppressed`` flag or a hidden figure's
    value, numerator or denominator."""
    found: list[str] = []
    if "measure" in frame.columns:
        frame = frame[~frame["measure"].isin(AREA_ONLY)]
    for column in COUNT_COLUMNS & set(frame.columns):
        shown = pd.to_numeric(frame[column], errors="coerce").dropna()
        if ((shown > 0) & (shown < MIN_COUNT)).any():
            found.append(f"{column} shows a count below {MIN_COUNT}")
    if {"measure", "numerator"} <= set(frame.columns):
        kind = frame["measure"].map(kinds)
        numerator = pd.to_numeric(frame["numerator"], errors="coerce")
        small = kind.isin(["count", "rate"]) & (numerator > 0) & (numerator < MIN_COUNT)
        if small.any():
            found.append("a count or rate's numerator below the threshold is shown")
        if "denominator" in frame.columns:
            denominator = pd.to_numeric(frame["denominator"], errors="coerce")
            if (kind.isin(["rate", "mean"]) & (denominator < MIN_DENOMINATOR)).any():
                found.append("a rate or mean's denominator below the threshold is shown")
    if "suppressed" in frame.columns:
        hidden = frame[frame["suppressed"].fillna(False).astype(bool)]
        for column in {"value", "numerator", "denominator"} & set(frame.columns):
            if hidden[column].notna().any():
                found.append(f"a suppressed row shows its {column}")
    for flag in [c for c in frame.columns if c.endswith("_suppressed")]:
        hidden = frame[flag].fillna(False).astype(bool)
        stem = flag.removesuffix("_suppressed")
        for column in {stem, f"{stem}_value"} & set(frame.columns):
            numbers = pd.api.types.is_numeric_dtype(frame[column])
            if numbers and frame.loc[hidden, column].notna().any():
                found.append(f"{column} is shown where {flag} is true")
    return found


def test_public_views_never_show_small_counts(con):
    """Property check over every public view: no count of 1 or 2 is ever visible."""
    kinds = dict(con.execute("SELECT measure, kind FROM measures").fetchall())
    checked = 0
    for name in queries.list_views(con):
        frame = view(con, name)
        assert _small_numbers(frame, kinds) == [], name
        for column in COUNT_COLUMNS & set(frame.columns):
            checked += frame[column].notna().sum()
    assert checked > 100
    amy = view(con, "area_measure_year").merge(queries.list_measures(con)[["measure", "kind"]])
    small = amy[amy["kind"].isin(["count", "rate"])]
    assert not small["numerator"].dropna().isin([1, 2]).any()
    rates = amy[amy["kind"].isin(["rate", "mean"])]
    assert not (rates["denominator"].dropna() < 10).any()
    hidden = amy[amy["suppressed"]]
    assert len(hidden) > 10
    assert hidden[["value", "numerator", "denominator"]].isna().all().all()


def test_named_queries_never_show_small_numbers(con):
    """The same property over every named query (what the pages and packs show), each run
    with many combinations of its parameters (tests/named_query_params.py: every level
    and area, measure, year, locality … of the tiny warehouse, up to a fixed sample)."""
    kinds = dict(con.execute("SELECT measure, kind FROM measures").fetchall())
    runs = rows = 0
    for name in sorted(layers.named_files()):
        _, parameters = queries._query_text(name)
        produced = 0
        for combo in named_query_params.combinations(con, parameters, name):
            frame = queries.run(con, name, **combo)
            assert _small_numbers(frame, kinds) == [], (name, combo)
            runs += 1
            produced += len(frame)
        assert produced > 0 or name in {"rejects_page"}, f"{name} never returned a row"
        rows += produced
    assert runs > 400 and rows > 2_000


def test_the_small_number_check_can_fail(con):
    """The check above finds what the unsuppressed layers hold (so it can fail)."""
    kinds = dict(con.execute("SELECT measure, kind FROM measures").fetchall())
    raw = con.execute("SELECT measure, numerator, denominator FROM int_area_measure_year").df()
    assert _small_numbers(raw, kinds) == [
        "a count or rate's numerator below the threshold is shown",
        "a rate or mean's denominator below the threshold is shown",
    ]
    counts = con.execute("SELECT perm_excl FROM int_exclusion_reason_area_year").df()
    assert _small_numbers(counts, kinds) == ["perm_excl shows a count below 3"]
    flagged = pd.DataFrame({"pupils": [5], "pupils_suppressed": [True]})
    assert _small_numbers(flagged, kinds) == ["pupils is shown where pupils_suppressed is true"]


def test_fixture_covers_what_the_brief_asks_for():
    # a guard that the fixture keeps its edge cases if someone edits it
    exclusions = pd.DataFrame(TABLES["exclusions"])
    assert (exclusions["susp_flag"] == "c").sum() == 1
    school_year = pd.DataFrame(TABLES["school_year"])
    assert school_year.groupby("urn")["partnership"].nunique().max() == 2
    assert school_year["partnership"].isna().any()
    assert pd.DataFrame(TABLES["pupils"])["headcount"].min() < 10
    assert set(pd.DataFrame(TABLES["benchmarks"])["geographic_level"]) == {
        "National",
        "Regional",
        "Local authority",
    }


def test_write_table_rejects_unknown_columns(tmp_path):
    with pytest.raises(KeyError):
        write_table(tmp_path, "ks4", [{"time_period": Y2, "urn": 1, "not_a_column": 1}])


def test_persisted_views_are_not_served_after_a_table_file_changes(tmp_path: Path) -> None:
    """connect() reads the build's persisted views only while the table files they were
    computed from are the same files; an edited copy of a build is computed afresh."""
    folder = build_tiny_warehouse(tmp_path / "build")
    queries.persist_materialized_views(folder, CONFIG)
    assert (folder / queries.PERSISTED_DIR / "fingerprint.txt").is_file()
    before = queries.connect(folder, CONFIG)
    county_before = view(before, "area_measure_year").query(
        "level == 'County' and measure == 'perm_excl'"
    )
    before.close()
    # Double every permanent exclusion in the table file (a new file: new size or mtime).
    doubled = [
        {**row, "perm_excl": None if row.get("perm_excl") is None else 2 * row["perm_excl"]}
        for row in TABLES["exclusions"]
    ]
    write_table(folder, "exclusions", doubled)
    after = queries.connect(folder, CONFIG)
    county_after = view(after, "area_measure_year").query(
        "level == 'County' and measure == 'perm_excl'"
    )
    after.close()
    merged = county_before.merge(county_after, on="time_period", suffixes=("_before", "_after"))
    assert not merged.empty
    assert (merged["numerator_after"] == 2 * merged["numerator_before"]).all()


def test_persisted_views_row_groups_follow_their_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Persisted views of millions of rows keep the large row groups they are written in
    (fewer to plan on every query); smaller ones are rewritten in small groups, keeping the
    view's row order, and connect() serves the same rows as the views computed afresh.
    Thresholds scaled down to the tiny warehouse (whose files fit one row group either way,
    so which files were rewritten is observed instead)."""
    folder = build_tiny_warehouse(tmp_path / "build")
    stored = folder / queries.PERSISTED_DIR
    plain = queries.connect(folder, CONFIG, materialize=False)
    sizes = {
        name: plain.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
        for name in ("area_measure_year_areas", "area_measure_year_schools")
    }
    small, large = sorted(sizes, key=sizes.get)
    assert sizes[small] < sizes[large]
    monkeypatch.setattr(queries, "PERSISTED_IN_MEMORY_ROWS", 0)
    monkeypatch.setattr(queries, "PERSISTED_LARGE_ROWS", sizes[large])
    rewritten: list[str] = []
    replace = Path.replace

    def spy(self: Path, target: Path) -> Path:
        rewritten.append(Path(target).stem)
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", spy)
    queries.persist_materialized_views(folder, CONFIG)
    assert small in rewritten and large not in rewritten
    assert not list(stored.glob("*.small.parquet"))
    for name, rows in sizes.items():
        assert pq.read_metadata(stored / f"{name}.parquet").num_rows == rows
    areas = pq.read_table(stored / "area_measure_year_areas.parquet").to_pandas()
    keys = ["level", "measure", "time_period", "area"]
    assert areas[keys].equals(areas[keys].sort_values(keys).reset_index(drop=True))
    fast = queries.connect(folder, CONFIG)
    for name in sizes:
        assert (
            "read_parquet"
            in fast.execute(
                "SELECT sql FROM duckdb_views() WHERE view_name = $name", {"name": name}
            ).fetchone()[0]
        )
    columns = ", ".join(f'"{c}"' for c in plain.table("area_measure_year").columns)
    sql = f"SELECT * FROM area_measure_year ORDER BY {columns}"  # noqa: S608
    pd.testing.assert_frame_equal(fast.execute(sql).df(), plain.execute(sql).df())
    fast.close()
    plain.close()


@pytest.mark.parametrize("where", ["", "WHERE i > 10"])
@pytest.mark.parametrize(
    "extra", ["", ", [1, 2] AS list_column", ", 1.5::DECIMAL(10, 2) AS decimal_column"]
)
def test_query_results_are_the_frames_duckdb_gives(where: str, extra: str) -> None:
    """run() builds results through Arrow when every column is text, a number or a boolean,
    and hands other types to DuckDB's .df(): either way the DataFrame, dtypes included, is
    the one .df() gives (nullable integers and booleans with NULLs, all-NULL text as object,
    empty results)."""
    rows = (
        "(VALUES (1::INTEGER, 1::BIGINT, NULL::INTEGER, true, NULL::BOOLEAN, 'a', NULL::VARCHAR,"
        " 1.5::DOUBLE, 3::SMALLINT, NULL::BIGINT, 5::BIGINT),"
        " (2, 2, 3, false, true, NULL, NULL, NULL, NULL, NULL, NULL))"
        " AS t(i, b, i_null, flag, flag_null, s, s_null, d, small_null, all_null, b_null)"
    )
    sql = f"SELECT *{extra} FROM {rows} {where}"  # noqa: S608 - the test's own fragments
    con = duckdb.connect()
    expected = con.execute(sql).df()
    frame = queries._frame(con.execute(sql))
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert len(frame) == (0 if where else 2)
    con.close()


def test_persisted_school_rows_are_stored_in_the_ranking_order(tmp_path: Path) -> None:
    """Within each measure and year the stored School rows are already in
    measure_by_area's order (highest value first, hidden values last, ties by name), so
    its sort of every school in England meets sorted rows (a speed-up only: the query
    sorts all the same)."""
    folder = build_tiny_warehouse(tmp_path / "build")
    queries.persist_materialized_views(folder, CONFIG)
    stored = pq.read_table(
        folder / queries.PERSISTED_DIR / "area_measure_year_schools.parquet"
    ).to_pandas()
    con = queries.connect(folder, CONFIG)
    checked = 0
    for (measure, time_period), rows in stored.groupby(["measure", "time_period"], sort=False):
        ranked = queries.measure_by_area(con, "School", measure, time_period)
        assert rows["area"].tolist() == ranked.loc[~ranked["is_reference"], "area"].tolist()
        checked += rows["value"].isna().any() and rows["value"].notna().sum() > 1
    con.close()
    assert checked > 0  # some year ranks several values and a hidden one
