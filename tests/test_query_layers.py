"""The SQL layers are the privacy rule (queries/layers.py, docs/architecture.md "Layers and
suppression"): from what DuckDB's parser says each view and named query reads, no named
query reads anything unsuppressed, a public view that reads unsuppressed numbers applies
the suppression itself, staging reads only warehouse tables, and every view's folder and
prefix agree. Each rule is shown failing on a deliberately bad fixture."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from views_warehouse import CONFIG, build_tiny_warehouse, tiny_connection

import queries
from queries import catalogue_sql, complementary, layers
from queries.layers import INTERMEDIATE, PUBLIC, STAGING, QueryLayerError


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = tiny_connection(tmp_path_factory.mktemp("layers"))
    yield connection
    connection.close()


def _views() -> dict[str, tuple[str, str]]:
    """Every view of the layer folders: name -> (its folder, its SQL)."""
    return {
        name: (path.parent.name, catalogue_sql.expand(path.read_text(encoding="utf-8")))
        for name, path in layers.view_files().items()
    } | {catalogue_sql.VIEW: (STAGING, catalogue_sql.measure_fact_sql())}  # from the catalogue


def _named() -> dict[str, str]:
    return {
        name: catalogue_sql.expand(path.read_text(encoding="utf-8"))
        for name, path in layers.named_files().items()
    }


def _problems(con, views=None, named=None, macros=None) -> list[str]:
    return layers.check(
        _views() if views is None else views,
        _named() if named is None else named,
        layers.macro_reads(con) if macros is None else macros,
        queries.WAREHOUSE_SCHEMA,
        computed={complementary.TABLE: INTERMEDIATE},
    )


# --------------------------------------------------------------------------- the project


def test_every_view_and_named_query_keeps_to_its_layer(con):
    assert _problems(con) == []


def test_the_layers_hold_what_their_names_say(con):
    views = _views()
    assert {folder for folder, _ in views.values()} == {STAGING, INTERMEDIATE, PUBLIC}
    for name, (folder, _) in views.items():
        assert layers.layer_of(name) == folder, name
    assert "stg_measure_fact" in views and views["stg_measure_fact"][0] == STAGING
    # every view the connection built, and nothing the connection built is outside them
    built = set(queries.list_views(con, internal=True))
    assert built == set(views)
    assert set(queries.list_views(con)) == {n for n, (f, _) in views.items() if f == PUBLIC}
    # the Data page offers public views and tables without figures only
    for name in queries.DOWNLOADABLE:
        assert name in views and views[name][0] == PUBLIC or name in {"measures", "rejects"}


def test_every_warehouse_table_is_classified():
    assert layers.DIMENSION_TABLES <= set(queries.WAREHOUSE_SCHEMA)
    # a table added to the warehouse holds figures until someone says otherwise
    assert "exclusions" not in layers.DIMENSION_TABLES
    assert "benchmarks" not in layers.DIMENSION_TABLES


def test_every_named_query_reads_a_public_view_or_a_table_without_figures(con):
    views = _views()
    macros = layers.macro_reads(con)
    for name, sql in _named().items():
        reads = layers.resolve(layers.parse(sql), macros).relations
        for relation in reads:
            assert (
                relation in layers.SETTINGS_TABLES
                or relation in layers.DIMENSION_TABLES
                or views[relation][0] == PUBLIC
            ), (name, relation)


# --------------------------------------------------------------------------- bad fixtures


def test_a_named_query_reading_an_int_view_fails(con):
    named = {**_named(), "leaky": "SELECT numerator FROM int_area_measure_year WHERE $x = 1"}
    assert _problems(con, named=named) == [
        "named query leaky (named) reads int_area_measure_year (intermediate)"
    ]


@pytest.mark.parametrize(
    ("sql", "reads"),
    [
        ("SELECT sum(perm_excl) FROM exclusions", "exclusions (figures)"),
        ("SELECT * FROM stg_measure_fact", "stg_measure_fact (staging)"),
        ("SELECT * FROM int_complementary_cells", "int_complementary_cells (intermediate)"),
        # hidden in a CTE, a subquery and a UNION branch
        (
            "WITH a AS (SELECT * FROM area_measure_year) SELECT * FROM a"
            " WHERE area IN (SELECT area FROM int_school_area)",
            "int_school_area (intermediate)",
        ),
        (
            "SELECT area FROM area_measure_year UNION ALL SELECT CAST(urn AS VARCHAR) FROM pupils",
            "pupils (figures)",
        ),
    ],
)
def test_a_named_query_reading_anything_unsuppressed_fails(con, sql, reads):
    problems = _problems(con, named={"leaky": sql})
    assert problems == [f"named query leaky (named) reads {reads}"]


def test_a_macro_reading_a_fact_table_counts_as_reading_it(tmp_path):
    scratch = duckdb.connect(":memory:")
    scratch.execute("CREATE TABLE exclusions (perm_excl BIGINT)")
    scratch.execute("CREATE MACRO sneaky() AS (SELECT max(perm_excl) FROM exclusions)")
    scratch.execute("CREATE MACRO wrapper() AS sneaky() + 1")
    problems = layers.check(
        {},
        {"leaky": "SELECT wrapper() AS n"},
        layers.macro_reads(scratch),
        queries.WAREHOUSE_SCHEMA,
    )
    scratch.close()
    assert problems == ["named query leaky (named) reads exclusions (figures)"]


def test_a_public_view_must_apply_suppression_to_what_it_reads_unsuppressed(con):
    views = _views()
    leaky = {**views, "leaky": (PUBLIC, "SELECT level, area, numerator FROM int_area_measure_year")}
    assert _problems(con, views=leaky) == [
        "view leaky (public) reads int_area_measure_year (unsuppressed) and applies no"
        " suppression (no macro of macros/suppression.sql, no complementary cells)"
    ]
    suppressed = {
        **views,
        "fine": (PUBLIC, "SELECT suppress_count(numerator) AS n FROM int_area_measure_year"),
        "also_fine": (PUBLIC, "SELECT * FROM area_measure_year"),
    }
    assert _problems(con, views=suppressed) == []


def test_a_staging_view_reads_warehouse_tables_only(con):
    views = {**_views(), "stg_bad": (STAGING, "SELECT * FROM int_school_area")}
    assert _problems(con, views=views) == [
        "view stg_bad (staging) reads int_school_area (intermediate)"
    ]
    views = {**_views(), "stg_fine": (STAGING, "SELECT urn, min_count() FROM pupils, settings")}
    assert _problems(con, views=views) == []


def test_a_view_whose_folder_and_prefix_disagree_fails(con, tmp_path, monkeypatch):
    views = {**_views(), "int_misplaced": (PUBLIC, "SELECT 1 AS x")}
    assert _problems(con, views=views) == [
        "view int_misplaced is in public/ but its name says intermediate"
    ]
    # and connect() refuses such a layout
    folders = {layer: tmp_path / layer for layer in layers.VIEW_DIRS}
    for folder in folders.values():
        folder.mkdir()
    (folders[PUBLIC] / "int_misplaced.sql").write_text("SELECT 1 AS x", encoding="utf-8")
    monkeypatch.setattr(layers, "VIEW_DIRS", folders)
    with pytest.raises(QueryLayerError, match="int_misplaced is in public/ but its name says"):
        queries.connect(build_tiny_warehouse(tmp_path / "wh"), CONFIG, materialize=False)


def test_unknown_relations_are_reported(con):
    assert _problems(con, named={"typo": "SELECT * FROM area_measure_yera"}) == [
        "named query typo reads area_measure_yera, which is no view or table"
    ]


# --------------------------------------------------------------------------- the parser


def test_dependencies_come_from_duckdbs_parser():
    reads = layers.parse(
        """
        -- FROM commented_out
        WITH a AS (SELECT * FROM t1), b AS (SELECT * FROM a JOIN t2 USING (x))
        SELECT 'FROM in_a_string' AS s, b.t9, t8(1) AS f, my_macro(z),
            (SELECT max(y) FROM t3 WHERE t3.k = b.k) AS m
        FROM b
        WHERE x IN (SELECT x FROM t4) AND $p = 1
            AND EXISTS (WITH t1 AS (SELECT 1) SELECT * FROM t1, t7)
        UNION ALL SELECT * FROM (SELECT * FROM t5) AS s SEMI JOIN t6 ON true
        UNION ALL SELECT * FROM read_parquet('f.parquet')
        """
    )
    # CTE names are not relations; a CTE named like a table shadows it only where in scope
    assert reads.relations == {"t1", "t2", "t3", "t4", "t5", "t6", "t7"}
    assert {"my_macro", "t8", "max", "read_parquet"} <= reads.functions
    assert reads.parameters == {"p"}


def test_a_cte_reading_the_table_it_shadows_still_reads_it():
    assert layers.parse("WITH pupils AS (SELECT * FROM pupils) SELECT * FROM pupils").relations == {
        "pupils"
    }
    recursive = layers.parse(
        "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3)"
        " SELECT * FROM r"
    )
    assert recursive.relations == frozenset()


def test_a_body_that_is_not_one_select_is_an_error():
    with pytest.raises(QueryLayerError):
        layers.parse("CREATE VIEW v AS SELECT 1")
    with pytest.raises(QueryLayerError, match="one SELECT"):
        layers.parse("SELECT 1; SELECT 2")


def test_the_build_order_follows_the_parser(tmp_path: Path):
    order = queries.view_build_order(
        {
            "top": "WITH base AS (SELECT 2 AS x) SELECT * FROM uses, base",
            "uses": "SELECT * FROM (SELECT * FROM base) UNION ALL SELECT 1",
            "base": "SELECT 1 AS x",
        }
    )
    assert order.index("base") < order.index("uses") < order.index("top")


def test_a_view_duckdb_cannot_parse_is_named(tmp_path: Path):
    views = tmp_path / "views"
    views.mkdir()
    (views / "fine.sql").write_text("SELECT 1 AS x", encoding="utf-8")
    (views / "broken.sql").write_text("SELEC 1 AS x", encoding="utf-8")
    with pytest.raises(QueryLayerError, match="View broken cannot be parsed"):
        queries.connect(build_tiny_warehouse(tmp_path / "wh"), CONFIG, views_dir=views)
