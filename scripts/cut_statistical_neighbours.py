"""Write data/reference/statistical_neighbours.csv (long: one row per LA, set and rank) from
the two copies of the DfE's children's services statistical-neighbour sets kept in
data/reference/sets (provenance: data/reference/statistical_neighbours.md).

    .venv/bin/python scripts/cut_statistical_neighbours.py
"""

from __future__ import annotations

import csv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "data" / "reference" / "sets"
OUT = REPO / "data" / "reference" / "statistical_neighbours.csv"
#: set year -> (file, LA code column, LA name column, neighbour columns, closeness columns)
SETS = {
    2021: ("cssn_2021_new_statistical_neighbour_groupings_april_2021.csv", 0, 1, "SN"),
    2025: ("cssn_2025_sn_model_2025_wide.csv", 0, 1, "SN_"),
}
HEADER = ["set_year", "la_code", "la_name", "rank", "neighbour_la_code", "neighbour_la_name",
          "closeness"]  # fmt: skip


def long_rows() -> list[list[object]]:
    rows: list[list[object]] = []
    for year, (name, code_at, name_at, prefix) in SETS.items():
        with (FIXTURES / name).open(encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle))
        header, body = table[0], [r for r in table[1:] if r and r[code_at].strip()]
        names = {int(r[code_at]): r[name_at].strip() for r in body}
        for r in body:
            for rank in range(1, 11):
                at = header.index(f"{prefix}{rank}")
                neighbour = int(r[at])
                rows.append([year, int(r[code_at]), names[int(r[code_at])], rank, neighbour,
                             names.get(neighbour, ""), r[at + 1].strip()])  # fmt: skip
    return rows


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(long_rows())
    print(f"wrote {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
