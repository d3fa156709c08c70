"""Warehouse tables (docs/architecture.md, "Warehouse tables"): columns, types, writing.

Every table is written with an explicit Arrow schema (so an empty table still has its
columns and types) and its rows in a fixed order, so the same input gives the same
Parquet bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from contract.schema import FACT_TABLES, SCHEMA, SORT_KEYS

__all__ = [
    "FACT_TABLES",
    "SCHEMA",
    "SORT_KEYS",
    "arrow_schema",
    "to_arrow",
    "sort_arrow",
    "write_table",
]

_ARROW_TYPES = {
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[sql]) for name, sql in SCHEMA[table]])


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """``frame``'s contract columns in contract order and types (missing ones all NULL)."""
    schema = arrow_schema(table)
    arrays = []
    for field in schema:
        if field.name in frame.columns and len(frame):
            array = pa.Array.from_pandas(frame[field.name])
            if pa.types.is_timestamp(array.type) and field.type == pa.date32():
                array = array.cast(pa.timestamp("s")).cast(pa.date32())
            arrays.append(array.cast(field.type))
        else:
            arrays.append(pa.nulls(len(frame), field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def sort_arrow(table: str, arrow: pa.Table) -> pa.Table:
    """A deterministic total order (nulls last): the table's key, then every other column.
    Sorted by Arrow in C++ (pandas' multi-column sort of millions of rows took seconds)."""
    if arrow.num_rows == 0:
        return arrow
    key = SORT_KEYS.get(table, ["time_period", "urn"])
    order = [c for c in key if c in arrow.column_names]
    order += [c for c in arrow.column_names if c not in order]
    return arrow.sort_by([(c, "ascending", "at_end") for c in order])


def write_table(folder: Path, table: str, frame: pd.DataFrame) -> int:
    """Write ``<folder>/<table>.parquet`` sorted and typed; returns the row count."""
    arrow = sort_arrow(table, to_arrow(table, frame))
    pq.write_table(arrow, folder / f"{table}.parquet", compression="zstd")
    return arrow.num_rows
