"""ETL: raw council and DfE files -> validated Parquet warehouse (docs/architecture.md).

``etl.build.build_warehouse`` writes a build and swaps it in; the command line ``python -m etl
build`` (and ``queries.prepare.build_warehouse``) adds the query layer's preparation of the
build before it goes live. The ETL imports only ``contract``; demo data comes from the ``demo``
package (``python -m demo``), which imports etl and never the other way round.
"""

from __future__ import annotations

from contract.settings import warehouse_path

from .build import BuildError, BuildResult, build_warehouse, ensure_warehouse

__all__ = ["BuildError", "BuildResult", "build_warehouse", "ensure_warehouse", "warehouse_path"]
