"""A finished build made ready to serve, before it goes live: the query layer's side of
``python -m etl build``.

The ETL (etl.build) writes the tables and the settings it used; ``prepare_build`` then
stores the materialised views in the build and checks the county's schools against the
DfE's LA figures for the build report. ``build_warehouse`` is the whole build with this
step: the one place the ETL and the query layer meet (the query layer sits above the ETL;
the ETL never imports it).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import queries
from contract import catalogue
from etl.build import BuildResult, Progress
from etl.build import build_warehouse as _build_tables_and_swap
from etl.build import ensure_warehouse as _ensure
from queries import layers


def prepare_build(build_dir: Path, settings: dict[str, Any], say: Progress) -> dict[str, Any]:
    """Materialise the views into ``build_dir`` and reconcile; entries for the report."""
    tick = time.perf_counter()
    names = queries.persist_materialized_views(build_dir, settings)
    say(f"Materialised {len(names)} views for the app ({time.perf_counter() - tick:.1f}s)")
    return {"reconciliation": _reconcile(build_dir, settings, say)}


def prepare_version() -> str:
    """A hash of what the preparation computes from: the views, macros, the catalogue and
    the code that writes the measure-fact view (a change rebuilds the warehouse)."""
    digest = hashlib.sha256()
    sources = layers.macro_scripts() + sorted(layers.view_files().values())
    for path in [*sources, catalogue.CATALOGUE_CSV, queries.CATALOGUE_SQL_CODE]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_warehouse(*args: Any, **kwargs: Any) -> BuildResult:
    """etl.build.build_warehouse with the query layer's preparation (same arguments)."""
    return _build_tables_and_swap(
        *args, prepare=prepare_build, prepare_version=prepare_version(), **kwargs
    )


def _reconcile(build_dir: Path, config: dict[str, Any], say: Progress) -> dict[str, Any]:
    """The county's schools against the DfE's LA figures (queries/public/reconciliation.sql),
    for build_report.json: every measure and year, and a warning when a residual does not
    fit the range of the cells the DfE withheld (schools missing from GIAS or the
    membership, or figures that count different things)."""

    con = queries.connect(build_dir, config)
    try:
        rows = queries.reconciliation(con)
    finally:
        con.close()
    rows = rows.drop(columns=["source"])
    misfits = rows[rows["residual_fits"].ne("fits")]
    if not misfits.empty:
        names = ", ".join(sorted(set(misfits["measure"])))
        unexplained = int(misfits["other_missing"].eq(0).sum())
        say(
            f"Warning: for {len(misfits)} measure-years the DfE's LA figure is not its schools'"
            f" published figures plus what their withheld cells can hold ({names});"
            f" {len(misfits) - unexplained} of them have school figures that were not"
            " available, the others may mean schools missing from GIAS or the membership"
            " (Data page, reconciliation)"
        )
    records = json.loads(rows.to_json(orient="records"))
    return {"rows": records, "not_fitting": int(len(misfits)), "checked": int(len(rows))}


def ensure_warehouse(progress: Progress | None = None, *, data_dir: Path | None = None) -> Path:
    """The live warehouse path, building it first (prepared) when there is none yet."""
    return _ensure(
        progress, data_dir=data_dir, prepare=prepare_build, prepare_version=prepare_version()
    )
