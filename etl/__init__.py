"""ETL: raw council and DfE files -> validated Parquet warehouse (docs/architecture.md).

``python -m etl build`` builds ``data/warehouse`` (demo data, from the ``demo`` package, which
imports etl and never the other way round: ``python -m demo``).
The app calls ``ensure_warehouse()`` / ``warehouse_path()``.
"""

from __future__ import annotations

from .build import BuildError, BuildResult, build_warehouse, ensure_warehouse, warehouse_path

__all__ = ["BuildError", "BuildResult", "build_warehouse", "ensure_warehouse", "warehouse_path"]
