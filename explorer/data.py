"""Cached data access for pages: one DuckDB connection on the live warehouse build, cached
query results.

Pages never write SQL: they call ``query("function_name", **params)`` which runs a
named function of the query layer (``queries``) and caches its DataFrame for the
current warehouse build, so reruns cost nothing and a rebuild refreshes everything.

At most one connection per live build is held: when the warehouse link moves to a new
build, the old connection is retired (closed as soon as no run holds a cursor of it) and
the cached results of the old build are dropped, so rebuilds do not add up in memory.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

import duckdb
import pandas as pd
import streamlit as st

import queries
from contract import settings
from contract.access import Viewer
from explorer import access, charts
from queries import access as query_access

WAREHOUSE_ENV = "LOCALITY_EXPLORER_WAREHOUSE"

#: What a page shows instead of a traceback when a warehouse file is missing or unreadable
#: (a build being replaced or pruned under a running app, or a damaged build folder).
UNAVAILABLE = (
    "The data for this page is not available right now (the warehouse is being replaced or "
    "is incomplete). Reload the page in a minute; if this persists, rebuild the data."
)

_LOG = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


class DataUnavailable(RuntimeError):
    """A file of the live warehouse build is missing or cannot be read."""


def warehouse_dir() -> Path:
    """The warehouse the app reads: $LOCALITY_EXPLORER_WAREHOUSE or data/warehouse."""
    override = os.environ.get(WAREHOUSE_ENV)
    if override:
        return Path(override)
    return settings.warehouse_path()


def ensure_warehouse() -> Path:
    """Build the warehouse from the raw folder (demo data on a fresh checkout) if there is none."""
    target = warehouse_dir()
    if (target / "build_report.json").exists():
        return target
    if os.environ.get(WAREHOUSE_ENV):
        raise FileNotFoundError(f"No warehouse at {target}")
    # the demo package writes a fresh checkout's demo files, the ETL builds them and the query
    # layer prepares the build before it goes live
    from demo import ensure_warehouse as build_if_missing
    from queries.prepare import prepare_build, prepare_version

    with st.status("First run: building the warehouse from the raw files…", expanded=True) as box:
        path = build_if_missing(prepare=prepare_build, prepare_version=prepare_version())
        box.update(label="Warehouse built", state="complete", expanded=False)
    return path


def build_id() -> str:
    """Identifies the warehouse build; part of every cache key."""
    return str(build_report().get("build_id", "unknown"))


def build_report() -> dict:
    """The last successful build's report (rows read, loaded, rejected per file). Read-only:
    the parsed file is shared by every session until the live build changes."""
    path = warehouse_dir() / "build_report.json"
    try:
        stat = path.stat()  # through the warehouse link: a swap changes the file (its inode)
    except OSError:
        return {}
    return _parsed_report(str(path), stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _parsed_report(path: str, _device: int, _inode: int, _mtime_ns: int, _size: int) -> dict:
    # every query's cache key asks for the build id: parsing the report each time was 5% of
    # a page load's server time under load, and resolving the link (realpath) 7% of the
    # county overview's; the file's identity stands in for its resolved path
    return json.loads(Path(path).read_text(encoding="utf-8"))


def is_demo() -> bool:
    return build_report().get("mode") == "demo"


def config_path() -> Path:
    """The settings file in force (contract.settings: LOCALITY_EXPLORER_CONFIG, else
    <data dir>/config.toml): part of the cache keys, so a changed file re-opens the build
    (its thresholds tighten the build's own, contract.settings.serving_document)."""
    return settings.default_config_path()


def accessibility_contact() -> str:
    """Where users report an accessibility problem ([accessibility] contact in the council
    settings); empty until the council sets one."""
    return settings.load_config(config_path()).accessibility_contact


def missing_files(warehouse: Path) -> list[str]:
    """The build's files that are gone: its report, or a table the report says it wrote
    (with rows). The query layer stands in an empty table for a missing one, which for a
    table the build wrote would show pages with silently missing data."""
    report = warehouse / "build_report.json"
    if not report.is_file():
        return [report.name]
    try:
        tables = json.loads(report.read_text(encoding="utf-8")).get("tables") or {}
    except (OSError, ValueError):
        return [report.name]
    return [
        f"{table}.parquet"
        for table, rows in sorted(tables.items())
        if rows and not (warehouse / f"{table}.parquet").is_file()
    ]


def _open(resolved_warehouse: str, config: str) -> duckdb.DuckDBPyConnection:
    warehouse = Path(resolved_warehouse)
    missing = missing_files(warehouse)
    if missing:
        raise DataUnavailable(f"{warehouse}: missing {', '.join(missing)}")
    # the settings the build recorded, tightened to the file in force now: the same rule
    # as queries.connect's for the packs and the command line (contract.settings)
    current = settings.load_config(Path(config))
    return queries.connect(warehouse, config=settings.serving_document(warehouse, current))


@dataclass(eq=False)
class HeldConnection:
    """The connection on one build, and how many cursors of it are still alive. Closing a
    DuckDB connection closes its cursors, so a retired one is closed only when the last
    cursor a run took from it is gone (a page mid-run keeps reading the build it started
    on)."""

    con: duckdb.DuckDBPyConnection
    cursors: int = 0
    retired: bool = False
    closed: bool = False

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with _HELD_LOCK:
            cursor = self.con.cursor()
            self.cursors += 1
        weakref.finalize(cursor, self._release)
        return cursor

    def open_cursor(self) -> duckdb.DuckDBPyConnection | None:
        """A cursor, or None once the connection is closed (a retired build's)."""
        with _HELD_LOCK:
            return None if self.closed else self.cursor()

    def retire(self) -> None:
        with _HELD_LOCK:
            self.retired = True
            self._close_if_idle()

    def _release(self) -> None:
        with _HELD_LOCK:
            self.cursors -= 1
            self._close_if_idle()

    def _close_if_idle(self) -> None:
        if self.retired and self.cursors <= 0 and not self.closed:
            self.closed = True
            self.con.close()


# re-entrant: a cursor's finaliser can run (garbage collection) while the lock is held
_HELD_LOCK = threading.RLock()


#: What else to drop when a build is retired (caches outside st.cache_data).
_ON_RETIRE: list[Callable[[], None]] = []


def on_retire(clear: Callable[[], None]) -> None:
    """Call ``clear`` whenever the live build's connection is retired (a new build)."""
    _ON_RETIRE.append(clear)


def _retire(held: HeldConnection) -> None:
    """Called by Streamlit when the cached connection is replaced (the live build moved) or
    cleared: the old connection is closed once unused, and every result cached from it is
    dropped (all cached data derives from the warehouse)."""
    held.retire()
    st.cache_data.clear()
    for clear in _ON_RETIRE:
        clear()


# max_entries=1: a new live build evicts the old build's connection (``_retire``)
@st.cache_resource(show_spinner="Opening the data warehouse…", max_entries=1, on_release=_retire)
def _connection(resolved_warehouse: str, build: str, config: str) -> HeldConnection:
    return HeldConnection(_open(resolved_warehouse, config))


def live_connection() -> HeldConnection:
    """The live build's connection (opened on first use after a rebuild)."""
    return _connection(str(warehouse_dir().resolve()), build_id(), str(config_path()))


def connection(viewer: Viewer | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the live build's connection (cursors are safe to use from Streamlit's
    threads), answering as ``viewer`` (default: whoever this run is for; queries.access).
    Keep it only for the run: a cursor kept longer keeps its build's connection open after
    a rebuild."""
    viewer = access.current_viewer() if viewer is None else viewer
    for _ in range(3):
        # None: this build's connection was retired and closed between the lookup and now
        # (a rebuild went live meanwhile); the next lookup gives the new one
        cursor = live_connection().open_cursor()
        if cursor is not None:
            return query_access.scope(cursor, viewer)
    raise DataUnavailable("the live build's connection kept closing")


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(name: str, build: str, config: str, viewer: str, params: tuple) -> pd.DataFrame:
    function = getattr(queries, name)
    return function(connection(Viewer.from_key(viewer)), **dict(params))


def query(name: str, **params) -> pd.DataFrame:
    """Run the query layer's function ``name`` with bound parameters, as this run's viewer
    may see it; cached per build, settings file and viewer."""
    return _cached_query(
        name, build_id(), str(config_path()), access.viewer_key(), tuple(sorted(params.items()))
    )


def per_build(max_entries: int = 64) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a function's result across sessions, per build, settings file and viewer.

    For what a page builds from the warehouse alone (a chart's finished spec): the same for
    every session that asks, so under load it is worked out once, not once per visitor.
    The function takes hashable positional arguments, draws nothing and returns something
    picklable (each caller gets its own copy); it runs as the viewer of the key
    (``access.as_viewer``), so what it reads through ``query`` is what that viewer may see.
    Each function has its own cache of ``max_entries`` results (a map can be megabytes).
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        def call(build: str, config: str, viewer: str, checked: bool, args: tuple) -> R:
            # ``checked``: whether charts are checked against the schema (the page tests
            # turn it on), so a chart cached unchecked is never handed to a test that checks
            with access.as_viewer(Viewer.from_key(viewer)):
                return function(*args)

        # Streamlit tells cached functions apart by module and qualified name
        call.__module__, call.__qualname__ = function.__module__, f"{function.__qualname__}#"
        cached_call = st.cache_data(show_spinner=False, max_entries=max_entries)(call)

        @functools.wraps(function)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            if kwargs:
                raise TypeError(f"{function.__qualname__}: per_build takes positional arguments")
            return cached_call(
                build_id(), str(config_path()), access.viewer_key(), charts.checks_on(), args
            )

        return cached

    return decorate


def _is_missing_data(error: BaseException) -> bool:
    """Whether ``error`` means a warehouse file is missing or unreadable (not a bug)."""
    if isinstance(error, (DataUnavailable, queries.QueryLayerError, FileNotFoundError)):
        return True
    if isinstance(error, duckdb.IOException):
        return True
    if isinstance(error, (duckdb.Error, OSError)):
        # e.g. a Parquet file cut short while being replaced: only when a file is gone
        try:
            return bool(missing_files(warehouse_dir().resolve()))
        except OSError:
            return True
    return False


@contextmanager
def unavailable_data_as_message() -> Iterator[None]:
    """Run a page; if a warehouse file is missing or unreadable, end it with one plain
    message (no traceback, no server path; the details go to the server's log)."""
    try:
        yield
    except Exception as error:
        if not _is_missing_data(error):
            raise
        _LOG.warning("Page stopped, warehouse data unavailable: %s", error)
        st.error(UNAVAILABLE, icon=":material/cloud_off:")


# --------------------------------------------------------------------------- offers

#: What a download button says when it was drawn on a build that is gone.
REPLACED = "This download was prepared from a build that has since been replaced: choose it again."


class BuildReplaced(RuntimeError):
    """The build a download was offered from is no longer on disk."""


@dataclass(frozen=True)
class Offer:
    """The build a page offered a download from (a download prepared later reads it, not
    whatever is live by then). Holds its connection weakly: an old offer never keeps an
    old build's connection open."""

    build: str
    warehouse: str  # the build's own folder (the link resolved)
    config: str
    held: weakref.ref = field(compare=False, repr=False)
    #: Who the page was drawn for: the download answers as them (queries.access).
    viewer: str = Viewer.from_key(None).key


def current_offer() -> Offer:
    """The live build, for a download drawn in this run, as this run's viewer."""
    held = live_connection()
    return Offer(
        build_id(),
        str(warehouse_dir().resolve()),
        str(config_path()),
        weakref.ref(held),
        access.viewer_key(),
    )


def offer_available(offer: Offer) -> bool:
    """Whether the offer's build is still on disk, whole."""
    folder = Path(offer.warehouse)
    try:
        report = json.loads((folder / "build_report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return str(report.get("build_id", "unknown")) == offer.build and not missing_files(folder)


@contextmanager
def offered_connection(offer: Offer) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection on the build ``offer`` was made from: a cursor of its connection if that
    is still open, else one opened for this download and closed after it. Raises
    BuildReplaced (message REPLACED) once the build is gone. Needs no Streamlit run (a
    deferred download runs on its own thread)."""
    if not offer_available(offer):
        raise BuildReplaced(REPLACED)
    held = offer.held()
    cursor = held.open_cursor() if held is not None else None
    viewer = Viewer.from_key(offer.viewer)
    if cursor is not None:
        yield query_access.scope(cursor, viewer)
        return
    con = _open(offer.warehouse, offer.config)
    try:
        yield query_access.scope(con, viewer)
    finally:
        con.close()
