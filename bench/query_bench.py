"""Query latency: every named query (queries/named/<name>.sql behind a function in ``queries``)
and every view, median and p95 over repeated runs on one warehouse.

Runs in-process on one connection, as the app does (explorer.data caches one connection
per build; the query-result cache is bypassed here so every call does the work)."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import queries

from .common import median_p95, timed


@dataclass(frozen=True)
class QueryTiming:
    name: str  # the function and, in brackets, what the case varies
    rows: int
    median_ms: float
    p95_ms: float
    error: str = ""


def _first(con, sql: str, default: Any = None) -> Any:
    row = con.execute(sql).fetchone()
    return row[0] if row and row[0] is not None else default


def _sample_params(con) -> dict[str, Any]:
    """Realistic selections taken from the warehouse: a council locality, a partnership in
    it, a school in that, the latest year, the first characteristic group."""
    locality = _first(con, "SELECT min(locality) FROM membership") or _first(
        con, "SELECT min(locality) FROM school_year"
    )
    row = con.execute(
        "SELECT min(partnership) FROM school_year WHERE locality = $l", {"l": locality}
    ).fetchone()
    partnership = row[0] if row else None
    row = con.execute(
        "SELECT min(urn) FROM school_year WHERE partnership = $p", {"p": partnership}
    ).fetchone()
    urn = row[0] if row and row[0] is not None else _first(con, "SELECT min(urn) FROM school_year")
    year = _first(con, "SELECT max(time_period) FROM school_year")
    group = _first(con, "SELECT min(characteristic_group) FROM exclusions_characteristic", "Gender")
    return {
        "locality": locality,
        "partnership": partnership,
        "urn": int(urn),
        "time_period": int(year),
        "measure": "perm_excl_rate",
        "characteristic_group": group,
    }


def query_cases(con) -> list[tuple[str, Callable[[], Any]]]:
    """(label, call) for every named query, several cases for the ones pages call most."""
    p = _sample_params(con)
    loc, part, urn, year = p["locality"], p["partnership"], p["urn"], p["time_period"]
    q = queries
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("list_years", "", {}),
        ("list_localities", "", {}),
        ("list_partnerships", "locality", {"locality": loc}),
        ("list_schools", "locality", {"locality": loc}),
        ("list_measures", "", {}),
        ("area_measure_trend", "County", {"level": "County", "area": "County"}),
        ("area_measure_trend", "Locality", {"level": "Locality", "area": loc}),
        ("area_measure_trend", "Partnership", {"level": "Partnership", "area": part}),
        ("area_measure_trend", "School", {"level": "School", "area": urn}),
        ("measure_by_area", "Locality", {"level": "Locality", "time_period": year}),
        (
            "measure_by_area",
            "Partnership in locality",
            {"level": "Partnership", "time_period": year, "parent": loc},
        ),
        (
            "measure_by_area",
            "School in partnership",
            {"level": "School", "time_period": year, "parent": part},
        ),
        ("measure_by_area", "every School", {"level": "School", "time_period": year}),
        ("locality_vs_county", "", {"locality": loc, "time_period": year}),
        ("exclusion_trend", "Locality", {"level": "Locality", "area": loc}),
        ("exclusion_trend", "School", {"level": "School", "area": urn}),
        (
            "exclusions_by_reason",
            "Locality, year",
            {"level": "Locality", "area": loc, "time_period": year},
        ),
        ("exclusions_by_reason", "County, all years", {"level": "County", "area": "County"}),
        # School rows are stored in the fact table's order (by year, then school): a
        # school's years sit in several row groups
        ("exclusions_by_reason", "School, all years", {"level": "School", "area": str(urn)}),
        (
            "exclusions_by_characteristic",
            "Locality, year",
            {
                "level": "Locality",
                "area": loc,
                "characteristic_group": p["characteristic_group"],
                "time_period": year,
            },
        ),
        (
            "exclusions_by_characteristic",
            "School, all years",
            {
                "level": "School",
                "area": str(urn),
                "characteristic_group": p["characteristic_group"],
                "time_period": None,
            },
        ),
        ("characteristic_groups", "", {}),
        (
            "sen_need_profile",
            "Locality",
            {"level": "Locality", "area": loc, "time_period": year},
        ),
        ("sen_need_profile", "School", {"level": "School", "area": str(urn), "time_period": year}),
        ("funding_share", "", {}),
        ("school_profile", "partnership, year", {"partnership": part, "time_period": year}),
        ("school_profile", "one school", {"urn": urn}),
        ("school_points", "latest year", {}),
        ("locality_boundaries", "", {}),
        ("rejects", "", {}),
    ]
    council = _first(con, "SELECT council_name FROM settings", "County")
    out = []
    for name, label, params in cases:
        if params.get("area") == "County":
            params = {**params, "area": council}
        if name in {"area_measure_trend", "measure_by_area"}:
            params = {"measure": p["measure"], **params}
        function = getattr(q, name, None)
        if function is None:
            continue
        out.append((_label(name, label), _call(function, con, params)))
    covered = {name for name, _, _ in cases}
    for name in sorted(named_queries() - covered):
        params = _guess_params(getattr(q, name), p)
        out.append((_label(name, "guessed parameters"), _call(getattr(q, name), con, params)))
    return out


def _label(name: str, case: str) -> str:
    return f"{name} ({case})" if case else name


def _call(function: Callable[..., Any], con, params: dict[str, Any]) -> Callable[[], Any]:
    return lambda: function(con.cursor(), **params)


def named_queries() -> set[str]:
    """Public functions of the query layer that run a queries/named/<name>.sql file."""
    folder = queries.layers.NAMED_DIR
    return {
        name
        for name, member in inspect.getmembers(queries, inspect.isfunction)
        if not name.startswith("_") and (folder / f"{name}.sql").is_file()
    }


def _guess_params(function: Callable[..., Any], sample: dict[str, Any]) -> dict[str, Any]:
    """Parameters for a query added after this file was written, by parameter name."""
    guesses = {
        "level": "Locality",
        "area": sample["locality"],
        "parent": None,
        "references": True,
        "subject": None,
        "phase": "Primary",
        **sample,
    }
    params = {}
    for parameter in list(inspect.signature(function).parameters.values())[1:]:
        if parameter.name in guesses and parameter.default is inspect.Parameter.empty:
            params[parameter.name] = guesses[parameter.name]
        elif parameter.name in guesses and parameter.name in ("time_period", "locality"):
            params[parameter.name] = guesses[parameter.name]
    return params


def time_queries(con, repeats: int) -> list[QueryTiming]:
    results = []
    for label, call in query_cases(con):
        try:
            rows = len(call())
            median, p95 = median_p95(timed(call, repeats, warmup=1))
            results.append(QueryTiming(label, rows, median, p95))
        except Exception as error:  # noqa: BLE001 - a broken query is reported, not fatal
            results.append(QueryTiming(label, 0, float("nan"), float("nan"), repr(error)[:120]))
    return results


def time_views(con, repeats: int) -> list[QueryTiming]:
    """Each view read whole (what a Data-page download of it costs): count(*) of SELECT *."""
    results = []
    for name in queries.list_views(con, internal=True):
        sql = f'SELECT count(*) FROM (SELECT * FROM "{name}")'  # noqa: S608 - our view names

        def call(sql: str = sql) -> int:
            return con.cursor().execute(sql).fetchone()[0]

        try:
            rows = call()
            median, p95 = median_p95(timed(call, repeats, warmup=0))
            results.append(QueryTiming(name, int(rows), median, p95))
        except Exception as error:  # noqa: BLE001
            results.append(QueryTiming(name, 0, float("nan"), float("nan"), repr(error)[:120]))
    return results


def open_connection(warehouse: Path) -> tuple[Any, float]:
    """queries.connect() on the warehouse and how long it took (ms), materialisation included."""
    tick = time.perf_counter()
    con = queries.connect(warehouse)
    return con, (time.perf_counter() - tick) * 1000


def computed_at_connect(warehouse: Path) -> bool:
    """True when connect computes the materialised views in memory instead of using the
    build's persisted copies (their fingerprint does not match: a view file, the measure
    catalogue or the settings changed since the ETL ran, or the build has none)."""
    warehouse = Path(warehouse).resolve()
    settings = queries._settings_row(queries.load_config(None))
    fingerprint = queries._views_fingerprint(settings, warehouse)
    return queries._persisted(warehouse, fingerprint) is None
