"""Where the real published files are (``shared/real/`` beside the repository) and small
helpers to build a council's raw folder around them."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

REAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "real"
REAL_FILES = REAL_DIR / "files"
REAL_HEADERS = REAL_DIR / "headers"

EXCLUSIONS_2016_17 = (
    REAL_FILES / "ees-exclusions-2006-2017" / "exclusions_by_geographic_level_without_931.csv"
)
SPINE_2017_18 = REAL_FILES / "perf-spine-2017-18" / "2017-2018_england_spine.xlsx"


def csv_rows(path: Path) -> list[dict[str, str]]:
    """A real file's rows as text, read with the csv module (not through the ETL)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def published_number(text: str) -> float | None:
    """A published cell as a number; None for a symbol (z, x, c, NULL, .): not published."""
    try:
        return float(text)
    except ValueError:
        return None


def real_file(path: Path) -> Path:
    """``path`` if the real files are beside the repository, else skip the test."""
    if not path.exists():
        pytest.skip(f"the real published files are not beside the repository ({path})")
    return path


@cache
def spine() -> pd.DataFrame:
    """The DfE performance tables' school register for 2017/18 (all statuses), as text."""
    return pd.read_excel(real_file(SPINE_2017_18), dtype=str)


def council_toml(name: str, old: int, new: str, region: str, region_name: str) -> str:
    return f"""\
[council]
name = "{name}"
old_la_code = {old}
new_la_code = "{new}"
region_code = "{region}"
region_name = "{region_name}"
comparator_old_la_codes = []

[suppression]
min_count = 3
min_denominator = 10

[withheld.exclusions]
symbols = ["x", "c"]
low = 1
high = 2
"""
