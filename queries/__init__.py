"""Query layer: warehouse Parquet -> DuckDB views -> pandas DataFrames.

Pure Python (no Streamlit). ``connect()`` opens an in-memory DuckDB database over
one warehouse build; every other public function takes that connection (or a
cursor of it) and returns a DataFrame. Pages never write SQL: each function
runs a named query file ``queries/named/<name>.sql`` with its ``$name`` parameters
bound by DuckDB, never formatted into the SQL text.

What connect() creates, in order (docs/architecture.md, "Layers and suppression";
the rules are in queries/layers.py and tests/test_query_layers.py):

* warehouse tables: one view per ``<table>.parquet`` (empty typed stand-ins for
  missing optional tables);
* ``settings`` (suppression thresholds and council codes from data/config.toml),
  ``withheld_ranges`` and ``measures`` (contract/measures.csv) tables;
* macro scripts ``queries/macros/*.sql`` (suppression lives in ``suppression.sql``);
* the views of three folders, in the order DuckDB's parser says they read each other:
  ``staging/stg_*`` (read warehouse tables only) and ``intermediate/int_*`` hold
  unsuppressed numbers; ``public/`` views (no prefix) are suppressed, and are the only
  views named queries (``named/``) read.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import warnings
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from contract import catalogue, periods, safe_export, symbols
from contract import settings as settings_contract
from contract.schema import SCHEMA
from queries import access, catalogue_sql, complementary, layers
from queries.layers import QueryLayerError

QUERIES_DIR = Path(__file__).resolve().parent
#: The folders of the three view layers (staging, intermediate, public); see queries.layers.
VIEW_DIRS: tuple[Path, ...] = tuple(layers.VIEW_DIRS.values())
#: The code that writes the measure-fact view (part of the persisted views' fingerprint).
CATALOGUE_SQL_CODE = QUERIES_DIR / "catalogue_sql.py"
PROJECT_DIR = QUERIES_DIR.parent
DEFAULT_WAREHOUSE = PROJECT_DIR / "data" / "warehouse"

#: Levels built from the council's own schools.
AREA_LEVELS: tuple[str, ...] = ("County", "Locality", "Partnership", "School")
#: Published DfE figures (from the ``benchmarks`` table) shown for reference.
REFERENCE_LEVELS: tuple[str, ...] = ("National", "Regional", "LA")

#: The warehouse contract (docs/architecture.md): table -> [(column, DuckDB type)]. One
#: definition, the ETL's, which writes the tables; used here to check a warehouse's files
#: and to create empty stand-ins for missing tables.
WAREHOUSE_SCHEMA: dict[str, list[tuple[str, str]]] = SCHEMA

#: Tables without which nothing can be shown: connect() refuses to open without them.
REQUIRED_TABLES: frozenset[str] = frozenset({"school_year"})

#: Tables and public views the Data page may offer whole (never staging or intermediate views,
#: never council-only fact tables whose small numbers are not suppressed).
DOWNLOADABLE: tuple[str, ...] = (
    "area_measure_year",
    "locality_vs_county",
    "exclusion_trend",
    "exclusions_by_reason",
    "exclusions_by_characteristic",
    "sen_need_profile",
    "funding_share",
    "school_profile",
    "school_points",
    "measures",
    "rejects",
    "exclusions_by_phase",
    "reconciliation",
)

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_MATERIALIZED = re.compile(r"\A(?:\s*--[^\n]*\n)*?\s*--\s*materialized:\s*table\b", re.I)


# --------------------------------------------------------------------------- connect


#: The settings a build was made with (contract.settings, written by the ETL).
BUILD_SETTINGS = settings_contract.BUILD_SETTINGS


def load_config(
    config: Path | str | Mapping[str, Any] | None = None, warehouse: Path | None = None
) -> dict[str, Any]:
    """The settings to run views with: a parsed mapping as given, a TOML file's (read by
    contract.settings), else those a build serves with (``contract.settings.
    serving_document``: the settings it recorded, thresholds tightened to the file in force
    now), else the file in force now."""
    if isinstance(config, Mapping):
        return dict(config)
    if config is not None:
        return dict(settings_contract.load_config(Path(config)).document)
    if warehouse is not None:
        return settings_contract.serving_document(Path(warehouse))
    return settings_contract.recorded_document(settings_contract.load_config())


def _send_board_json(config: Mapping[str, Any]) -> str:
    try:
        settings_contract.send_board(config)
    except settings_contract.ConfigError as error:
        raise QueryLayerError(str(error)) from None
    return json.dumps(config.get("send_board") or {}, sort_keys=True)


def _settings_row(config: Mapping[str, Any]) -> dict[str, Any]:
    suppression = config.get("suppression", {})
    council = config.get("council", {})
    row = {
        "min_count": int(suppression.get("min_count", 3)),
        "min_denominator": int(suppression.get("min_denominator", 10)),
        "council_name": str(council.get("name", "County")),
        "old_la_code": int(council["old_la_code"]) if "old_la_code" in council else None,
        "new_la_code": str(council["new_la_code"]) if "new_la_code" in council else None,
        "region_code": str(council["region_code"]) if "region_code" in council else None,
        "region_name": str(council["region_name"]) if "region_name" in council else None,
        "comparator_old_la_codes": [int(c) for c in council.get("comparator_old_la_codes", [])],
        "withheld": _withheld_ranges(config.get("withheld", {})),
        # the board's neighbours and targets as the build recorded them (checked first)
        "send_board": _send_board_json(config),
    }
    if row["min_count"] < 1 or row["min_denominator"] < 1:
        raise QueryLayerError("[suppression] min_count and min_denominator must be at least 1")
    return row


#: A withheld cell of a table not in [withheld]: one whose symbol means withheld in that
#: table's publications (contract.symbols: GSS, and e.g. the 2016/17 exclusions release's 'x'),
#: a small number that is at least 1 with no upper bound.
def default_withheld_symbols(table: str) -> tuple[str, ...]:
    return tuple(s for s in symbols.SYMBOLS if symbols.meaning(s, table) == symbols.WITHHELD)


def _withheld_ranges(section: Mapping[str, Any]) -> list[list[Any]]:
    """[withheld.<table>] as rows [table, symbol, low, high] (high None: no upper bound)."""
    rows: list[list[Any]] = []
    for table, spec in sorted(section.items()):
        if table not in WAREHOUSE_SCHEMA:
            raise QueryLayerError(f"[withheld.{table}]: {table} is not a warehouse table")
        low = float(spec.get("low", 1))
        high = float(spec["high"]) if spec.get("high") is not None else None
        if low <= 0 or (high is not None and high < low):
            raise QueryLayerError(f"[withheld.{table}]: need 0 < low <= high")
        for symbol in spec.get("symbols", default_withheld_symbols(table)):
            rows.append([table, str(symbol).strip().lower(), low, high])
    return rows


def _sql_string(value: str) -> str:
    """A SQL string literal (only for our own file paths, which DDL cannot bind)."""
    return "'" + value.replace("'", "''") + "'"


def _register_tables(con: duckdb.DuckDBPyConnection, warehouse: Path) -> list[str]:
    """One view per contract table; typed empty stand-ins for missing optional ones."""
    missing: list[str] = []
    for table, columns in WAREHOUSE_SCHEMA.items():
        path = warehouse / f"{table}.parquet"
        if path.is_file():
            # DDL cannot bind parameters; the path is ours (not user input), quoted.
            source = f"read_parquet({_sql_string(str(path))})"
            present = set(con.read_parquet(str(path)).columns)
            absent = [name for name, _ in columns if name not in present]
            if absent:
                raise QueryLayerError(
                    f"{path} does not match the warehouse contract: missing columns {absent}"
                )
            con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM {source}')  # noqa: S608
        elif table in REQUIRED_TABLES:
            raise QueryLayerError(f"The warehouse at {warehouse} has no {table}.parquet")
        else:
            missing.append(table)
            typed = ", ".join(f'CAST(NULL AS {sql_type}) AS "{name}"' for name, sql_type in columns)
            con.execute(f'CREATE VIEW "{table}" AS SELECT {typed} WHERE false')
    return missing


def _sql_literal(value: Any) -> str:
    """A SQL literal for a validated config value (int, str, None or list of ints)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        raise TypeError("booleans are not settings")
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(str(int(v)) for v in value) + "]::INTEGER[]"
    return _sql_string(str(value))


def _create_settings(con: duckdb.DuckDBPyConnection, config: Mapping[str, Any]) -> None:
    """The ``settings`` table and one constant macro per setting (``min_count()`` …).

    Views read settings through the macros: a constant folds at plan time, whereas a
    scalar subquery on the table costs milliseconds of planning per use, and the
    suppression macros use the thresholds many times per view. The values come from
    config.toml and are validated (ints via int(), strings quoted), never user input.
    """
    row = _settings_row(config)
    withheld = row.pop("withheld")
    send_board = row.pop("send_board")  # a table of settings: no macro (views do not read it)
    con.execute(
        "CREATE TABLE withheld_ranges (fact_table VARCHAR, symbol VARCHAR, low DOUBLE,"
        " high DOUBLE, configured BOOLEAN)"
    )
    configured = {r[0] for r in withheld}
    defaults = [
        [table, symbol, 1.0, None]
        for table in sorted(WAREHOUSE_SCHEMA)
        if table not in configured
        for symbol in default_withheld_symbols(table)
    ]
    con.executemany(
        "INSERT INTO withheld_ranges VALUES (?, ?, ?, ?, ?)",
        [[*r, True] for r in withheld] + [[*r, False] for r in defaults],
    )
    con.execute(
        "CREATE TABLE settings (min_count INTEGER, min_denominator INTEGER, council_name VARCHAR,"
        " old_la_code INTEGER, new_la_code VARCHAR, region_code VARCHAR, region_name VARCHAR,"
        " comparator_old_la_codes INTEGER[], send_board JSON)"
    )
    con.execute(
        "INSERT INTO settings VALUES ($min_count, $min_denominator, $council_name, $old_la_code,"
        " $new_la_code, $region_code, $region_name, $comparator_old_la_codes, $send_board)",
        {**row, "send_board": send_board},
    )
    for name, value in row.items():
        con.execute(f"CREATE MACRO {name}() AS {_sql_literal(value)}")


def _create_measures(con: duckdb.DuckDBPyConnection) -> None:
    """The ``measures`` table: the measure catalogue (contract.catalogue), in its order."""
    con.execute(
        "CREATE TABLE measures (sort_order INTEGER, measure VARCHAR PRIMARY KEY, label VARCHAR,"
        " short_label VARCHAR, subject VARCHAR,"
        " kind VARCHAR CHECK (kind IN ('rate', 'count', 'mean', 'amount')),"
        " unit VARCHAR, format VARCHAR, multiplier DOUBLE, fact_table VARCHAR,"
        " numerator_column VARCHAR, denominator_column VARCHAR, statistics VARCHAR,"
        " overdispersed BOOLEAN,"
        " higher_is VARCHAR CHECK (higher_is IN ('better', 'worse', 'neutral')),"
        " headline BOOLEAN, numerator_label VARCHAR, denominator_label VARCHAR,"
        " definition VARCHAR, source VARCHAR, area_only BOOLEAN, on_board BOOLEAN)"
    )
    rows = [
        [
            order,
            m.measure,
            m.label,
            m.short_label,
            m.subject,
            m.kind,
            m.unit,
            m.format,
            m.multiplier,
            m.table,
            m.numerator,
            m.denominator,
            m.statistics,
            m.overdispersed,
            m.higher_is,
            m.headline,
            m.numerator_label,
            m.denominator_label,
            m.definition,
            m.source,
            m.area_only,
            m.on_board,
        ]
        for order, m in enumerate(catalogue.MEASURES, start=1)
    ]
    placeholders = ", ".join("?" * len(rows[0]))  # only "?" marks: the values are bound
    con.executemany(f"INSERT INTO measures VALUES ({placeholders})", rows)  # noqa: S608


def view_build_order(
    bodies: Mapping[str, str], con: duckdb.DuckDBPyConnection | None = None
) -> list[str]:
    """View names ordered so each comes after the views it reads (a topological sort of
    the relations DuckDB's parser finds in each body: common table expressions, columns,
    strings, comments and function calls are not relations). Raises QueryLayerError
    naming the views on a cycle."""
    return layers.build_order(bodies, con)


def _is_materialized(body: str) -> bool:
    """True when the view file starts with a ``-- materialized: table`` comment line."""
    return _MATERIALIZED.match(body) is not None


#: Folder in a warehouse build holding materialised views computed by the ETL.
PERSISTED_DIR = "materialized"
#: Persisted views of up to this many rows are held in memory by connect (nationally the
#: area-level measures: 76,000 rows, a few tens of MB); larger ones are read from Parquet.
PERSISTED_IN_MEMORY_ROWS = 100_000
#: Rows per Parquet row group of a persisted view of millions of rows. DuckDB binds a
#: Parquet view on every query, and planning cost grows with the number of row groups: the
#: 4.65 M School rows in 20,480-row groups (228 groups) took ~15 ms to plan per reference,
#: in 122,880-row groups (38) ~3 ms, and a measure and year still fall in one or two groups.
PERSISTED_ROW_GROUP_SIZE = 122_880
#: Persisted views of fewer rows than this (hundreds of thousands: one row per school and
#: year) are rewritten in smaller groups: few groups to plan, and a filter decodes fewer rows.
PERSISTED_LARGE_ROWS = 1_000_000
PERSISTED_SMALL_ROW_GROUP_SIZE = 20_480


def _views_fingerprint(settings: Mapping[str, Any], warehouse: Path) -> str:
    """What a persisted view was computed from: every view and macro file (with its
    folder: a view moved to another layer is another view), the measure catalogue, the
    settings and the warehouse's table files (name, size and modification time: a build
    folder never changes, but a copied and edited one must not be served stale copies).
    A change to any of them makes the copies stale."""
    digest = hashlib.sha256()
    sources = layers.macro_scripts() + sorted(layers.view_files().values())
    for path in [*sources, catalogue.CATALOGUE_CSV, CATALOGUE_SQL_CODE]:
        name = path.relative_to(QUERIES_DIR.parent).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps(dict(settings), sort_keys=True, default=str).encode())
    for table in sorted(WAREHOUSE_SCHEMA):
        path = warehouse / f"{table}.parquet"
        if path.is_file():
            stat = path.stat()
            digest.update(f"{table}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _persisted(warehouse: Path | None, fingerprint: str) -> Path | None:
    """The warehouse's folder of persisted views, if they match these views and settings."""
    if warehouse is None:
        return None
    folder = warehouse / PERSISTED_DIR
    stamp = folder / "fingerprint.txt"
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == fingerprint:
        return folder
    return None


def persist_materialized_views(
    warehouse: Path | str, config: Path | str | Mapping[str, Any] | None = None
) -> list[str]:
    """Compute every ``-- materialized: table`` view once and store it as Parquet in the
    warehouse build (``<build>/materialized/<view>.parquet``), rows in the view's ORDER BY
    so filtered reads skip row groups. ``connect()`` then reads these files instead of
    computing the tables (fast to open, little memory), as long as the view files,
    measure catalogue and settings are unchanged; otherwise it computes them as before.
    Called by the ETL before a build goes live. Returns the names persisted."""
    warehouse = Path(warehouse)
    settings = load_config(config)
    # taken first: a view file edited while these are computed leaves them stale
    fingerprint = _views_fingerprint(_settings_row(settings), warehouse)
    folder = warehouse / PERSISTED_DIR
    folder.mkdir(exist_ok=True)
    (folder / "fingerprint.txt").unlink(missing_ok=True)
    bodies = _view_bodies(layers.view_files())
    names = [name for name in view_build_order(bodies) if _is_materialized(bodies[name])]
    # the complementary table waits for its place in the build order: computed there, it
    # reads the stored copies of the views before it instead of recomputing them all
    con = _connect(warehouse, settings, materialize=False, complementary_later=True)
    try:
        for name in names:
            if name == complementary.TABLE:
                con.execute(f'DROP TABLE "{name}"')
                _create_complementary(con, None)
            target = _sql_string(str(folder / f"{name}.parquet"))
            # DDL cannot bind parameters; the path is ours and the name a checked identifier.
            con.execute(
                f'COPY (SELECT * FROM "{name}") TO {target}'  # noqa: S608
                f" (FORMAT parquet, ROW_GROUP_SIZE {int(PERSISTED_ROW_GROUP_SIZE)})"
            )
            rows = pq.read_metadata(folder / f"{name}.parquet").num_rows
            if PERSISTED_IN_MEMORY_ROWS < rows < PERSISTED_LARGE_ROWS:
                # small enough to rewrite in a moment (sorted rows keep their order)
                small = _sql_string(str(folder / f"{name}.small.parquet"))
                con.execute(
                    f"COPY (SELECT * FROM read_parquet({target})) TO {small}"  # noqa: S608
                    f" (FORMAT parquet, ROW_GROUP_SIZE {int(PERSISTED_SMALL_ROW_GROUP_SIZE)})"
                )
                (folder / f"{name}.small.parquet").replace(folder / f"{name}.parquet")
            # later materialised views built on this one read the stored copy, not
            # recompute it (names are in build order); the Python-computed table is one
            if name == complementary.TABLE:
                continue
            con.execute(
                f'CREATE OR REPLACE VIEW "{name}" AS '  # noqa: S608
                f"SELECT * FROM read_parquet({target})"
            )
    finally:
        con.close()
    (folder / "fingerprint.txt").write_text(fingerprint + "\n", encoding="utf-8")
    return names


def _view_bodies(
    files: Mapping[str, Path],
    con: duckdb.DuckDBPyConnection | None = None,
    *,
    generated: bool = True,
) -> dict[str, str]:
    """Every view's SQL by name, with the staging view generated from the measure catalogue
    (unless ``generated`` is False: a test's own views folder); plus, when a view reads it,
    the table complementary suppression computes in Python (its "body" names the views it
    reads, for the order). Bodies are parsed on ``con`` if given (queries.layers.parse_many)."""
    bodies = {
        name: catalogue_sql.expand(path.read_text(encoding="utf-8")).strip().rstrip(";")
        for name, path in files.items()
    }
    if generated:
        # the staging view generated from the measure catalogue (queries/catalogue_sql.py)
        bodies[catalogue_sql.VIEW] = catalogue_sql.measure_fact_sql()
    try:
        parsed = layers.parse_many(bodies.values(), con)
    except QueryLayerError:
        parsed = []  # view_build_order names the view that cannot be parsed
    if any(complementary.TABLE in reads.relations for reads in parsed):
        bodies[complementary.TABLE] = "-- materialized: table\nSELECT * FROM " + ", ".join(
            complementary.READS
        )
    return bodies


def _create_complementary(con: duckdb.DuckDBPyConnection, stored: Path | None) -> None:
    """The complementary suppression table: read from the build, else computed here."""
    if stored is not None and stored.is_file():
        # like the other persisted views: small ones in memory, large ones from the file
        kind = "VIEW" if pq.read_metadata(stored).num_rows > PERSISTED_IN_MEMORY_ROWS else "TABLE"
        source = f"read_parquet({_sql_string(str(stored))})"
        con.execute(f'CREATE {kind} "{complementary.TABLE}" AS SELECT * FROM {source}')  # noqa: S608
        return
    hidden = complementary.compute(con)
    con.register("complementary_result", hidden)
    try:
        con.execute(
            f'CREATE TABLE "{complementary.TABLE}" AS SELECT * FROM complementary_result'  # noqa: S608
        )
    finally:
        con.unregister("complementary_result")


def _create_views(
    con: duckdb.DuckDBPyConnection,
    views_dir: Path | None = None,
    materialize: bool = True,
    persisted: Path | None = None,
    complementary_later: bool = False,
) -> list[str]:
    for script in layers.macro_scripts():
        try:
            con.execute(script.read_text(encoding="utf-8"))
        except duckdb.Error as error:
            raise QueryLayerError(f"Macro script {script.name} failed: {error}") from error
    files = layers.view_files(None if views_dir is None else [views_dir])
    bodies = _view_bodies(files, con, generated=views_dir is None)
    for name in bodies:
        if not _IDENTIFIER.fullmatch(name):
            raise QueryLayerError(f"View file name {name!r} is not a lower-case SQL identifier")
    order = view_build_order(bodies, con)
    for name in order:
        if name == complementary.TABLE:
            if complementary_later:
                con.execute(complementary.EMPTY_TABLE_SQL)  # filled by the caller
                continue
            stored = persisted / f"{name}.parquet" if persisted is not None else None
            _create_complementary(con, stored)
            continue
        kind = "TABLE" if materialize and _is_materialized(bodies[name]) else "VIEW"
        body = bodies[name]
        stored = persisted / f"{name}.parquet" if persisted is not None else None
        if kind == "TABLE" and stored is not None and stored.is_file():
            # computed by the ETL for this build, these views and these settings; a small
            # one is loaded into memory (filtered reads of a table beat decoding Parquet
            # row groups), a large one read from its sorted file
            if pq.read_metadata(stored).num_rows > PERSISTED_IN_MEMORY_ROWS:
                kind = "VIEW"
            body = f"SELECT * FROM read_parquet({_sql_string(str(stored))})"  # noqa: S608
        try:
            con.execute(f'CREATE {kind} "{name}" AS\n{body}')
        except duckdb.CatalogException as error:
            raise QueryLayerError(
                f"View {name} ({files[name]}) reads a table or view that does not exist: {error}"
            ) from error
        except duckdb.Error as error:
            raise QueryLayerError(f"View {name} ({files[name]}): {error}") from error
    return order


def connect(
    warehouse: Path | str | None = None,
    config: Path | str | Mapping[str, Any] | None = None,
    *,
    views_dir: Path | None = None,
    materialize: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB database over one warehouse build.

    ``warehouse`` is a folder of ``<table>.parquet`` files (default data/warehouse;
    the symlink is resolved, so the connection keeps reading one build). ``config``
    is a parsed config mapping or a TOML path (default data/config.toml). Missing
    optional tables become empty typed views so every view still builds.
    View files whose first comment lines include ``-- materialized: table`` are
    created as tables (computed once, here) unless ``materialize`` is False; the
    results are identical either way. ``views_dir`` (tests) is one folder of view files
    used instead of the layer folders (staging/, intermediate/, public/).
    """
    return _connect(warehouse, config, views_dir=views_dir, materialize=materialize)


def _connect(
    warehouse: Path | str | None,
    config: Path | str | Mapping[str, Any] | None,
    *,
    views_dir: Path | None = None,
    materialize: bool = True,
    complementary_later: bool = False,
) -> duckdb.DuckDBPyConnection:
    warehouse = Path(warehouse) if warehouse is not None else DEFAULT_WAREHOUSE
    if not warehouse.is_dir():
        raise QueryLayerError(f"No warehouse folder at {warehouse}")
    warehouse = warehouse.resolve()
    con = duckdb.connect(":memory:")
    try:
        # Every query re-binds the views, and binding read_parquet() reads each file's
        # footer: cache it (a build folder never changes) and the file blocks too.
        con.execute("SET parquet_metadata_cache = true")
        con.execute("SET cache_local_files = true")
        _register_tables(con, warehouse)
        settings = load_config(config, warehouse)
        _create_settings(con, settings)
        _create_measures(con)
        persisted = None
        if materialize and views_dir is None:
            fingerprint = _views_fingerprint(_settings_row(settings), warehouse)
            persisted = _persisted(warehouse, fingerprint)
        _create_views(
            con,
            views_dir,
            materialize=materialize,
            persisted=persisted,
            complementary_later=complementary_later,
        )
    except BaseException:
        con.close()
        raise
    return con


def list_views(con: duckdb.DuckDBPyConnection, *, internal: bool = False) -> list[str]:
    """Names of the public views (queries/public), or with ``internal`` of every view of
    the three layers (staging and intermediate ones hold unsuppressed numbers)."""
    names = [*layers.view_files(), catalogue_sql.VIEW]
    present = {
        row[0]
        for row in con.execute(
            # a materialised view computed at connect is a table
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND view_name = ANY($names)"
            " UNION SELECT table_name FROM duckdb_tables()"
            " WHERE NOT internal AND table_name = ANY($names)",
            {"names": names},
        ).fetchall()
    }
    return sorted(n for n in present if internal or layers.layer_of(n) == layers.PUBLIC)


# --------------------------------------------------------------------------- run


@cache
def _query_text(name: str) -> tuple[str, frozenset[str]]:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"Not a query name: {name!r}")
    path = layers.NAMED_DIR / f"{name}.sql"
    if not path.is_file():
        raise ValueError(f"No query file queries/named/{name}.sql")
    sql = catalogue_sql.expand(path.read_text(encoding="utf-8"))
    return sql, layers.parse(sql.strip().rstrip(";")).parameters


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run the named query ``queries/named/<name>.sql`` with its ``$param`` placeholders
    bound.

    Every placeholder must be given and no others (a typo is an error, not a no-op).
    """
    return access.restrict(con, name, _execute(con, name, params).df())


def _run_many_rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """:func:`run` for a query returning thousands of rows: the same DataFrame, built through
    Arrow (see _frame; below a thousand rows or so DuckDB's .df() is the faster)."""
    return access.restrict(con, name, _frame(_execute(con, name, params)))


def _execute(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any]
) -> duckdb.DuckDBPyConnection:
    sql, needed = _query_text(name)
    given = set(params)
    if given != needed:
        raise TypeError(f"Query {name} takes parameters {sorted(needed)}; got {sorted(given)}")
    return con.execute(sql, dict(params)) if params else con.execute(sql)


#: Result column types read through Arrow (see _frame); any other type is left to .df().
_ARROW_TYPES = frozenset(
    {"VARCHAR", "BOOLEAN", "DOUBLE", "FLOAT", "TINYINT", "SMALLINT", "INTEGER", "BIGINT"}
)
#: pandas' nullable dtype for each Arrow type DuckDB's .df() gives one when it has NULLs.
_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}
#: DuckDB warns that Arrow output of an executed query copies the rows once more: still
#: twice as fast as .df() for 23,000 rows with text columns (70 ms -> 34 ms measured; .df()
#: is the faster below about a thousand rows, hence _run_many_rows for large results only).
_ARROW_COPY_WARNING = "Arrow output on a DB-API result"


def _ignore_arrow_copy_warning() -> None:
    """Ignore that one warning in the current warnings context (checked on every call: a
    context entered later, e.g. pytest's per test, starts from a copy without it)."""
    for action, message, *_ in warnings.filters:
        if action == "ignore" and message is not None and message.pattern == _ARROW_COPY_WARNING:
            return
    warnings.filterwarnings("ignore", message=_ARROW_COPY_WARNING, category=UserWarning)


def _frame(result: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """An executed query's rows as the DataFrame DuckDB's ``.df()`` gives, built through
    Arrow when every column is text, a number or a boolean (DuckDB's own conversion of text
    columns costs milliseconds per thousand rows). Same dtypes as ``.df()``: integers and
    booleans with NULLs nullable (Int64, boolean), text all NULL or of no rows object."""
    if not all(str(column[1]) in _ARROW_TYPES for column in result.description):
        return result.df()
    _ignore_arrow_copy_warning()
    table = result.to_arrow_table()
    frame = table.to_pandas()
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_string(column.type) and column.null_count == len(column):
            frame[name] = pd.Series([None] * len(column), dtype=object, index=frame.index)
        elif column.null_count and column.type in _NULLABLE:
            frame[name] = column.to_pandas(types_mapper=_NULLABLE.get).array
    return frame


# --------------------------------------------------------------------------- helpers


def _level(level: str, allowed: Iterable[str] = AREA_LEVELS) -> str:
    allowed = tuple(allowed)
    if level not in allowed:
        raise ValueError(f"level must be one of {', '.join(allowed)}; got {level!r}")
    return level


def period(value: int | str | None) -> int | None:
    """Normalise a time period: 202324, '202324', '2023/24', '2023-24', '2023/2024' -> 202324
    (contract.periods); None stays None, anything else is a ValueError."""
    return None if value is None else periods.checked(value)


def period_label(value: int | str) -> str:
    """202324 -> '2023/24' (contract.periods)."""
    return periods.label(value)


def _area(area: str | int) -> str:
    """Areas are text; a school's area is its URN, which callers may pass as an int."""
    if isinstance(area, bool) or not isinstance(area, str | int):
        raise ValueError(f"area must be a name or a URN; got {area!r}")
    return str(area)


# --------------------------------------------------------------------------- pickers


def list_years(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Years with any school data, newest first: time_period, year ('2023/24'), n_schools."""
    return run(con, "list_years")


def list_localities(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Localities A-Z: locality, first_period, last_period, n_partnerships, n_schools (latest year)."""
    return run(con, "list_localities")


def search_index(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What the search box finds: kind (Locality, Partnership, School), name, urn,
    partnership, locality, postcode_district; the schools of the latest year."""
    return run(con, "search_index")


def list_partnerships(con: duckdb.DuckDBPyConnection, locality: str | None = None) -> pd.DataFrame:
    """Partnerships A-Z, optionally in one locality.

    Columns: partnership, locality (in its latest year), first_period, last_period, n_schools
    (in its latest year).
    """
    return run(con, "list_partnerships", locality=locality)


def list_schools(
    con: duckdb.DuckDBPyConnection,
    locality: str | None = None,
    partnership: str | None = None,
    time_period: int | str | None = None,
) -> pd.DataFrame:
    """Schools in one year (default: the latest), optionally in a locality and/or partnership.

    Columns: urn, school_name, phase, partnership, locality, lineage_urn, time_period, year.
    """
    return run(
        con,
        "list_schools",
        locality=locality,
        partnership=partnership,
        time_period=period(time_period),
    )


def list_measures(con: duckdb.DuckDBPyConnection, subject: str | None = None) -> pd.DataFrame:
    """The measure catalogue (contract/measures.csv), optionally for one subject, in file order."""
    return run(con, "list_measures", subject=subject)


# --------------------------------------------------------------------------- measures


def area_measure_trend(
    con: duckdb.DuckDBPyConnection,
    level: str,
    area: str | int,
    measure: str,
    references: bool = True,
) -> pd.DataFrame:
    """One measure over the years for one area, with the county and England beside it.

    ``level`` is County, Locality, Partnership or School (area = URN) or a reference level
    National, Regional, LA. Columns: series (the area's name, or 'County' / 'England' for
    references), is_reference, level, area, area_name, time_period, year, measure, value,
    suppressed, numerator, denominator, n_schools, n_schools_missing, coverage_percent.
    """
    return run(
        con,
        "area_measure_trend",
        level=_level(level, AREA_LEVELS + REFERENCE_LEVELS),
        area=_area(area),
        measure=measure,
        references=bool(references),
    )


def measure_by_area(
    con: duckdb.DuckDBPyConnection,
    level: str,
    measure: str,
    time_period: int | str,
    parent: str | None = None,
) -> pd.DataFrame:
    """One measure in one year for every area at a level, plus reference rows.

    ``parent`` narrows the areas: partnerships in a locality, schools in a partnership,
    localities in the county. Reference rows (is_reference TRUE) are the County (unless
    level is County), England, the council's region and its DfE LA figure.
    Columns: is_reference, level, area, area_name, parent_area, locality, time_period, year,
    measure, value, suppressed, numerator, denominator, n_schools, n_schools_missing,
    coverage_percent. Areas are ranked by value, highest first; suppressed last.
    """
    level = _level(level)
    # every school in England is 23,400 rows: built through Arrow
    execute = _run_many_rows if level == "School" and parent is None else run
    return execute(
        con,
        # the same query; for any level but School one that never binds the School rows
        "measure_by_area" if level == "School" else "measure_by_area_areas",
        level=level,
        measure=measure,
        time_period=period(time_period),
        parent=parent,
    )


def compare_locality_trends(con: duckdb.DuckDBPyConnection, measure: str) -> pd.DataFrame:
    """One measure over the years for every locality, with the County and England series.

    Columns: series (the locality's name, or 'County' / 'England'), is_reference, level,
    area, area_name, time_period, year, measure, value, suppressed, numerator, denominator,
    n_schools, n_schools_missing, coverage_percent. Localities first (A-Z, oldest year
    first), then the County and England rows.
    """
    return run(con, "compare_locality_trends", measure=measure)


def locality_vs_county(
    con: duckdb.DuckDBPyConnection, locality: str, time_period: int | str
) -> pd.DataFrame:
    """Every measure for one locality in one year beside the county, region and England.

    Columns: see the ``locality_vs_county`` view (label, unit, value, county_value,
    national_value, difference, compared_with_county …), in catalogue order.
    """
    return run(con, "locality_vs_county", locality=locality, time_period=period(time_period))


def partnership_vs_locality(
    con: duckdb.DuckDBPyConnection, partnership: str, time_period: int | str
) -> pd.DataFrame:
    """Every measure for one partnership in one year beside its locality, the county and
    England, in catalogue order.

    Columns: partnership, locality, time_period, year, measure, label, subject, kind, unit,
    higher_is, value, suppressed, n_schools, n_schools_missing, coverage_percent,
    locality_value, locality_suppressed, county_value, county_suppressed, national_value,
    difference_locality, difference (from the county; rates and means only),
    percent_of_locality, percent_of_county (counts and money only).
    """
    return run(
        con,
        "partnership_vs_locality",
        partnership=partnership,
        time_period=period(time_period),
    )


def locality_partnerships(
    con: duckdb.DuckDBPyConnection, locality: str, time_period: int | str
) -> pd.DataFrame:
    """The partnerships of one locality in one year with their headline measures, A-Z.

    Columns: partnership, locality, time_period, year, n_schools, pupils, fsm_percent,
    eal_percent, sen_support_percent, ehc_plan_percent, overall_absence_rate,
    persistent_absence_rate, perm_excl_rate, susp_rate, ks2_rwm_expected_percent,
    ks4_attainment8, topup_amount, suppressed_measures (headline measures hidden).
    """
    return run(con, "locality_partnerships", locality=locality, time_period=period(time_period))


# --------------------------------------------------------------------------- exclusions


def exclusion_trend(con: duckdb.DuckDBPyConnection, level: str, area: str | int) -> pd.DataFrame:
    """Exclusions for one area by year (oldest first).

    Columns: level, area, area_name, time_period, year, headcount, perm_excl, susp,
    one_plus_susp, perm_excl_rate, susp_rate, one_plus_susp_rate (per 100 pupils), a
    ``*_suppressed`` flag for each, n_schools, n_schools_missing.
    """
    return run(con, "exclusion_trend", level=_level(level), area=_area(area))


def exclusions_by_reason(
    con: duckdb.DuckDBPyConnection,
    level: str,
    area: str | int,
    time_period: int | str | None = None,
) -> pd.DataFrame:
    """Exclusions by reason for one area (one year, or all years if None).

    Columns: level, area, time_period, year, reason, perm_excl, susp, perm_excl_rate,
    susp_rate (per 100 pupils), their ``*_suppressed`` flags, n_schools, n_schools_missing.
    """
    return run(
        con,
        "exclusions_by_reason",
        level=_level(level),
        area=_area(area),
        time_period=period(time_period),
    )


def reason_benchmarks(con: duckdb.DuckDBPyConnection, time_period: int | str) -> pd.DataFrame:
    """The DfE's exclusions by reason for the council's LA, its region and England in one
    year (published for areas only).

    Columns: time_period, year, level ('LA', 'Regional', 'National'), area_name, reason,
    perm_excl, susp, their ``*_suppressed`` flags, share_of_perm, share_of_susp (% of the
    area's published reasons).
    """
    return run(con, "reason_benchmarks", time_period=period(time_period))


def exclusions_by_characteristic(
    con: duckdb.DuckDBPyConnection,
    level: str,
    area: str | int,
    characteristic_group: str,
    time_period: int | str | None = None,
) -> pd.DataFrame:
    """Exclusions for one area by pupil characteristic within one group (e.g. 'Gender').

    Rates are per 100 pupils with that characteristic. Columns: level, area, time_period,
    year, characteristic_group, characteristic, headcount, perm_excl, susp, one_plus_susp,
    perm_excl_rate, susp_rate, one_plus_susp_rate, their ``*_suppressed`` flags,
    n_schools, n_schools_missing.
    """
    return run(
        con,
        "exclusions_by_characteristic",
        level=_level(level),
        area=_area(area),
        characteristic_group=characteristic_group,
        time_period=period(time_period),
    )


def characteristic_groups(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Characteristic groups in the exclusions data: characteristic_group, n_characteristics."""
    return run(con, "characteristic_groups")


def exclusions_by_phase(
    con: duckdb.DuckDBPyConnection,
    level: str,
    area: str | int,
    time_period: int | str | None = None,
) -> pd.DataFrame:
    """Exclusions for one area by school phase (one year, or all years if None).

    Rates are per 100 pupils on roll in the area's schools of that phase. Columns: level,
    area, time_period, year, phase, phase_order, headcount, perm_excl, susp, one_plus_susp,
    perm_excl_rate, susp_rate, one_plus_susp_rate, their ``*_suppressed`` flags, n_schools,
    n_schools_missing. Phases in school order (nursery, primary, secondary … special, AP).
    """
    return run(
        con,
        "exclusions_by_phase",
        level=_level(level),
        area=_area(area),
        time_period=period(time_period),
    )


def exclusions_child_areas(
    con: duckdb.DuckDBPyConnection,
    level: str,
    time_period: int | str,
    parent: str | None = None,
) -> pd.DataFrame:
    """Exclusions in one year for every area at ``level`` within ``parent`` (A-Z).

    ``parent`` is the partnership of School rows, the locality of Partnership rows, the
    county of Locality rows (None = every area at the level). Columns: those of
    ``exclusion_trend`` (level, area, urn, area_name, parent_area, time_period, year,
    headcount, perm_excl, susp, one_plus_susp, the three rates, ``*_suppressed`` flags,
    n_schools, n_schools_missing).
    """
    return run(
        con,
        "exclusions_child_areas",
        level=_level(level),
        time_period=period(time_period),
        parent=parent,
    )


# --------------------------------------------------------------------------- SEND and funding


def sen_need_profile(
    con: duckdb.DuckDBPyConnection, level: str, area: str | int, time_period: int | str
) -> pd.DataFrame:
    """Pupils with SEN by provision (SEN support / EHC plan) and primary need in one year.

    Columns: level, area, time_period, year, sen_provision, primary_need, pupils,
    pupils_suppressed, percent_of_provision (share of the provision's pupils with this
    need), percent_suppressed, n_schools, n_schools_missing.
    """
    return run(
        con,
        "sen_need_profile",
        level=_level(level),
        area=_area(area),
        time_period=period(time_period),
    )


def funding_share(
    con: duckdb.DuckDBPyConnection,
    locality: str | None = None,
    time_period: int | str | None = None,
) -> pd.DataFrame:
    """Each partnership's share of the county's high needs top-up funding beside its share
    of pupils and of EHC plans, for one year (default: the latest with top-up data).

    Columns: partnership, locality, time_period, year, topup_amount, topup_suppressed,
    topup_share_percent, pupils, pupil_share_percent, ehc_plan_count, ehc_plan_share_percent,
    funding_to_pupil_share_ratio, county_topup_amount, county_pupils.
    """
    return run(con, "funding_share", locality=locality, time_period=period(time_period))


# --------------------------------------------------------------------------- schools and maps


def school_profile(
    con: duckdb.DuckDBPyConnection,
    urn: int | None = None,
    time_period: int | str | None = None,
    partnership: str | None = None,
    locality: str | None = None,
) -> pd.DataFrame:
    """Headline measures wide, one row per school and year, filtered by any of the arguments.

    Columns: see the ``school_profile`` view (urn, school_name, phase, partnership, locality,
    time_period, year, pupils, fsm_percent, … , suppressed_measures).
    """
    return run(
        con,
        "school_profile",
        urn=None if urn is None else int(urn),
        time_period=period(time_period),
        partnership=partnership,
        locality=locality,
    )


def school_points(
    con: duckdb.DuckDBPyConnection, time_period: int | str | None = None
) -> pd.DataFrame:
    """Schools with a location in one year (default: the latest), for maps.

    Columns: urn, school_name, phase, partnership, locality, lat, lon, time_period, year.
    """
    return _run_many_rows(con, "school_points", time_period=period(time_period))


def locality_boundaries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Locality polygons: locality, geometry_geojson (WGS84 GeoJSON geometry), derived."""
    return run(con, "locality_boundaries")


# --------------------------------------------------------------------------- data page


def rejects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows the ETL rejected or warned about: source_file, source_row, column_name, value,
    rule, reason, severity (rejects first)."""
    return run(con, "rejects")


def rejects_totals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """How many problems each file raised under each rule: source_file, rule, severity,
    rows (rejects first)."""
    return run(con, "rejects_totals")


def rejects_page(
    con: duckdb.DuckDBPyConnection,
    source_file: str | None = None,
    rule: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> pd.DataFrame:
    """At most ``limit`` rows of :func:`rejects` from row ``offset`` on, for one file and
    one rule if given (a build can reject millions of rows: never all at once)."""
    if int(limit) < 1 or int(offset) < 0:
        raise ValueError("limit must be at least 1 and offset at least 0")
    return run(
        con,
        "rejects_page",
        source_file=source_file,
        rule=rule,
        limit=int(limit),
        offset=int(offset),
    )


def reconciliation(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per measure and year with the DfE's LA figure: that figure, the county's published
    school sum, the withheld cells and their range, and whether the residual fits
    (residual_fits: 'fits', 'above', 'below')."""
    return run(con, "reconciliation")


def membership_changes(con: duckdb.DuckDBPyConnection, level: str, area: str) -> pd.DataFrame:
    """The schools that joined or left a Partnership or Locality each year: time_period,
    year, urn, school_name, change ('joined' / 'left'), pupils (suppressed)."""
    if level not in ("Partnership", "Locality"):
        raise ValueError(f"level must be Partnership or Locality, not {level!r}")
    return run(con, "membership_changes", level=level, area=area)


def like_for_like_trend(
    con: duckdb.DuckDBPyConnection, partnership: str, measure: str
) -> pd.DataFrame:
    """One partnership's figures for ``measure`` with today's schools in every year (like
    for like), suppressed: time_period, year, value, suppressed, numerator, denominator,
    estimated, n_schools."""
    return run(con, "like_for_like_trend", partnership=partnership, measure=measure)


def withheld_ranges(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What a withheld cell stands for: fact_table, symbols, low, high (NULL: no bound)."""
    return run(con, "withheld_ranges")


def data_measure_years(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Year coverage of every catalogue measure, in catalogue order.

    Columns: measure, first_period, last_period, n_years (years with figures for the
    council's schools), years ('2017/18, 2018/19, …'), england_years (years with published
    England figures). Periods are NULL and n_years 0 for a measure with no data.
    """
    return run(con, "data_measure_years")


def build_report(warehouse: Path | str | None = None) -> dict[str, Any]:
    """The warehouse's build_report.json as a dict ({} when there is none)."""
    folder = Path(warehouse) if warehouse is not None else DEFAULT_WAREHOUSE
    path = folder / "build_report.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def table_for_download(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """A whole public view or table for the Data page (only names in DOWNLOADABLE)."""
    if table not in DOWNLOADABLE:
        raise ValueError(f"table must be one of {', '.join(DOWNLOADABLE)}; got {table!r}")
    return con.execute(*access.download_sql(con, table)).df()


#: A cell starting with one of these is run as a formula by spreadsheets (contract.safe_export;
#: here for the CSVs DuckDB writes).
_FORMULA_STARTS = safe_export.FORMULA_STARTS
_UTF8_BOM = b"\xef\xbb\xbf"


def _neutralised(column: str, sql_type: str) -> str:
    """A select expression for ``column`` with text that would start a formula prefixed
    with a quote, numbers written as text ("-3") left readable (as neutralise_formula)."""
    name = '"' + column.replace('"', '""') + '"'
    if sql_type != "VARCHAR":
        return name
    starts = ", ".join(_sql_string(c) for c in _FORMULA_STARTS)
    return (
        f"CASE WHEN left({name}, 1) IN ({starts}) AND TRY_CAST({name} AS DOUBLE) IS NULL"
        f" THEN chr(39) || {name} ELSE {name} END AS {name}"
    )


def _copy_csv(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any], path: Path
) -> int:
    """Write the rows of ``sql`` to ``path`` as the app's safe CSV (UTF-8 with BOM, CRLF,
    formulas neutralised) through DuckDB's COPY: rows stream to the file, never a DataFrame
    (a build can reject millions of rows). Returns the number of rows written."""
    params = dict(params)
    shape = con.execute(f"SELECT * FROM ({sql}) AS q LIMIT 0", params)  # noqa: S608
    columns = ", ".join(_neutralised(d[0], str(d[1])) for d in shape.description)
    body = path.with_name(path.name + ".body")
    try:
        # DDL takes no bound file name; the path is ours (a temporary file), quoted
        result = con.execute(
            f"COPY (SELECT {columns} FROM ({sql}) AS q) TO {_sql_string(str(body))}"  # noqa: S608
            " (FORMAT csv, HEADER, NEW_LINE '\r\n')",
            params,
        ).fetchone()
        with path.open("wb") as out, body.open("rb") as rows:
            out.write(_UTF8_BOM)  # Excel then shows £ and accents
            shutil.copyfileobj(rows, out, 1 << 20)
    finally:
        body.unlink(missing_ok=True)
    return int(result[0]) if result else 0


def write_rejects_csv(con: duckdb.DuckDBPyConnection, path: Path | str) -> int:
    """Every row of :func:`rejects`, in its order, as a safe CSV file at ``path`` (the
    rejected cells themselves for analysts only: queries.access)."""
    sql, _ = _query_text("rejects")
    if not access.viewer_of(con).sees_all_council_data:
        sql = f"SELECT * REPLACE (CAST(NULL AS VARCHAR) AS value) FROM ({sql}) AS r"  # noqa: S608
    return _copy_csv(con, sql, {}, Path(path))


def write_table_csv(con: duckdb.DuckDBPyConnection, table: str, path: Path | str) -> int:
    """A whole downloadable table (:data:`DOWNLOADABLE`) as a safe CSV file at ``path``."""
    if table not in DOWNLOADABLE:
        raise ValueError(f"table must be one of {', '.join(DOWNLOADABLE)}; got {table!r}")
    sql, params = access.download_sql(con, table)
    return _copy_csv(con, sql, params, Path(path))


def table_preview(con: duckdb.DuckDBPyConnection, table: str, limit: int = 1000) -> pd.DataFrame:
    """The first ``limit`` rows of a downloadable table (the Data page's preview), read
    without loading the whole table (area_measure_year has millions of rows nationally)."""
    if table not in DOWNLOADABLE:
        raise ValueError(f"table must be one of {', '.join(DOWNLOADABLE)}; got {table!r}")
    sql, params = access.download_sql(con, table)
    return con.execute(f"{sql} LIMIT {int(limit)}", params).df()


def table_row_count(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """How many rows a downloadable table has: one row, column ``rows``."""
    if table not in DOWNLOADABLE:
        raise ValueError(f"table must be one of {', '.join(DOWNLOADABLE)}; got {table!r}")
    sql, params = access.download_sql(con, table)
    return con.execute(f"SELECT count(*) AS rows FROM ({sql}) AS q", params).df()  # noqa: S608


# --------------------------------------------------------------------------- statistical comparisons


def funnel_units(
    con: duckdb.DuckDBPyConnection,
    level: str,
    measure: str,
    time_period: int | str,
    locality: str | None = None,
) -> pd.DataFrame:
    """Funnel plot inputs: one measure in one year for every area at ``level`` (optionally
    only those in ``locality``), plus the County row (is_county TRUE) that sets the target.

    Suppressed areas are kept with value, numerator and denominator NULL. Columns:
    is_county, level, area, area_name, parent_area, locality, time_period, year, measure,
    value, suppressed, numerator, denominator, n_schools, n_schools_missing.
    """
    level = _level(level)
    # every school in England is 23,400 rows: built through Arrow
    execute = _run_many_rows if level == "School" and locality is None else run
    return execute(
        con,
        "funnel_units",
        level=level,
        measure=measure,
        time_period=period(time_period),
        locality=locality,
    )


def funnel_trends(
    con: duckdb.DuckDBPyConnection, level: str, measure: str, locality: str | None = None
) -> pd.DataFrame:
    """Trend test inputs: one measure in every year for every area at ``level`` (optionally
    only those in ``locality``), plus the County (is_county TRUE), oldest year first.

    Columns: is_county, level, area, area_name, parent_area, locality, time_period, year,
    measure, value, suppressed, numerator, denominator (NULL in suppressed years).
    """
    return run(con, "funnel_trends", level=_level(level), measure=measure, locality=locality)


def comparator_trend(con: duckdb.DuckDBPyConnection, measure: str) -> pd.DataFrame:
    """The county against England, its region and its statistical neighbours (the DfE's
    Local authority rows for config comparator_old_la_codes) for one measure over the years.

    Columns: role ('County (DfE)', 'County (our schools)', 'England', 'Region',
    'Statistical neighbour'), level, area_name, area_code, old_la_code, time_period, year,
    measure, value, suppressed, numerator, denominator.
    """
    return run(con, "comparator_trend", measure=measure)


def comparator_coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each configured statistical neighbour and whether the benchmarks table holds its rows.

    Columns: old_la_code, area_name (NULL when absent), n_measures, n_years, has_rows.
    """
    return run(con, "comparator_coverage")


# --------------------------------------------------------------------------- data packs


def council_settings(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The settings this connection was opened with (one row as a dict): min_count,
    min_denominator (suppression thresholds), council_name, old_la_code, new_la_code,
    region_name. Data packs print the thresholds in their notes."""
    frame = run(con, "council_settings")
    return {key: (None if pd.isna(value) else value) for key, value in frame.iloc[0].items()}


def send_board_settings(con: duckdb.DuckDBPyConnection) -> settings_contract.SendBoard:
    """The SEND board's statistical neighbours and targets this connection was opened with
    (``[send_board]`` of the settings the build recorded)."""
    document = json.loads(str(run(con, "send_board_settings")["send_board"].iloc[0]))
    return settings_contract.send_board({"send_board": document})


def data_dictionary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every catalogue measure (the SEND board's area-only ones too), in file order.

    Columns: measure, label, subject, kind, unit, multiplier, numerator_label,
    denominator_label, definition, source, higher_is, area_only.
    """
    return run(con, "data_dictionary")


def send_board_areas(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The SEND board's published figures (the area-only measures: EHC plans) for every LA,
    region and England, every year.

    Columns: level ('LA', 'Regional', 'National'), area_code, old_la_code, area_name,
    measure, time_period, year, value, numerator, denominator, suppressed.
    """
    return run(con, "send_board_areas")


def area_measures_trend(con: duckdb.DuckDBPyConnection, level: str, area: str) -> pd.DataFrame:
    """Every measure over the years for one Locality, Partnership or County, plus the County's
    and England's figures (one query where a data pack would otherwise run one per measure).

    Columns: is_reference, level, area, measure, time_period, year, value, suppressed,
    numerator, denominator (already suppressed, as in area_measure_year).
    """
    return run(
        con,
        "area_measures_trend",
        level=_level(level, ("Locality", "Partnership", "County")),
        area=_area(area),
    )


def funnel_phase_units(
    con: duckdb.DuckDBPyConnection,
    measure: str,
    time_period: int | str,
    phase: str,
    locality: str | None = None,
) -> pd.DataFrame:
    """School funnel inputs for one phase: each school of ``phase`` (optionally only in
    ``locality``) plus the County row (is_county TRUE) holding the rate over all the
    council's schools of that phase, suppressed. Same columns as :func:`funnel_units`."""
    # a phase's schools in every locality: thousands of rows nationally, built through Arrow
    execute = _run_many_rows if locality is None else run
    return execute(
        con,
        "funnel_phase_units",
        measure=measure,
        time_period=period(time_period),
        phase=phase,
        locality=locality,
    )


def funnel_phases(con: duckdb.DuckDBPyConnection, time_period: int | str) -> pd.DataFrame:
    """School phases with schools in one year, largest first: phase, n_schools."""
    return run(con, "funnel_phases", time_period=period(time_period))
