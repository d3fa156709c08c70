"""Tiny hand-written raw files in the real layouts (docs/architecture.md) for the ETL tests.

Oxfordshire (931 / E10000025) plus one other LA (Buckinghamshire, 825), two years
(2021/22 = 202122, 2022/23 = 202223):

======  ===============================  ===========================================
urn     school                           membership (localities Oxford, Banbury)
======  ===============================  ===========================================
100001  Alpha Primary School             Oxford North (whole time)
100002  Beta School (closed 31-08-2022)  not listed: the council lists its successor
100005  Beta Academy (opens 01-09-2022)  Oxford North since 2013 (Successor of 100002)
100003  Gamma Primary School             Oxford North, then Oxford South from 15/01/2023
100004  Delta Special School             Banbury Schools
200001  Bucks Primary (LA 825)           - (out of scope everywhere)
100099  (in the census only)             - (unknown URN: a warning)
======  ===============================  ===========================================

Every number a test checks is visible here or in the test itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl

OXON = ("931", "E10000025", "Oxfordshire")
BUCKS = ("825", "E10000002", "Buckinghamshire")
Y1, Y2 = "202122", "202223"

CONFIG_TOML = """\
[council]
name = "Oxfordshire"
old_la_code = 931
new_la_code = "E10000025"
region_code = "E12000008"
region_name = "South East"
comparator_old_la_codes = [825]

[suppression]
min_count = 3
min_denominator = 10
"""

EES_STANDARD = ["time_period", "time_identifier", "geographic_level", "country_code",
                "country_name", "region_code", "region_name", "old_la_code", "new_la_code",
                "la_name"]  # fmt: skip


def standard(level: str, period: str = Y1, la: tuple[str, str, str] = OXON) -> list[str]:
    """The ten EES standard cells of a row at ``level`` ('National', 'Regional', ...)."""
    country = [period, "Academic year", level, "E92000001", "England"]
    if level == "National":
        return [*country, "", "", "", "", ""]
    if level == "Regional":
        return [*country, "E12000008", "South East", "", "", ""]
    return [*country, "E12000008", "South East", *la]


def csv_bytes(header: list[str], rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(
    path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8"
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(header, rows, encoding))
    return path


def write_xlsx(
    path: Path, sheet: str, header: list[str], rows: list[list[object]], title: str | None = None
) -> Path:
    """A workbook whose table starts on row 1, or on row 3 under a title and a blank row."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    if title:
        worksheet.append([title])
        worksheet.append([])
    worksheet.append(header)
    for row in rows:
        worksheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


# --------------------------------------------------------------------------------------
# GIAS, links, membership
# --------------------------------------------------------------------------------------

GIAS_HEADER = ["URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
               "TypeOfEstablishment (name)", "EstablishmentTypeGroup (name)",
               "EstablishmentStatus (name)", "PhaseOfEducation (name)", "StatutoryLowAge",
               "StatutoryHighAge", "OpenDate", "CloseDate", "Postcode", "Easting", "Northing",
               "DistrictAdministrative (name)", "AdministrativeWard (name)"]  # fmt: skip
MAINTAINED = ("Community school", "Local authority maintained schools")
GIAS_ROWS = [
    [100001, 931, "Oxfordshire", 2001, "Alpha Primary School", *MAINTAINED, "Open", "Primary",
     4, 11, "01-09-1990", "", "OX1 1AA", 451500, 206000, "Oxford", "Carfax"],
    [100002, 931, "Oxfordshire", 4001, "Beta School", *MAINTAINED, "Closed", "Secondary",
     11, 16, "", "31-08-2022", "OX2 2BB", 449000, 209000, "Oxford", "Botley"],
    [100003, 931, "Oxfordshire", 2002, "Gamma Primary School", *MAINTAINED, "Open", "Primary",
     4, 11, "", "", "OX4 3CC", 453500, 203500, "Oxford", "Cowley"],
    [100004, 931, "Oxfordshire", 7001, "Delta Special School", "Community special school",
     "Special schools", "Open", "Not applicable", 2, 19, "", "", "OX16 4DD", 445500, 240500,
     "Cherwell", "Ruscote"],
    [100005, 931, "Oxfordshire", 4002, "Beta Academy", "Academy converter", "Academies", "Open",
     "Secondary", 11, 16, "01-09-2022", "", "OX2 2BB", 449000, 209000, "Oxford", "Botley"],
    [200001, 825, "Buckinghamshire", 2001, "Bucks Primary", *MAINTAINED, "Open", "Primary", 4,
     11, "", "", "HP1 1AA", 485000, 200000, "Buckinghamshire", "Hill"],
]  # fmt: skip
LINKS_HEADER = ["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"]
LINKS_ROWS = [
    [100002, 100005, "Beta Academy", "Successor", "01-09-2022"],
    [100005, 100002, "Beta School", "Predecessor", "01-09-2022"],
    [200001, 200002, "Bucks Academy", "Successor", "01-09-2021"],  # other LA: out of scope
]
MEMBERSHIP_HEADER = ["URN", "School name", "Partnership", "Locality", "Joined", "Left"]
SINCE = dt.datetime(2013, 9, 1)
MEMBERSHIP_ROWS = [
    [100001, "Alpha Primary School", "Oxford North", "Oxford", SINCE, None],
    [100005, "Beta Academy", "Oxford North", "Oxford", SINCE, None],
    [100003, "Gamma Primary School", "Oxford North", "Oxford", SINCE, dt.datetime(2023, 1, 14)],
    [100003, "Gamma Primary School", "Oxford South", "Oxford", dt.datetime(2023, 1, 15), None],
    [100004, "Delta Special School", "Banbury Schools", "Banbury", SINCE, None],
]


def write_gias(raw: Path, rows: list[list[object]] | None = None) -> Path:
    # GIAS is cp1252: a name with an accent and a typographic apostrophe proves the decoding.
    rows = [list(r) for r in (rows or GIAS_ROWS)]
    rows[0][4] = "Alpha Primary School, St Thérèse’s"
    return write_csv(raw / "edubasealldata20240901.csv", GIAS_HEADER, rows, "cp1252")


def write_links(raw: Path) -> Path:
    return write_csv(raw / "links_edubasealldata20240901.csv", LINKS_HEADER, LINKS_ROWS, "cp1252")


def write_membership(raw: Path, rows: list[list[object]] | None = None) -> Path:
    return write_xlsx(raw / "partnership_membership.xlsx", "Membership", MEMBERSHIP_HEADER,
                      rows or MEMBERSHIP_ROWS, title="Oxfordshire school partnerships")  # fmt: skip


# --------------------------------------------------------------------------------------
# EES files
# --------------------------------------------------------------------------------------

CENSUS_COLUMNS = ["urn", "school_name", "phase_type_grouping", "headcount_of_pupils",
                  "number_of_fsm_eligible_pupils", "number_of_pupils_with_eal"]  # fmt: skip
EXCLUSION_COLUMNS = ["school_urn", "school_laestab", "school_name", "school_type", "headcount",
                     "perm_excl", "susp", "one_plus_susp", "perm_excl_rate", "susp_rate",
                     "one_plus_susp_rate"]  # fmt: skip


def census_rows() -> list[list[object]]:
    primary = "State-funded primary"
    return [
        [*standard("National", Y1), "", "", "", 1000, 240, 200],
        [*standard("Regional", Y1), "", "", "", 300, 60, 50],
        [*standard("Local authority", Y1), "", "", "", 90, 15, 12],
        [*standard("Local authority", Y1, BUCKS), "", "", "", 80, 10, 9],
        [*standard("School", Y1), 100001, "Alpha Primary School", primary, 210, 30, "c"],
        [*standard("School", Y1), 100002, "Beta School", "State-funded secondary", 600, 90, 40],
        [*standard("School", Y1), 100003, "Gamma Primary School", primary, 200, "low", 5],
        [*standard("School", Y1, BUCKS), 200001, "Bucks Primary", primary, 150, 20, 10],
        [*standard("School", Y2), 100001, "Alpha Primary School", primary, 215, 31, 6],
        [*standard("School", Y2), 100005, "Beta Academy", "State-funded secondary", 610, 95, 41],
        [*standard("School", Y2), 100003, "Gamma Primary School", primary, 205, 20, 4],
        [*standard("School", Y2), 100099, "Mystery School", primary, 50, 5, 1],
    ]


def write_census(raw: Path) -> Path:
    return write_csv(raw / "spc_school_level_underlying_data.csv",
                     EES_STANDARD + CENSUS_COLUMNS, census_rows())  # fmt: skip


def exclusion_rows() -> list[list[object]]:
    secondary = "State-funded secondary"
    return [
        [*standard("National", Y2), "", "", "", "", 9000, 10, 900, 400, 0.11, 10.0, 4.44],
        [*standard("Local authority", Y2), "", "", "", "", 900, 1, 90, 40, 0.11, 10.0, 4.44],
        [*standard("School", Y2), 100001, 9312001, "Alpha Primary School", "State-funded primary",
         215, 0, "c", 2, 0, "c", 0.93],
        [*standard("School", Y2), 100005, 9314002, "Beta Academy", secondary, 610, 2, 60, 30,
         0.33, 9.84, 4.92],
        [*standard("School", Y2), 100004, 9317001, "Delta Special School", "Special", 80, 0, 12,
         5, 0, 15, 6.25],
    ]  # fmt: skip


def write_exclusions(raw: Path) -> Path:
    return write_csv(raw / "exc_school.csv", EES_STANDARD + EXCLUSION_COLUMNS, exclusion_rows())


def write_topups(raw: Path) -> Path:
    header = ["Financial year", "URN", "School name", "Band", "Pupils funded", "Top-up amount (£)"]
    rows = [
        ["2021-22", 100001, "Alpha Primary School", "Band A", 3, "10500.00"],
        ["2022/23", 100004, "Delta Special School", "Band D", 12, "198,000.50"],
    ]
    return write_csv(raw / "high_needs_topups.csv", header, rows, "cp1252")


def write_minimal_raw(raw: Path) -> Path:
    """A complete small set: GIAS, links, membership, census, exclusions, top-ups."""
    raw.mkdir(parents=True, exist_ok=True)
    write_gias(raw)
    write_links(raw)
    write_membership(raw)
    write_census(raw)
    write_exclusions(raw)
    write_topups(raw)
    return raw
