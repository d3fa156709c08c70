"""A tiny hand-made warehouse for the query-layer tests (tests/test_views_*.py, test_query_layer.py).

Six schools, two localities, three partnerships, two years (2022/23, 2023/24):

=======  ================  =========  =========================  ==================
urn      school            phase      partnership 2022/23        partnership 2023/24
=======  ================  =========  =========================  ==================
100001   Alpha Primary     Primary    Banbury North              Banbury North
100002   Beta Academy      Secondary  Banbury North              Banbury South  (moves)
100003   Gamma Primary     Primary    Banbury South              Banbury South
100004   Delta School      Secondary  King's Sutton Schools      King's Sutton Schools
100005   Epsilon Primary   Primary    King's Sutton Schools      King's Sutton Schools (tiny)
100006   Zeta Free School  Secondary  (none, no locality)        (none, no locality)
=======  ================  =========  =========================  ==================

Localities: Banbury (Banbury North, Banbury South) and King's Sutton (King's Sutton
Schools). 100003's 2023/24 suspensions are withheld at source (``c``). Benchmarks hold
England, South East, London and three LAs. Every number the tests check is written
out by hand in the test that checks it; this module only writes the inputs.

Column types come from ``queries.WAREHOUSE_SCHEMA`` (the contract, itself checked
against docs/architecture.md in test_query_layer.py); columns a table's rows do not
give are filled in: ``*_flag`` NULL, ``source_file`` the demo file name,
``source_row`` the row's line (header = 1).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import queries

Y1, Y2 = 202223, 202324
BN, BS, KS = "Banbury North", "Banbury South", "King's Sutton Schools"
BANBURY, KINGS = "Banbury", "King's Sutton"

CONFIG: dict[str, Any] = {
    "council": {
        "name": "Oxfordshire",
        "old_la_code": 931,
        "new_la_code": "E10000025",
        "region_code": "E12000008",
        "region_name": "South East",
        "comparator_old_la_codes": [825],
    },
    "suppression": {"min_count": 3, "min_denominator": 10},
    # as data/config.toml: a withheld exclusions cell ('c', 'x') stands for 1 or 2
    "withheld": {"exclusions": {"symbols": ["x", "c"], "low": 1, "high": 2}},
}

_ARROW = {
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
}

NAMES = {
    100001: ("Alpha Primary", "Primary"),
    100002: ("Beta Academy", "Secondary"),
    100003: ("Gamma Primary", "Primary"),
    100004: ("Delta School", "Secondary"),
    100005: ("Epsilon Primary", "Primary"),
    100006: ("Zeta Free School", "Secondary"),
}
PARTNERSHIP = {
    Y1: {100001: BN, 100002: BN, 100003: BS, 100004: KS, 100005: KS, 100006: None},
    Y2: {100001: BN, 100002: BS, 100003: BS, 100004: KS, 100005: KS, 100006: None},
}
LOCALITY = {BN: BANBURY, BS: BANBURY, KS: KINGS, None: None}


def _rows(columns: list[str], *values: tuple) -> list[dict[str, Any]]:
    return [dict(zip(columns, v, strict=True)) for v in values]


def _school_year() -> list[dict[str, Any]]:
    return [
        {
            "time_period": tp,
            "urn": urn,
            "lineage_urn": urn,
            "school_name": NAMES[urn][0],
            "phase": NAMES[urn][1],
            "partnership": p,
            "locality": LOCALITY[p],
        }
        for tp, by_urn in PARTNERSHIP.items()
        for urn, p in by_urn.items()
    ]


def _schools() -> list[dict[str, Any]]:
    places = {
        100001: (52.07, -1.34),
        100002: (52.06, -1.33),
        100003: (52.05, -1.35),
        100004: (52.03, -1.28),
        100005: (52.02, -1.27),
        100006: (None, None),  # no location: left off maps
    }
    return [
        {
            "urn": urn,
            "laestab": 9312000 + urn % 1000,
            "school_name": name,
            "establishment_type": "Academy converter"
            if phase == "Secondary"
            else "Community school",
            "establishment_group": "Academies"
            if phase == "Secondary"
            else "Local authority maintained schools",
            "status": "Open",
            "phase": phase,
            "phase_gias": phase,
            "low_age": 11 if phase == "Secondary" else 4,
            "high_age": 16 if phase == "Secondary" else 11,
            "open_date": dt.date(2000, 9, 1),
            "close_date": None,
            "postcode": "OX16 1AA",
            "easting": None if places[urn][0] is None else 445000.0,
            "northing": None if places[urn][0] is None else 240000.0,
            "lat": places[urn][0],
            "lon": places[urn][1],
            "district": "Cherwell",
            "ward": "Banbury Ruscote",
            "lineage_urn": urn,
        }
        for urn, (name, phase) in NAMES.items()
    ]


TABLES: dict[str, list[dict[str, Any]]] = {
    "schools": _schools(),
    "school_links": _rows(["urn", "link_urn", "link_type", "link_date"]),
    "membership": _rows(
        ["urn", "school_name", "partnership", "locality", "start_date", "end_date"],
        (100001, "Alpha Primary", BN, BANBURY, dt.date(2015, 9, 1), None),
        (100002, "Beta Academy", BN, BANBURY, dt.date(2015, 9, 1), dt.date(2023, 8, 31)),
        (100002, "Beta Academy", BS, BANBURY, dt.date(2023, 9, 1), None),
        (100003, "Gamma Primary", BS, BANBURY, dt.date(2015, 9, 1), None),
        (100004, "Delta School", KS, KINGS, dt.date(2015, 9, 1), None),
        (100005, "Epsilon Primary", KS, KINGS, dt.date(2015, 9, 1), None),
    ),
    "school_year": _school_year(),
    # school census: headcount, FSM eligible, EAL
    "pupils": _rows(
        ["time_period", "urn", "headcount", "fsm_eligible", "eal"],
        (Y1, 100001, 300, 27, 18),
        (Y1, 100002, 450, 90, 40),
        (Y1, 100003, 210, 3, 1),  # FSM count 3: shown
        (Y1, 100004, 600, 66, 28),
        (Y1, 100005, 9, 0, 0),  # FSM % on 9 pupils: suppressed
        (Y1, 100006, 100, 20, 4),
        (Y2, 100001, 310, 31, 20),
        (Y2, 100002, 460, 92, 46),
        (Y2, 100003, 205, 2, 0),  # FSM count 2: suppressed
        (Y2, 100004, 610, 61, 30),
        (Y2, 100005, 10, 0, 0),  # FSM 0 of 10: shown as 0
        (Y2, 100006, 105, 21, 5),
    ),
    "pupils_year_group": _rows(
        ["time_period", "urn", "year_group", "headcount"],
        (Y2, 100005, "Reception", 2),
        (Y2, 100005, "Year 1", 8),
    ),
    "absence": _rows(
        [
            "time_period",
            "urn",
            "enrolments",
            "sess_possible",
            "sess_overall",
            "sess_authorised",
            "sess_unauthorised",
            "enrolments_pa_10",
        ],
        (Y1, 100001, 310, 98000, 4900, 3400, 1500, 38),
        (Y1, 100002, 460, 148000, 8880, 5900, 2980, 78),
        (Y1, 100003, 215, 61000, 2440, 1800, 640, 21),
        (Y1, 100004, 610, 188000, 11280, 7500, 3780, 105),
        (Y1, 100005, 9, 2700, 270, 200, 70, 1),
        (Y1, 100006, 105, 31500, 2520, 1500, 1020, 14),
        (Y2, 100001, 320, 100000, 5000, 3500, 1500, 40),
        (Y2, 100002, 470, 150000, 9000, 6000, 3000, 80),
        (Y2, 100003, 210, 60000, 2400, 1800, 600, 20),
        (Y2, 100004, 620, 190000, 11400, 7600, 3800, 110),
        (Y2, 100005, 10, 3000, 300, 200, 100, 2),
        (Y2, 100006, 110, 33000, 2640, 1600, 1040, 15),
    ),
    "exclusions": _rows(
        [
            "time_period",
            "urn",
            "headcount",
            "perm_excl",
            "susp",
            "susp_flag",
            "one_plus_susp",
        ],
        (Y1, 100001, 290, 0, 10, None, 7),
        (Y1, 100002, 440, 1, 30, None, 20),
        (Y1, 100003, 210, 0, 3, None, 3),
        (Y1, 100004, 590, 2, 50, None, 28),
        (Y1, 100005, 9, 0, 0, None, 0),
        (Y1, 100006, 95, 0, 4, None, 3),
        (Y2, 100001, 300, 1, 12, None, 8),
        (Y2, 100002, 450, 2, 40, None, 25),
        (Y2, 100003, 200, 0, None, "c", 2),  # suspensions withheld at source
        (Y2, 100004, 600, 3, 60, None, 30),
        (Y2, 100005, 8, 0, 1, None, 1),
        (Y2, 100006, 100, 0, 5, None, 4),
    ),
    "exclusions_reason": _rows(
        ["time_period", "urn", "reason", "perm_excl", "susp", "susp_flag"],
        (Y2, 100001, "Persistent disruptive behaviour", 1, 8, None),
        (Y2, 100001, "Physical assault against a pupil", 0, 4, None),
        (Y2, 100002, "Persistent disruptive behaviour", 1, 25, None),
        (Y2, 100002, "Verbal abuse or threatening behaviour against an adult", 1, 15, None),
        (Y2, 100003, "Persistent disruptive behaviour", 0, None, "c"),
        (Y2, 100004, "Persistent disruptive behaviour", 3, 45, None),
        (Y2, 100004, "Physical assault against a pupil", 0, 15, None),
        (Y2, 100005, "Physical assault against a pupil", 0, 1, None),
    ),
    "exclusions_characteristic": _rows(
        [
            "time_period",
            "urn",
            "characteristic_group",
            "characteristic",
            "headcount",
            "perm_excl",
            "susp",
            "one_plus_susp",
        ],
        (Y2, 100001, "Gender", "Male", 150, 1, 9, 6),
        (Y2, 100001, "Gender", "Female", 150, 0, 3, 2),
        (Y2, 100002, "Gender", "Male", 230, 2, 30, 18),
        (Y2, 100002, "Gender", "Female", 220, 0, 10, 7),
        (Y2, 100004, "Gender", "Male", 300, 3, 45, 20),
        (Y2, 100004, "Gender", "Female", 300, 0, 15, 10),
        (Y2, 100001, "SEN provision", "EHC plan", 8, 0, 2, 1),
        (Y2, 100001, "SEN provision", "SEN support", 32, 0, 2, 2),
        (Y2, 100001, "SEN provision", "No SEN", 260, 1, 8, 5),
    ),
    "sen": _rows(
        ["time_period", "urn", "total_pupils", "sen_support", "ehc_plan"],
        (Y1, 100001, 300, 38, 7),
        (Y1, 100002, 450, 48, 11),
        (Y1, 100003, 210, 19, 2),
        (Y1, 100004, 600, 66, 18),
        (Y1, 100005, 9, 2, 1),
        (Y1, 100006, 100, 9, 3),
        (Y2, 100001, 310, 40, 8),
        (Y2, 100002, 460, 50, 12),
        (Y2, 100003, 205, 20, 2),
        (Y2, 100004, 610, 70, 20),
        (Y2, 100005, 10, 2, 1),
        (Y2, 100006, 105, 10, 3),
    ),
    "sen_need": _rows(
        ["time_period", "urn", "sen_provision", "primary_need", "pupils"],
        (Y2, 100001, "EHC plan", "Autistic Spectrum Disorder", 5),
        (Y2, 100001, "EHC plan", "Speech, Language and Communication Needs", 3),
        (Y2, 100001, "SEN support", "Speech, Language and Communication Needs", 20),
        (Y2, 100001, "SEN support", "Social, Emotional and Mental Health", 12),
        (Y2, 100001, "SEN support", "Specific Learning Difficulty", 8),
        (Y2, 100002, "EHC plan", "Autistic Spectrum Disorder", 8),
        (Y2, 100002, "EHC plan", "Social, Emotional and Mental Health", 4),
        (Y2, 100003, "EHC plan", "Autistic Spectrum Disorder", 2),
        (Y2, 100004, "EHC plan", "Autistic Spectrum Disorder", 10),
        (Y2, 100004, "EHC plan", "Social, Emotional and Mental Health", 6),
        (Y2, 100004, "EHC plan", "Speech, Language and Communication Needs", 4),
        (Y2, 100005, "EHC plan", "Speech, Language and Communication Needs", 1),
        (Y2, 100006, "EHC plan", "Autistic Spectrum Disorder", 3),
    ),
    "ks2": _rows(
        ["time_period", "urn", "pupils_eligible", "rwm_expected"],
        (Y1, 100001, 44, 28),
        (Y1, 100003, 31, 20),
        (Y1, 100005, 1, 1),
        (Y2, 100001, 45, 30),
        (Y2, 100003, 30, 18),
        (Y2, 100005, 2, 1),
    ),
    "ks4": _rows(
        ["time_period", "urn", "pupils", "att8_total"],
        (Y1, 100002, 88, 3960.0),
        (Y1, 100004, 118, 5782.0),
        (Y1, 100006, 9, 333.0),  # 9 pupils: the school's mean is suppressed
        (Y2, 100002, 90, 4095.0),
        (Y2, 100004, 120, 6000.0),
        (Y2, 100006, 15, 600.0),
    ),
    "topups": _rows(
        ["time_period", "urn", "band", "pupils_funded", "amount_gbp"],
        (Y1, 100001, "A", 3, 15000.0),
        (Y1, 100002, "C", 3, 30000.0),
        (Y1, 100003, "A", 1, 3500.0),  # one pupil: Banbury South's 2022/23 amount hidden
        (Y1, 100004, "B", 4, 36000.0),
        (Y2, 100001, "A", 2, 10000.0),
        (Y2, 100001, "B", 1, 8000.0),
        (Y2, 100002, "C", 4, 40000.0),
        (Y2, 100003, "A", 2, 6000.0),
        (Y2, 100004, "B", 5, 50000.0),
        (Y2, 100006, "A", 1, 3000.0),
    ),
    "places": _rows(
        ["time_period", "urn", "provision_type", "places", "amount_gbp"],
        (Y2, 100004, "Resource base", 10, 100000.0),
        (Y2, 100001, "SEN unit", 2, 20000.0),
    ),
    # the council's termly return: the measures count the spring term only
    "send_timetables": _rows(
        ["time_period", "urn", "term", "sen_provision", "part_time", "in_ap"],
        (Y2, 100001, "Spring", "EHC plan", 2, 0),
        (Y2, 100001, "Spring", "SEN support", 3, 1),
        (Y2, 100002, "Spring", "SEN support", 4, 0),
        (Y2, 100002, "Autumn", "SEN support", 9, 9),
    ),
    # the council's EHC plan placements by school: counted by placement kind
    "ehc_placements": _rows(
        ["time_period", "urn", "placement", "ehc_plans"],
        (Y2, 100001, "Mainstream - Academy", 5),
        (Y2, 100001, "Mainstream - Academy, resourced provision", 4),
        (Y2, 100002, "Special - LA maintained", 7),
    ),
    "benchmarks": _rows(
        [
            "time_period",
            "geographic_level",
            "area_code",
            "old_la_code",
            "area_name",
            "measure",
            "numerator",
            "denominator",
        ],
        (Y1, "National", "E92000001", None, "England", "perm_excl_rate", 8000.0, 9_000_000.0),
        (Y1, "National", "E92000001", None, "England", "susp_rate", 810_000.0, 9_000_000.0),
        (Y2, "National", "E92000001", None, "England", "perm_excl_rate", 9000.0, 9_000_000.0),
        (Y2, "National", "E92000001", None, "England", "susp_rate", 900_000.0, 9_000_000.0),
        (Y2, "National", "E92000001", None, "England", "perm_excl", 9000.0, None),
        (Y2, "National", "E92000001", None, "England", "fsm_percent", 2_400_000.0, 10_000_000.0),
        (Y2, "Regional", "E12000008", None, "South East", "perm_excl_rate", 1200.0, 1_500_000.0),
        (Y2, "Regional", "E12000008", None, "South East", "susp_rate", 120_000.0, 1_500_000.0),
        (Y2, "Regional", "E12000007", None, "London", "perm_excl_rate", 1000.0, 1_000_000.0),
        (Y2, "Regional", "E12000007", None, "London", "susp_rate", 95_000.0, 1_000_000.0),
        (
            Y2,
            "Local authority",
            "E10000025",
            931,
            "Oxfordshire",
            "perm_excl_rate",
            110.0,
            100_000.0,
        ),
        (Y2, "Local authority", "E10000025", 931, "Oxfordshire", "susp_rate", 8500.0, 100_000.0),
        (
            Y2,
            "Local authority",
            "E06000060",
            825,
            "Buckinghamshire",
            "perm_excl_rate",
            50.0,
            80_000.0,
        ),
        (Y2, "Local authority", "E06000053", 908, "Isles of Scilly", "perm_excl", 1.0, None),
        # EHC plans (SEN2): calendar years, LA, region and England only; a small published
        # count (2 of 7 plans) is shown as published
        (2021, "National", "E92000001", None, "England", "ehc_20_weeks_ex_pct", 34249, 57196),
        (2022, "National", "E92000001", None, "England", "ehc_20_weeks_ex_pct", 30000, 60000),
        (2022, "Regional", "E12000008", None, "South East", "ehc_20_weeks_ex_pct", 4000, 9000),
        (2021, "Local authority", "E10000025", 931, "Oxfordshire", "ehc_20_weeks_ex_pct", 213, 693),
        (2022, "Local authority", "E10000025", 931, "Oxfordshire", "ehc_20_weeks_ex_pct", 27, 662),
        (2022, "Local authority", "E10000025", 931, "Oxfordshire", "ehc_new_plans", 667, None),
        (2022, "Local authority", "E10000003", 873, "Cambridgeshire", "ehc_20_weeks_ex_pct", 2, 7),
    ),
    "benchmark_breakdowns": _rows(
        [
            "time_period",
            "geographic_level",
            "area_code",
            "old_la_code",
            "area_name",
            "breakdown",
            "characteristic_group",
            "characteristic",
            "perm_excl",
            "perm_excl_flag",
            "susp",
            "susp_flag",
        ],
        (
            Y2,
            "National",
            "E92000001",
            None,
            "England",
            "reason",
            "Reason",
            "Bullying",
            25.0,
            None,
            4250.0,
            None,
        ),
        (
            Y2,
            "Local authority",
            "E10000025",
            931,
            "Oxfordshire",
            "reason",
            "Reason",
            "Bullying",
            None,
            "x",
            40.0,
            None,
        ),
    ),  # fmt: skip
    "locality_boundaries": _rows(
        ["locality", "geometry_geojson", "derived"],
        (
            BANBURY,
            '{"type":"Polygon","coordinates":[[[-1.4,52.0],[-1.4,52.1],[-1.3,52.1],[-1.3,52.0],[-1.4,52.0]]]}',
            False,
        ),
        (
            KINGS,
            '{"type":"Polygon","coordinates":[[[-1.3,52.0],[-1.3,52.1],[-1.2,52.1],[-1.2,52.0],[-1.3,52.0]]]}',
            False,
        ),
    ),
    "rejects": _rows(
        ["source_file", "source_row", "column_name", "value", "rule", "reason", "severity"],
        ("exc_school.csv", 9, "school_urn", "12x", "integer", "URN is not a number", "reject"),
        (
            "spc_school_level_underlying_data.csv",
            4,
            "urn",
            "100099",
            "membership",
            "School in no partnership",
            "warning",
        ),
    ),
}

SOURCE_FILES = {
    "pupils": "spc_school_level_underlying_data.csv",
    "pupils_year_group": "spc_school_year_group.csv",
    "absence": "1_absence_3term_school.csv",
    "exclusions": "exc_school.csv",
    "exclusions_reason": "exc_reason_school.csv",
    "exclusions_characteristic": "exc_characteristics_school.csv",
    "sen": "sen_school_level_ud.csv",
    "sen_need": "sen_primary_need_school.csv",
    "ks2": "2023-2024/england_ks2final.csv",
    "ks4": "2023-2024/england_ks4final.csv",
    "topups": "high_needs_topups.csv",
    "places": "high_needs_places.xlsx",
    "send_timetables": "send_part_time_and_ap.csv",
    "ehc_placements": "ehc_plan_placements.csv",
}


def write_table(folder: Path, table: str, rows: list[dict[str, Any]]) -> Path:
    """Write ``rows`` as ``<folder>/<table>.parquet`` with the contract's columns and types."""
    columns = queries.WAREHOUSE_SCHEMA[table]
    unknown = {key for row in rows for key in row} - {name for name, _ in columns}
    if unknown:
        raise KeyError(f"{table}: columns not in the contract: {sorted(unknown)}")
    data: dict[str, list[Any]] = {}
    for name, _ in columns:
        if name == "source_file":
            data[name] = [row.get(name, SOURCE_FILES.get(table)) for row in rows]
        elif name == "source_row":
            data[name] = [row.get(name, line) for line, row in enumerate(rows, start=2)]
        else:
            data[name] = [row.get(name) for row in rows]
    frame = pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in data.items()})
    schema = pa.schema([(name, _ARROW[sql_type]) for name, sql_type in columns])
    path = folder / f"{table}.parquet"
    pq.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), path)
    return path


def build_tiny_warehouse(folder: Path, skip: tuple[str, ...] = ()) -> Path:
    """Write every contract table (except ``skip``) into ``folder``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in TABLES.items():
        if table not in skip:
            write_table(folder, table, rows)
    (folder / "build_report.json").write_text(
        '{"build_id": "tiny-test", "mode": "demo", "tables": {}}', encoding="utf-8"
    )
    return folder


def tiny_connection(folder: Path, config: dict[str, Any] | None = None, **connect_args: Any):
    """Write the tiny warehouse into ``folder`` and open a query-layer connection on it."""
    return queries.connect(build_tiny_warehouse(folder), config or CONFIG, **connect_args)


def pick(frame: pd.DataFrame, **equals: Any) -> pd.Series:
    """The single row of ``frame`` whose columns equal ``equals`` (fails unless exactly one)."""
    mask = pd.Series(True, index=frame.index)
    for column, value in equals.items():
        mask &= frame[column] == value
    rows = frame[mask]
    assert len(rows) == 1, f"expected one row for {equals}, got {len(rows)}"
    return rows.iloc[0]


def view(con, name: str) -> pd.DataFrame:
    """A whole view as a DataFrame (the tiny warehouse keeps them small)."""
    return con.table(name).df()


def is_hidden(row: pd.Series, column: str = "value") -> bool:
    """True when ``column`` of ``row`` is NULL."""
    return bool(pd.isna(row[column]))


def secondary(
    con, tbl: str, level: str, area: str, time_period: int, family: str, part: str = ""
) -> bool:
    """Whether complementary suppression hides this cell (a numerator family, e.g.
    'Suspensions', of an area; tbl 'area', 'reason', 'group', 'phase' or 'need'; part: the
    reason, 'group: characteristic', phase or 'provision: need')."""
    return bool(
        con.execute(
            "SELECT count(*) FROM int_complementary_cells WHERE tbl = ? AND level = ?"
            " AND area = ? AND time_period = ? AND family = ? AND part = ?",
            [tbl, level, area, time_period, family, part],
        ).fetchall()[0][0]
    )


def shown_unless_secondary(
    con,
    row: pd.Series,
    column: str,
    expected: float,
    family: str,
    tbl: str = "area",
    part: str = "",
) -> None:
    """``row[column]`` is the hand-computed ``expected``, unless complementary suppression
    hides the cell: then it is hidden (NULL and flagged), never another number."""
    level, area, period = row["level"], str(row["area"]), int(row["time_period"])
    if secondary(con, tbl, level, area, period, family, part):
        assert pd.isna(row[column]), (level, area, column)
        flag = f"{column}_suppressed" if f"{column}_suppressed" in row else "suppressed"
        assert bool(row[flag]), (level, area, column)
    else:
        assert row[column] == pytest.approx(expected), (level, area, column)
