"""Statistical neighbours as data: the DfE's children's services statistical-neighbour sets
(data/reference/statistical_neighbours.csv, its provenance beside it), by the year each set
was published, so a trend compares with the neighbours of its year.

A council may replace them (``[send_board] neighbours`` in data/config.toml): then that
list is every year's set.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE_CSV = (
    Path(__file__).resolve().parent.parent / "data" / "reference" / "statistical_neighbours.csv"
)


@dataclass(frozen=True)
class NeighbourSet:
    """One LA's neighbours in one published set, closest first."""

    set_year: int
    la_code: int
    codes: tuple[int, ...]
    names: tuple[str, ...]
    #: "DfE children's services statistical neighbours (2021)" or the council's own list
    source: str


@cache
def _sets(path: Path = REFERENCE_CSV) -> dict[tuple[int, int], NeighbourSet]:
    rows: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (int(row["set_year"]), int(row["la_code"]))
            rows.setdefault(key, []).append(
                (int(row["rank"]), int(row["neighbour_la_code"]), row["neighbour_la_name"])
            )
    return {
        (year, la): NeighbourSet(
            year,
            la,
            tuple(code for _, code, _ in sorted(found)),
            tuple(name for _, _, name in sorted(found)),
            f"DfE children's services statistical neighbours ({year})",
        )
        for (year, la), found in rows.items()
    }


def set_years(path: Path = REFERENCE_CSV) -> tuple[int, ...]:
    return tuple(sorted({year for year, _ in _sets(path)}))


def neighbours_of(
    la_code: int,
    year: int,
    override: tuple[int, ...] = (),
    path: Path = REFERENCE_CSV,
) -> NeighbourSet | None:
    """The set in force in ``year`` (a calendar year, or the year an academic year starts):
    the latest published in or before it, else the earliest; the council's override list
    if it set one. None when the LA is in no set."""
    if override:
        return NeighbourSet(0, la_code, tuple(override), (), "the council's own list")
    sets = _sets(path)
    years = [y for y in set_years(path) if (y, la_code) in sets]
    if not years:
        return None
    before = [y for y in years if y <= year]
    return sets[(max(before) if before else min(years), la_code)]
