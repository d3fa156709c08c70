"""The SQL layers, what each may read, and the order views are built in.

The folder a view lives in is its privacy rule, and its name says which folder
(docs/architecture.md, "Layers and suppression"):

* ``staging/``: ``stg_*`` views, read only warehouse tables and the settings. UNSUPPRESSED.
* ``intermediate/``: ``int_*`` views: joins and sums of staging, intermediate and warehouse
  relations. UNSUPPRESSED (some carry the primary suppression only, which subtraction can
  still undo).
* ``public/``: views without a prefix, suppressed: the only views named queries read.
  A public view reading an unsuppressed relation applies the suppression itself: it calls
  a macro using the thresholds (``macros/suppression.sql``) or hides the complementary
  cells (:data:`queries.complementary.TABLE`), unless :data:`NO_SUPPRESSION_NEEDED`
  says why it need not.
* ``named/``: the page queries (``$name`` parameters), run by ``queries.run``: read public
  views and the tables without figures (:data:`DIMENSION_TABLES`, the settings) only.
* ``macros/``: macro scripts run before any view.

What a query reads comes from DuckDB's own parser: ``json_serialize_sql`` gives its syntax
tree, whose ``BASE_TABLE`` nodes are the relations it reads (common table expressions in
scope left out), ``FUNCTION`` nodes the functions and macros it calls and ``PARAMETER``
nodes its ``$name`` parameters. Nothing here binds a query, so a view can be read before
the relations it names exist (that is how the build order is found).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from queries.complementary import TABLE as COMPLEMENTARY_TABLE

QUERIES_DIR = Path(__file__).resolve().parent
STAGING_DIR = QUERIES_DIR / "staging"
INTERMEDIATE_DIR = QUERIES_DIR / "intermediate"
PUBLIC_DIR = QUERIES_DIR / "public"
NAMED_DIR = QUERIES_DIR / "named"
MACROS_DIR = QUERIES_DIR / "macros"

STAGING, INTERMEDIATE, PUBLIC = "staging", "intermediate", "public"
#: Each view layer's folder, in the order the layers stack.
VIEW_DIRS: dict[str, Path] = {
    STAGING: STAGING_DIR,
    INTERMEDIATE: INTERMEDIATE_DIR,
    PUBLIC: PUBLIC_DIR,
}
_PREFIXES = {STAGING: "stg_", INTERMEDIATE: "int_"}

#: Warehouse tables without figures about pupils (names, places, membership, the ETL's
#: log of rows it could not use, which the Data page offers whole): named queries may
#: read them. Every other warehouse table holds unsuppressed figures (benchmarks too:
#: the app suppresses the DfE's figures by its own thresholds before showing them).
DIMENSION_TABLES: frozenset[str] = frozenset(
    {"schools", "school_links", "membership", "school_year", "locality_boundaries", "rejects"}
)
#: Tables connect() creates from the settings and the measure catalogue: any layer reads them.
SETTINGS_TABLES: frozenset[str] = frozenset({"settings", "measures", "withheld_ranges"})
#: The settings macros every suppression rule is built on (created by connect()).
THRESHOLDS: frozenset[str] = frozenset({"min_count", "min_denominator"})

#: Public views that read unsuppressed relations and apply no suppression, each with why
#: that discloses nothing (reviewed like code: the layer test accepts no other).
NO_SUPPRESSION_NEEDED: dict[str, str] = {
    "exclusion_characteristic_groups": "names of pupil characteristics and how many a group"
    " has: no count of pupils",
    "benchmark_coverage": "which measures and years the DfE publishes for each LA: counts of"
    " rows, not of pupils",
    "topup_years": "the years with top-up funding rows: no amount",
    "reconciliation": "the county's sums of the cells the DfE published beside the DfE's own"
    " LA figure (the build's check, on the Data page): nothing below the county, nothing"
    " the publisher did not publish",
}


class QueryLayerError(RuntimeError):
    """The warehouse or the view definitions cannot be turned into a working connection."""


@dataclass(frozen=True)
class Reads:
    """What one SELECT refers to, from its syntax tree (names lower-case)."""

    relations: frozenset[str]
    functions: frozenset[str]
    parameters: frozenset[str]


# --------------------------------------------------------------------------- parsing


def _walk(node: Any, scope: frozenset[str], found: dict[str, set[str]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, scope, found)
        return
    if not isinstance(node, dict):
        return
    ctes = node.get("cte_map")
    if isinstance(ctes, dict) and ctes.get("map"):
        inner = set(scope)
        for entry in ctes["map"]:
            name = str(entry["key"]).lower()
            body = entry["value"]
            # a CTE sees the ones written before it, and itself only when recursive
            recursive = body.get("query_node", {}).get("type") == "RECURSIVE_CTE_NODE"
            _walk(body, frozenset(inner | {name} if recursive else inner), found)
            inner.add(name)
        scope = frozenset(inner)
    if node.get("type") == "BASE_TABLE":
        name = str(node["table_name"]).lower()
        if node.get("schema_name") or node.get("catalog_name") or name not in scope:
            found["relations"].add(name)
    elif node.get("class") == "FUNCTION":
        found["functions"].add(str(node["function_name"]).lower())
    elif node.get("class") == "PARAMETER":
        found["parameters"].add(str(node["identifier"]))
    for key, value in node.items():
        if key != "cte_map":
            _walk(value, scope, found)


#: One parser connection for the process (json_serialize_sql needs no catalogue; a new
#: connection costs ~15 ms, a parse well under one), used under a lock: DuckDB
#: connections are not for concurrent use. Parsed texts are kept (a view's text is parsed
#: once per process however many connections open).
_PARSER: duckdb.DuckDBPyConnection | None = None
_PARSER_LOCK = threading.Lock()
_PARSED: dict[str, Reads] = {}


def _reads(sql: str, tree: dict[str, Any]) -> Reads:
    if tree.get("error"):
        raise QueryLayerError(str(tree.get("error_message", "not a SELECT statement")))
    statements = tree.get("statements", [])
    if len(statements) != 1:
        raise QueryLayerError(f"expected one SELECT statement, found {len(statements)}")
    found: dict[str, set[str]] = {"relations": set(), "functions": set(), "parameters": set()}
    _walk(statements[0], frozenset(), found)
    return Reads(
        frozenset(found["relations"]), frozenset(found["functions"]), frozenset(found["parameters"])
    )


def parse_many(sqls: Iterable[str], con: duckdb.DuckDBPyConnection | None = None) -> list[Reads]:
    """:func:`parse` of each text, the ones not parsed yet in one DuckDB query (on ``con``
    if given, a connection the caller is not using from another thread)."""
    global _PARSER
    sqls = list(sqls)
    with _PARSER_LOCK:
        todo = sorted({sql for sql in sqls if sql not in _PARSED})
        if todo:
            if con is None and _PARSER is None:
                _PARSER = duckdb.connect(":memory:")
            rows = (
                (con or _PARSER)
                .execute(
                    "SELECT q, json_serialize_sql(q, skip_empty := true, skip_null := true)"
                    " FROM unnest($sqls) AS t(q)",
                    {"sqls": todo},
                )
                .fetchall()
            )
            trees = {sql: json.loads(tree) for sql, tree in rows}
            errors: list[str] = []
            for sql in todo:
                try:
                    _PARSED[sql] = _reads(sql, trees[sql])
                except QueryLayerError as error:
                    errors.append(str(error))
            if errors and len(todo) == 1:
                raise QueryLayerError(errors[0])
        missing = [sql for sql in sqls if sql not in _PARSED]
    if missing:  # name the first text that failed
        parse_many(missing[:1])
    return [_PARSED[sql] for sql in sqls]


def parse(sql: str) -> Reads:
    """The relations, functions and parameters of one SELECT statement (DuckDB's parser).

    Raises QueryLayerError with DuckDB's message when the text is not one SELECT.
    """
    return parse_many([sql])[0]


def macro_reads(con: duckdb.DuckDBPyConnection) -> dict[str, Reads]:
    """What each macro of the connection reads and calls (its stored definition, parsed)."""
    rows = con.execute(
        "SELECT DISTINCT function_name, function_type, macro_definition FROM duckdb_functions()"
        " WHERE function_type IN ('macro', 'table_macro') AND NOT internal"
    ).fetchall()
    out: dict[str, Reads] = {}
    for name, kind, definition in rows:
        sql = definition if kind == "table_macro" else f"SELECT {definition}"
        reads = parse(sql)
        previous = out.get(name.lower())
        if previous is not None:  # overloads: one name, several definitions
            reads = Reads(
                previous.relations | reads.relations,
                previous.functions | reads.functions,
                frozenset(),
            )
        out[name.lower()] = reads
    return out


def resolve(reads: Reads, macros: Mapping[str, Reads]) -> Reads:
    """``reads`` with the relations and functions of every macro it calls, transitively."""
    relations, functions = set(reads.relations), set(reads.functions)
    todo = list(functions)
    while todo:
        macro = macros.get(todo.pop())
        if macro is None:
            continue
        relations |= macro.relations
        for name in macro.functions - functions:
            functions.add(name)
            todo.append(name)
    return Reads(frozenset(relations), frozenset(functions), reads.parameters)


# --------------------------------------------------------------------------- files


def layer_of(name: str) -> str:
    """The layer a view name says it belongs to (its prefix)."""
    for layer, prefix in _PREFIXES.items():
        if name.startswith(prefix):
            return layer
    return PUBLIC


def view_files(folders: Iterable[Path] | None = None) -> dict[str, Path]:
    """Every view file by view name (file stem), from the layer folders (or ``folders``).

    Raises QueryLayerError when a name is in two files, or when a layer folder holds a
    view whose prefix names another layer.
    """
    layered = folders is None
    files: dict[str, Path] = {}
    for folder in VIEW_DIRS.values() if folders is None else folders:
        for path in sorted(Path(folder).glob("*.sql")):
            name = path.stem
            if name in files:
                raise QueryLayerError(f"View {name} is defined twice: {files[name]} and {path}")
            if layered:
                wanted = next(k for k, v in VIEW_DIRS.items() if v == Path(folder))
                if layer_of(name) != wanted:
                    raise QueryLayerError(
                        f"View {name} is in {wanted}/ but its name says {layer_of(name)}"
                        f" ({_PREFIXES.get(wanted, 'no prefix')} for {wanted}/)"
                    )
            files[name] = path
    return files


def named_files() -> dict[str, Path]:
    """Every named page query by name."""
    return {path.stem: path for path in sorted(NAMED_DIR.glob("*.sql"))}


def macro_scripts() -> list[Path]:
    """The macro scripts, in name order (run before any view)."""
    return sorted(MACROS_DIR.glob("*.sql"))


# --------------------------------------------------------------------------- build order


def build_order(
    bodies: Mapping[str, str], con: duckdb.DuckDBPyConnection | None = None
) -> list[str]:
    """View names ordered so each comes after the views it reads (a topological sort of
    the relations DuckDB's parser finds in each body; parsed on ``con`` if given). Raises
    QueryLayerError naming the views on a cycle, or a body DuckDB cannot parse."""
    names = set(bodies)
    try:
        parse_many(bodies.values(), con)  # one query for all, not one per view
    except QueryLayerError:
        pass  # the view it was is named below
    depends: dict[str, set[str]] = {}
    for name, body in bodies.items():
        try:
            reads = parse(body)
        except QueryLayerError as error:
            raise QueryLayerError(f"View {name} cannot be parsed: {error}") from error
        depends[name] = set(reads.relations & names) - {name}
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = path[path.index(name) :] + [name]
            raise QueryLayerError("Views depend on each other in a cycle: " + " -> ".join(cycle))
        state[name] = 1
        for dependency in sorted(depends[name]):
            visit(dependency, [*path, name])
        state[name] = 2
        order.append(name)

    for name in sorted(names):
        visit(name, [])
    return order


# --------------------------------------------------------------------------- rules


def check(
    views: Mapping[str, tuple[str, str]],
    named: Mapping[str, str],
    macros: Mapping[str, Reads],
    warehouse_tables: Iterable[str],
    computed: Mapping[str, str] | None = None,
) -> list[str]:
    """Every breach of the layer rules (an empty list when there is none).

    ``views``: view name -> (the layer folder it is in, its SQL); ``named``: named query
    name -> SQL; ``macros``: :func:`macro_reads`; ``computed``: relations built in Python
    (the complementary cells) -> their layer.
    """
    tables = set(warehouse_tables)
    computed = dict(computed or {})
    layer = {name: folder for name, (folder, _) in views.items()} | computed
    threshold_users = {
        name for name, reads in macros.items() if resolve(reads, macros).functions & THRESHOLDS
    } | THRESHOLDS

    def kind(relation: str) -> str:
        if relation in layer:
            return layer[relation]
        if relation in SETTINGS_TABLES:
            return "settings"
        if relation in DIMENSION_TABLES and relation in tables:
            return "dimension"
        if relation in tables:
            return "figures"
        return "unknown"

    unsuppressed = {STAGING, INTERMEDIATE, "figures"}
    allowed = {
        STAGING: {"settings", "dimension", "figures"},
        INTERMEDIATE: {STAGING, INTERMEDIATE, "settings", "dimension", "figures"},
        PUBLIC: {STAGING, INTERMEDIATE, PUBLIC, "settings", "dimension", "figures"},
        "named": {PUBLIC, "settings", "dimension"},
    }
    problems: list[str] = []
    for name, (folder, _) in sorted(views.items()):
        if layer_of(name) != folder:
            problems.append(f"view {name} is in {folder}/ but its name says {layer_of(name)}")
    runs = [("view", n, folder, sql) for n, (folder, sql) in sorted(views.items())]
    runs += [("named query", n, "named", sql) for n, sql in sorted(named.items())]
    for what, name, folder, sql in runs:
        own = parse(sql)
        kinds = {relation: kind(relation) for relation in resolve(own, macros).relations}
        for relation, found in sorted(kinds.items()):
            if found == "unknown":
                problems.append(f"{what} {name} reads {relation}, which is no view or table")
            elif found not in allowed[folder]:
                problems.append(f"{what} {name} ({folder}) reads {relation} ({found})")
        reading = sorted(r for r, k in kinds.items() if k in unsuppressed)
        applies = own.functions & threshold_users or COMPLEMENTARY_TABLE in own.relations
        if folder == PUBLIC and reading and not applies and name not in NO_SUPPRESSION_NEEDED:
            problems.append(
                f"{what} {name} (public) reads {', '.join(reading)} (unsuppressed) and applies"
                " no suppression (no macro of macros/suppression.sql, no complementary cells)"
            )
    return problems
