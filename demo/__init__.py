"""Demo data: invented schools in the real raw-file layouts (docs/architecture.md).

``python -m demo`` writes the files to ``data/raw/demo/``; ``generate_demo(folder)`` writes
them anywhere. The dependency runs one way: demo uses the ETL (its source layouts, its raw
folder scan, its build) and the ETL never imports demo, so ``python -m etl build`` on a
checkout with no data files says so rather than inventing data. What writes demo data on a
fresh checkout is ``ensure_demo_data`` (scripts/start runs ``python -m demo --if-no-data``)
and ``ensure_warehouse`` (the app's first run).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from etl import ensure_warehouse as etl_ensure_warehouse
from etl import warehouse_path
from etl.build import Prepare, scan_raw

from .generator import generate_demo

__all__ = ["demo_dir", "ensure_demo_data", "ensure_warehouse", "generate_demo"]

Progress = Callable[[str], None]


def demo_dir(raw_dir: Path) -> Path:
    """Where the ETL looks for demo files when ``raw_dir`` holds none of the council's."""
    return raw_dir / "demo"


def _write_atomically(out_dir: Path) -> None:
    """The demo files in ``out_dir`` (which holds no data files), written beside it and then
    renamed into place, so an interrupted run leaves no half folder for the ETL to build from."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".demo-partial-", dir=out_dir.parent))
    try:
        generate_demo(partial)
        shutil.rmtree(out_dir, ignore_errors=True)
        partial.rename(out_dir)
    finally:
        shutil.rmtree(partial, ignore_errors=True)  # gone already unless something failed


def ensure_demo_data(raw_dir: Path | None = None, progress: Progress | None = None) -> bool:
    """Write the demo files when ``raw_dir`` (default <data>/raw) holds no data files and no
    demo files yet; True when it wrote them. A raw folder whose only files sit in unreadable
    folders gets none: the build then stops with its message, demo data must not stand in."""
    raw_dir = Path(raw_dir) if raw_dir is not None else warehouse_path().parent / "raw"
    council = scan_raw(raw_dir)
    target = demo_dir(raw_dir)
    if council.files or council.unreadable or scan_raw(target).files:
        return False
    if progress:
        progress(f"No data files in {raw_dir}: generating demo data in {target}")
    try:
        _write_atomically(target)
    except OSError:
        if scan_raw(target).files:  # another process (app, scripts/start) wrote them first
            return False
        raise
    return True


def ensure_warehouse(
    progress: Progress | None = None,
    *,
    data_dir: Path | None = None,
    prepare: Prepare | None = None,
    prepare_version: str = "",
) -> Path:
    """The live warehouse, building it first when there is none, from demo data written
    first on a checkout with no data files (etl.ensure_warehouse, after ensure_demo_data).
    ``prepare``: the query layer's preparation of the build (queries.prepare.prepare_build),
    given by the app, which may import both."""
    warehouse = warehouse_path(data_dir)
    if not (warehouse / "build_report.json").is_file():
        ensure_demo_data(warehouse.parent / "raw", progress)
    return etl_ensure_warehouse(
        progress, data_dir=data_dir, prepare=prepare, prepare_version=prepare_version
    )
