"""The shrink guard: a build whose sources hold far less than the live build's is not
swapped in (rule ``source_shrank``, severity stop; docs/validation_rules.md).

A gutted file (emptied, cut short, merged cells, blank localities, a line-ending or
encoding fault that makes it unreadable) still "works": the build reconciles and would
replace a good warehouse with a near-empty one. So each build records its sizes
(``sizes`` in build_report.json: schools, members, localities, partnerships, boundaries
and the rows loaded per source) and, before the swap, they are compared with the live
build's. A drop beyond ``[build] max_shrink_percent`` (default 20) stops the build with
one line naming what fell and both counts, unless ``--accept-shrink`` is given.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .config import Config
from .errors import BuildError

DEFAULT_MAX_SHRINK_PERCENT = 20.0
ACCEPT_FLAG = "--accept-shrink"
#: Sizes of the whole build (the rest are per source: "rows:<source>", "benchmark:<source>").
LABELS = {
    "schools": "GIAS schools",
    "members": "membership schools",
    "members_with_locality": "membership schools with a locality",
    "partnerships": "partnerships",
    "localities": "localities",
    "locality_boundaries": "locality boundaries",
}


@dataclass(frozen=True)
class Shrink:
    key: str
    before: int
    after: int

    @property
    def percent(self) -> float:
        return 100.0 * (self.after - self.before) / self.before

    def describe(self, files: dict[str, list[str]] | None = None) -> str:
        named = (files or {}).get(self.key.partition(":")[2]) if ":" in self.key else None
        where = f" ({', '.join(named[:3])}{', ...' if len(named) > 3 else ''})" if named else ""
        return (
            f"{label(self.key)}{where} fell from {self.before:,} to {self.after:,} "
            f"({self.percent:.0f}%)"
        )


def label(key: str) -> str:
    kind, _, source = key.partition(":")
    if kind == "rows":
        return f"{'GIAS' if source == 'gias' else source} rows loaded"
    if kind == "benchmark":
        return f"{source} benchmark rows"
    return LABELS.get(key, key)


def max_shrink_percent(config: Config) -> float:
    """``[build] max_shrink_percent`` of the council's config (default 20). Read here from
    the file's own text: the Config dataclass need not carry a setting only this uses."""
    try:
        settings = tomllib.loads(config.raw.decode("utf-8")) if config.raw else {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        settings = {}  # load_config has already refused a file that is not TOML
    value = (settings.get("build") or {}).get("max_shrink_percent", DEFAULT_MAX_SHRINK_PERCENT)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise BuildError(
            f"{config.path}: [build] max_shrink_percent must be a number from 0 to 100, "
            f"not {value!r}"
        )
    return float(value)


def build_sizes(build_dir: Path, report: dict[str, Any]) -> dict[str, int]:
    """What the shrink guard compares, from a build's report and its membership table."""
    sizes: dict[str, int] = defaultdict(int)
    tables = report.get("tables") or {}
    for key in ("schools", "locality_boundaries"):
        if key in tables:
            sizes[key] = int(tables[key])
    for entry in report.get("files") or []:
        source = entry.get("source")
        if not source:
            continue
        sizes[f"rows:{source}"] += int(entry.get("rows_loaded") or 0)
        if entry.get("rows_benchmark"):
            sizes[f"benchmark:{source}"] += int(entry["rows_benchmark"])
    path = build_dir / "membership.parquet"
    if path.is_file():
        members = pq.read_table(path, columns=["urn", "partnership", "locality"]).to_pandas()
        sizes["members"] = int(members["urn"].nunique())
        locality = members["locality"]
        with_locality = locality.notna() & locality.astype(str).str.strip().ne("")
        sizes["members_with_locality"] = int(members.loc[with_locality, "urn"].nunique())
        sizes["partnerships"] = int(members["partnership"].nunique())
        sizes["localities"] = int(members["locality"].nunique())
    return dict(sorted(sizes.items()))


def shrinks(before: dict[str, int], after: dict[str, int], limit: float) -> list[Shrink]:
    """Everything that fell by more than ``limit`` percent, the largest fall first. A size
    the live build had and this one lacks (a source absent or rejected whole) fell 100%."""
    found = [
        Shrink(key, int(old), int(after.get(key, 0)))
        for key, old in before.items()
        if old and 100.0 * (old - after.get(key, 0)) / old > limit
    ]
    # the whole build's sizes (schools, members) lead a tie: they say most
    return sorted(found, key=lambda s: (s.percent, s.key.startswith("benchmark:"), ":" in s.key))


def live_sizes(live: dict[str, Any], live_dir: Path) -> dict[str, int]:
    """The live build's sizes: recorded in its report, else (a build from before the
    guard) worked out from its report and tables."""
    recorded = live.get("sizes")
    if isinstance(recorded, dict):
        return {str(k): int(v) for k, v in recorded.items()}
    return build_sizes(live_dir, live)


def check(
    live: dict[str, Any] | None,
    live_dir: Path,
    mode: str,
    report: dict[str, Any],
    limit: float,
) -> list[Shrink]:
    """What fell beyond ``limit`` against the live build; nothing when there is no live
    build, when the live build is demo data (the first real build replaces it), or when it
    is another council's (the config changed the LA)."""
    if not live or live.get("mode") != "real":
        return []
    if (live.get("la") or {}).get("old_la_code") != (report.get("la") or {}).get("old_la_code"):
        return []
    after = report.get("sizes") or {}
    if mode != "real":  # raw/ emptied: demo data would stand in for the council's files
        after = {}
    return shrinks(live_sizes(live, live_dir), after, limit)


def message(found: list[Shrink], live: dict[str, Any], limit: float, mode: str) -> str:
    """One line: the largest fall (with the live build's files of that source), the others
    in brief, and how to go ahead."""
    when = live.get("finished_at") or live.get("build_id") or "?"
    files: dict[str, list[str]] = defaultdict(list)
    for entry in live.get("files") or []:
        if entry.get("source"):
            files[entry["source"]].append(str(entry.get("file")))
    first, *rest = found
    if mode == "real":
        line = f"{first.describe(files)} compared with the live build {when}"
    else:
        line = (
            f"the raw folder holds no data files, so demo data would replace the live build "
            f"{when} ({first.describe(files)})"
        )
    if rest:
        shown = "; ".join(s.describe() for s in rest[:5])
        more = f"; and {len(rest) - 5} more" if len(rest) > 5 else ""
        line += f" (also {shown}{more})"
    return f"{line}: a fall of more than {limit:g}%; if this is right, run again with {ACCEPT_FLAG}"
