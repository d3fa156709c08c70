"""ETL: raw council and DfE files -> validated Parquet warehouse (docs/architecture.md).

``python -m etl build`` builds ``data/warehouse``; ``python -m etl demo`` writes demo files.
The app calls ``ensure_warehouse()`` / ``warehouse_path()``.
"""

from __future__ import annotations

from .build import BuildError, BuildResult, build_warehouse, ensure_warehouse, warehouse_path

__all__ = ["BuildError", "BuildResult", "build_warehouse", "ensure_warehouse", "warehouse_path"]
