"""A corpus of deliberately broken (and awkward but valid) raw files, each with the outcome
docs/validation_rules.md promises for it.

Every case writes one file into a raw folder that already holds the small good set of
tests/etl_raw_files.py, and says what the build report must show for that file (rows read,
loaded, benchmark, out of scope, rejected, warnings) and exactly which problems the
``rejects`` table must hold for it: ``(source_row, column_name, rule, severity)``. Each case
uses its own time period so no case's rows duplicate another's.

``STOP_CASES`` break a required file: the build must stop with one clear line and leave
the previous warehouse live. ``SHRINK_CASES`` gut a source so the build would hold far
less than the live one (rule ``source_shrank``): it must stop the same way unless
``--accept-shrink`` is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from etl_raw_files import (
    BUCKS,
    CENSUS_COLUMNS,
    CONFIG_TOML,
    EES_STANDARD,
    EXCLUSION_COLUMNS,
    GIAS_HEADER,
    GIAS_ROWS,
    MEMBERSHIP_HEADER,
    MEMBERSHIP_ROWS,
    csv_bytes,
    standard,
    write_csv,
    write_gias,
    write_membership,
    write_minimal_raw,
    write_xlsx,
)

FORMULA_NAME = '=HYPERLINK("http://x","y")'
FORMULA_NAME_2 = "+cmd|' /C calc'!A0"
HUGE = "99999999999999999999"
#: A GIAS school of the LA in no partnership (and with a formula-injection name).
EPSILON_URN = 100007
UNKNOWN_URN = 999999
#: A URN in no register whose census name looks like a formula (the name is kept).
FORMULA_URN = 100098

Problem = tuple[int | None, str | None, str, str]  # source_row, column_name, rule, severity


@dataclass(frozen=True)
class Outcome:
    read: int
    loaded: int
    benchmark: int = 0
    out_of_scope: int = 0
    rejected: int = 0
    warnings: int = 0


@dataclass(frozen=True)
class Case:
    file: str
    what: str
    write: Callable[[Path], None]
    outcome: Outcome
    problems: frozenset[Problem] = field(default_factory=frozenset)
    #: For a rejected file: words its one summarising reject row must contain.
    reason: str | None = None


def school(period: str, urn: object, name: str, *cells: object, la=None) -> list[object]:
    return [*standard("School", period, la or ("931", "E10000025", "Oxfordshire")), urn, name,
            *cells]  # fmt: skip


def census_row(period: str, urn: object, headcount: object, fsm: object, eal: object,
               name: str = "Alpha Primary School") -> list[object]:  # fmt: skip
    return school(period, urn, name, "State-funded primary", headcount, fsm, eal)


def exclusion_row(period: str, urn: object, *cells: object, la=None) -> list[object]:
    return [*standard("School", period, la or ("931", "E10000025", "Oxfordshire")), urn,
            9312001, "Alpha Primary School", "State-funded primary", *cells]  # fmt: skip


def _at_level(row: list[object], level: str) -> list[object]:
    return [*row[:2], level, *row[3:]]


CENSUS = EES_STANDARD + CENSUS_COLUMNS
#: The council's codes as a spreadsheet saves them, and another LA's.
EXCEL_CODE_ROWS = [
    school("202324", 100001, "Alpha Primary School", "State-funded primary",
           210, 30, 5, la=("931.0", "", "Oxfordshire")),
    school("202324", 100003, "Gamma Primary School", "State-funded primary",
           200, 20, 4, la=("0931", "", "Oxfordshire")),
    school("202324", 100004, "Delta Special School", "Special", 80, 10, 2,
           la=("E10000025", "931", "Oxfordshire")),
    school("202324", 200001, "Bucks Primary", "State-funded primary", 150, 20,
           10, la=("825.0", "", "Buckinghamshire")),
]  # fmt: skip
EXCLUSIONS = EES_STANDARD + EXCLUSION_COLUMNS
KS2 = ["school_urn", "school_name", "t_elig", "t_rwm_met_expected", "pt_rwm_met_expected"]


def _csv(name: str, header: list[str], rows: list[list[object]], encoding: str = "utf-8"):
    return lambda raw: write_csv(raw / name, header, rows, encoding)


def _bytes(name: str, data: bytes):
    return lambda raw: (raw / name).write_bytes(data)


def gias_rows() -> list[list[object]]:
    """The good GIAS rows plus Epsilon: in the LA, in no partnership, named like a formula."""
    epsilon = list(GIAS_ROWS[0])
    epsilon[0], epsilon[3], epsilon[4] = EPSILON_URN, 2009, FORMULA_NAME
    return [*GIAS_ROWS, epsilon]


def good_raw(data: Path) -> Path:
    """A data folder whose raw/ holds the good small set (GIAS with Epsilon added)."""
    (data / "raw").mkdir(parents=True, exist_ok=True)
    (data / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    raw = write_minimal_raw(data / "raw")
    write_gias(raw, gias_rows())
    return raw


def _truncated_census(raw: Path) -> None:
    rows = [census_row("201819", 100001, 210, 30, 5), census_row("201819", 100003, 200, 20, 4)]
    data = csv_bytes(CENSUS, rows)
    (raw / "census_cut_short.csv").write_bytes(data[: len(data) - 12])  # mid-way through row 3


def _truncated_xlsx(raw: Path) -> None:
    path = write_xlsx(raw / "places_cut_short.xlsx", "Places", ["Financial year", "URN"], [])
    path.write_bytes(path.read_bytes()[:300])


def _places_below_notes(raw: Path) -> None:
    """A council workbook: a notes sheet first, then the table under two title lines."""
    import openpyxl

    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["High needs place funding, prepared by the SEND finance team"])
    sheet = workbook.create_sheet("Places")
    sheet.append(["High needs places 2016-17"])
    sheet.append(["Source: council finance system"])
    sheet.append([])
    sheet.append(["Financial year", "URN", "School name", "Provision type", "Places",
                  "Place funding (£)"])  # fmt: skip
    sheet.append(["2016-17", 100004, "Delta Special School", "Special school", 80, 800000.5])
    sheet.append([])
    sheet.append(["2016-17", 100001, "Alpha Primary School", "Resource base", 10, 60000])
    workbook.save(raw / "high_needs_places_2016.xlsx")


def _xlsx_named_csv(raw: Path) -> None:
    header = ["Financial year", "URN", "School name", "Band", "Pupils funded",
              "Top-up amount (£)"]  # fmt: skip
    path = write_xlsx(raw / "topups.xlsx", "Top-ups", header,
                      [["2015-16", 100001, "Alpha Primary School", "Band A", 3, 10500]])  # fmt: skip
    path.rename(raw / "topups_saved_as_csv.csv")


def _membership_bad_dates(raw: Path) -> None:
    import datetime as dt

    rows = [
        [100001, "Alpha Primary School", "Oxford East", "Oxford", dt.datetime(2099, 9, 1), None],
        [100003, "Gamma Primary School", "Oxford East", "Oxford", "31/02/2020", None],
        [100004, "Delta Special School", "Banbury East", "Banbury", dt.datetime(2020, 9, 1),
         dt.datetime(2019, 8, 31)],
        [UNKNOWN_URN, "Nowhere School", "Banbury East", "Banbury", dt.datetime(2020, 9, 1), None],
    ]  # fmt: skip
    write_xlsx(raw / "membership_additions.xlsx", "Membership", MEMBERSHIP_HEADER, rows)


def _swallowing_census(period: str, closing: bool) -> bytes:
    """Census lines 2-7: row 3 opens a quote in its school name that only line 6 closes
    (``closing``: with the right number of fields after it, so the row fits by chance)."""
    good = csv_bytes(CENSUS, [census_row(period, 100001, 210, 30, 5)])
    opened = census_row(period, 100003, 200, 20, 4)
    opened[11] = '"Gamma Primary School'
    swallowed = csv_bytes(CENSUS, [census_row(period, 100004, 80, 8, 2),
                                   school(period, 200001, "Bucks Primary",
                                          "State-funded primary", 150, 20, 10, la=BUCKS)])  # fmt: skip
    end = 'Alpha Primary School",State-funded primary,210,30,5' if closing else 'a note",x'
    after = csv_bytes(CENSUS, [census_row(period, 100004, 80, 8, 2)])
    return (
        good
        + (",".join(str(c) for c in opened) + "\n").encode()
        + swallowed.split(b"\n", 1)[1]
        + (end + "\n").encode()
        + after.split(b"\n", 1)[1]
    )


TOPUPS_HEADER = ["Financial year", "URN", "School name", "Band", "Pupils funded",
                 "Top-up amount (£)"]  # fmt: skip


def _topups(year: str, rows: int) -> list[list[object]]:
    return [[year, 100001, "Alpha Primary School", f"Band {i}", 1, 100 * i] for i in range(rows)]


def _set_dimension(path: Path, ref: str) -> None:
    """Rewrite the first sheet's <dimension> (a program that wrote it wrong)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(),
                            members[sheet])  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)


def _understated(name: str, year: str, ref: str):
    def write(raw: Path) -> None:
        path = write_xlsx(raw / name, "Top-ups", TOPUPS_HEADER, _topups(year, 30))
        _set_dimension(path, ref)

    return write


def _hidden_older_sheet(raw: Path) -> None:
    """An older copy of the table on a hidden first sheet, the current one visible."""
    import openpyxl

    workbook = openpyxl.Workbook()
    old = workbook.active
    old.title = "Top-ups"
    old.sheet_state = "hidden"
    for row in [TOPUPS_HEADER, *_topups("2016-17", 3)]:
        old.append(row)
    current = workbook.create_sheet("Top-ups 2017")
    for row in [TOPUPS_HEADER, *_topups("2016-17", 2)]:
        current.append(row)
    workbook.save(raw / "topups_hidden_older_sheet.xlsx")


def _formulas_without_values(raw: Path) -> None:
    """Amounts as formulas, written by a program (openpyxl saves no values for them)."""
    rows = [["2017-18", 100001, "Alpha Primary School", "Band A", 2, "=2*5250"],
            ["2017-18", 100003, "Gamma Primary School", "Band B", 1, "=SUM(1000,500)"]]  # fmt: skip
    write_xlsx(raw / "topups_formulas.xlsx", "Top-ups", TOPUPS_HEADER, rows)


#: An Office 2007+ workbook saved with a password: an OLE2 container (the .xls magic)
#: whose directory names an EncryptedPackage stream (MS-OFFCRYPTO), cut to its bones.
ENCRYPTED = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    + "EncryptionInfo".encode("utf-16-le").ljust(128, b"\0")
    + "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0") + b"\0" * 256
)  # fmt: skip


def _titled_unknown(raw: Path) -> None:
    write_xlsx(raw / "budget_titled.xlsx", "Budget", ["cost centre", "amount"],
               [["A1", 3], ["B2", 4]], title="Budget 2017-18")  # fmt: skip


#: Census names of two URNs in no register (so school_year keeps the census's name).
DASH_URN, STRAY_URN = 100097, 100096
DASH_NAME = "Bullying – verbal School"


def _utf8_with_a_stray_byte(raw: Path) -> None:
    """UTF-8 (an en dash in its first row) with one cp1252 byte (0x96, cp1252's en dash)
    in its last row, more than 256 KB down: 2,000 other LAs' rows between."""
    first = csv_bytes(CENSUS, [census_row("201415", DASH_URN, 100, 10, 5, DASH_NAME)])
    other = [school("201415", 200001, "Bucks Primary", "State-funded primary", 150, 20, 10,
                    la=BUCKS)] * 2000  # fmt: skip
    last = census_row("201415", STRAY_URN, 90, 9, 4, "Caf@ School")
    data = first + b"".join(csv_bytes(CENSUS, [row]).split(b"\n", 1)[1] for row in other)
    data += csv_bytes(CENSUS, [last]).split(b"\n", 1)[1].replace(b"@", b"\x96")
    assert len(data) > 256 * 1024
    (raw / "census_utf8_stray_byte.csv").write_bytes(data)


CASES: tuple[Case, ...] = (
    Case(
        "national_census_all_las.csv",
        "a national file: every level and every LA (scoped to the council, rest benchmarks)",
        _csv(
            "national_census_all_las.csv",
            CENSUS,
            [
                [*standard("National", "201516"), "", "", "", 1000, 240, 200],
                [*standard("Regional", "201516"), "", "", "", 300, 60, 50],
                [*standard("Local authority", "201516"), "", "", "", 90, 15, 12],
                [*standard("Local authority", "201516", BUCKS), "", "", "", 80, 10, 9],
                census_row("201516", 100001, 210, 30, 5),
                school(
                    "201516", 200001, "Bucks Primary", "State-funded primary", 150, 20, 10, la=BUCKS
                ),
            ],
        ),  # fmt: skip
        Outcome(read=6, loaded=1, benchmark=4, out_of_scope=1),
    ),
    Case(
        "exclusions_2016_to_2018.csv",
        "several years in one file, old column names (fixed_excl...), periods like 2016/17",
        _csv(
            "exclusions_2016_to_2018.csv",
            [
                *EES_STANDARD,
                "school_urn",
                "school_laestab",
                "school_name",
                "school_type",
                "headcount",
                "perm_excl",
                "fixed_excl",
                "one_plus_fixed",
                "perm_excl_rate",
                "fixed_excl_rate",
                "one_plus_fixed_rate",
            ],
            [
                exclusion_row("2016/17", 100001, 200, 0, 4, 3, 0, 2, 1.5),
                exclusion_row("2017/18", 100001, 205, 1, 6, 4, 0.49, 2.93, 1.95),
            ],
        ),  # fmt: skip
        Outcome(read=2, loaded=2),
    ),
    Case(
        "ks2_2019.csv",
        "one file per year (this year's column names)",
        _csv(
            "ks2_2019.csv",
            EES_STANDARD + KS2,
            [school("201819", 100001, "Alpha Primary School", 30, 20, 66.7)],
        ),  # fmt: skip
        Outcome(read=1, loaded=1),
    ),
    Case(
        "ks2_2018.csv",
        "one file per year (an older year's column names: telig, t_rwm_exp, ptrwm_exp)",
        _csv(
            "ks2_2018.csv",
            [*EES_STANDARD, "school_urn", "school_name", "telig", "t_rwm_exp", "ptrwm_exp"],
            [school("201718", 100001, "Alpha Primary School", 28, 21, 75)],
        ),  # fmt: skip
        Outcome(read=1, loaded=1),
    ),
    Case(
        "high_needs_places_2016.xlsx",
        "a workbook with a notes sheet and title lines above the table, a blank row inside",
        _places_below_notes,
        Outcome(read=2, loaded=2),
    ),
    Case(
        "topups_saved_as_csv.csv",
        "an .xlsx workbook saved with a .csv name (read as the workbook it is)",
        _xlsx_named_csv,
        Outcome(read=1, loaded=1),
    ),
    Case(
        "sen_utf8_bom.csv",
        "UTF-8 with a byte-order mark (Excel's 'CSV UTF-8')",
        lambda raw: (raw / "sen_utf8_bom.csv").write_bytes(
            csv_bytes(
                [
                    *EES_STANDARD,
                    "urn",
                    "school_name",
                    "phase_type_grouping",
                    "total_pupils",
                    "sen_support",
                    "ehc_plan",
                ],
                [
                    school(
                        "201415", 100001, "Alpha Primary Schoöl", "State-funded primary", 200, 20, 4
                    )
                ],
                "utf-8-sig",
            )
        ),  # fmt: skip
        Outcome(read=1, loaded=1),
    ),
    Case(
        "sen_need_utf16.csv",
        "UTF-16 with a byte-order mark (Excel's 'Unicode text')",
        lambda raw: (raw / "sen_need_utf16.csv").write_bytes(
            csv_bytes(
                [
                    *EES_STANDARD,
                    "school_urn",
                    "school_name",
                    "phase_type_grouping",
                    "sen_provision",
                    "sen_primary_need",
                    "pupil_count",
                ],
                [
                    school(
                        "201415",
                        100001,
                        "Alpha",
                        "State-funded primary",
                        "Education, health and care plan",
                        "Autistic spectrum disorder",
                        6,
                    )
                ],
                "utf-16",
            )
        ),  # fmt: skip
        Outcome(read=1, loaded=1),
    ),
    Case(
        "absence_missing_columns.csv",
        "required columns missing (sess_possible): the whole file is rejected, naming them",
        _csv(
            "absence_missing_columns.csv",
            [
                *EES_STANDARD,
                "school_urn",
                "school_laestab",
                "school_name",
                "school_type",
                "enrolments",
                "sess_overall",
                "sess_authorised",
                "sess_unauthorised",
                "enrolments_pa_10_exact",
            ],
            [
                school("201314", 100001, 9312001, "Alpha", "Primary", 100, 1500, 1000, 500, 12),
                school("201314", 100003, 9312002, "Gamma", "Primary", 90, 1400, 900, 500, 9),
            ],
        ),
        Outcome(read=2, loaded=0, rejected=2),
        frozenset({(None, "sess_possible", "file_signature", "reject")}),
        reason="missing required columns: sess_possible",
    ),
    Case(
        "census_bad_values.csv",
        "wrong types, a negative count, a subset over its whole, a huge number, a blank URN, "
        "a bad time period, a period out of range and a duplicate key",
        _csv(
            "census_bad_values.csv",
            CENSUS,
            [
                census_row("201617", 100001, "two hundred", 30, 5),  # row 2
                census_row("201617", 100003, 200, -5, 4),  # row 3
                census_row("201617", 100004, 200, 300, 4),  # row 4: fsm > headcount
                census_row("201617", 100005, HUGE, 30, 4),  # row 5
                census_row("201617", "", 200, 30, 4),  # row 6
                census_row("2016/18", 100002, 200, 30, 4),  # row 7
                census_row("209899", 100002, 200, 30, 4),  # row 8
                census_row("201617", 100002, 500, 50, 40),  # row 9: good
                census_row("201617", 100002, 501, 50, 40),  # row 10: duplicate of row 9
                census_row("201617", 100099, " C ", "low", ":"),  # row 11: symbols are fine
            ],
        ),  # fmt: skip
        Outcome(read=10, loaded=3, rejected=7, warnings=3),
        frozenset(
            {
                (2, "headcount_of_pupils", "not_a_number", "reject"),
                (3, "number_of_fsm_eligible_pupils", "negative", "reject"),
                (4, "number_of_fsm_eligible_pupils", "subset_exceeds_whole", "warning"),
                (5, "headcount_of_pupils", "too_large", "reject"),
                (6, "urn", "missing_value", "reject"),
                (7, "time_period", "bad_time_period", "reject"),
                (8, "time_period", "out_of_range", "reject"),
                (10, "time_period, urn", "duplicate_key", "reject"),
                (11, "urn", "unknown_urn", "warning"),
                (11, "urn", "no_partnership", "warning"),
            }
        ),  # fmt: skip
    ),
    Case(
        "exclusions_rates.csv",
        "a published percentage over 100 is warned (rates are computed from the counts, which "
        "are kept); a suspension rate per 100 pupils over 100 is not",
        _csv(
            "exclusions_rates.csv",
            EXCLUSIONS,
            [
                exclusion_row("201819", 100001, 20, 0, 30, 10, 0, 150, 50),
                exclusion_row("201819", 100003, 20, 0, 30, 10, 0, 150, 120),
            ],
        ),  # fmt: skip
        Outcome(read=2, loaded=2, rejected=0, warnings=1),
        frozenset({(3, "one_plus_susp_rate", "rate_over_100", "warning")}),
    ),
    Case(
        "census_names.csv",
        "names that look like spreadsheet formulas load unchanged (they are data); a school "
        "of the LA in no partnership is kept with a warning",
        _csv(
            "census_names.csv",
            CENSUS,
            [
                census_row("201718", FORMULA_URN, 210, 30, 5, FORMULA_NAME_2),
                census_row("201718", EPSILON_URN, 100, 10, 5, FORMULA_NAME),
            ],
        ),  # fmt: skip
        Outcome(read=2, loaded=2, warnings=3),
        frozenset(
            {
                (2, "urn", "unknown_urn", "warning"),
                (2, "urn", "no_partnership", "warning"),
                (3, "urn", "no_partnership", "warning"),
            }
        ),
    ),
    Case(
        "membership_additions.xlsx",
        "membership dates out of range or impossible, Left before Joined, an unknown URN",
        _membership_bad_dates,
        Outcome(read=4, loaded=1, rejected=3, warnings=1),
        frozenset(
            {
                (2, "Joined", "out_of_range", "reject"),
                (3, "Joined", "bad_date", "reject"),
                (4, "Left", "end_before_start", "reject"),
                (5, "URN", "unknown_urn", "warning"),
            }
        ),  # fmt: skip
    ),
    Case(
        "census_cut_short.csv",
        "a truncated CSV: the cut-off last row is rejected, the rest load",
        _truncated_census,
        Outcome(read=2, loaded=1, rejected=1),
        frozenset({(3, None, "row_shape", "reject")}),
    ),
    Case(
        "census_unclosed_quote.csv",
        "an unclosed quote swallows the rest of the file into one misshapen row",
        _bytes(
            "census_unclosed_quote.csv",
            csv_bytes(CENSUS, [])
            + b'200708,Academic year,School,E92000001,"England\n'
            + b"200708,Academic year,School,E92000001,England\n",
        ),  # fmt: skip
        Outcome(read=2, loaded=0, rejected=2),
        frozenset({(2, None, "row_shape", "reject")}),
        reason="a quote opened on line 2 of the file is not closed before line 3",
    ),
    Case(
        "census_quote_swallows_rows.csv",
        "an unclosed quote swallows two whole rows and part of a third into one misshapen "
        "row: every line it ran over is counted rejected, the rows after it load",
        _bytes("census_quote_swallows_rows.csv", _swallowing_census("201920", closing=False)),
        Outcome(read=6, loaded=2, out_of_scope=0, rejected=4),
        frozenset({(3, None, "row_shape", "reject")}),
        reason="a quote opened on line 3 of the file is not closed before line 6, so 4 lines",
    ),
    Case(
        "census_quote_swallows_rows_fitting.csv",
        "an unclosed quote closed three lines down so the swallowed row has the right number "
        "of fields by chance: rejected all the same, its lines counted",
        _bytes("census_quote_swallows_rows_fitting.csv", _swallowing_census("202021", True)),
        Outcome(read=6, loaded=2, rejected=4),
        frozenset({(3, None, "row_shape", "reject")}),
        reason="a quote opened on line 3 of the file is not closed before line 6, so 4 lines",
    ),
    Case(
        "census_level_schools.csv",
        "School rows whose geographic_level is 'Schools' (not a DfE level): out of scope and"
        " warned once with the count; a 'Parliamentary constituency' row (a DfE level) is not",
        _csv(
            "census_level_schools.csv",
            CENSUS,
            [
                _at_level(census_row("202425", 100001, 210, 30, 5), "Schools"),
                _at_level(census_row("202425", 100003, 200, 20, 4), "Schools"),
                census_row("202425", 100004, 80, 10, 2, "Delta Special School"),
                _at_level(census_row("202425", 100001, 210, 30, 5), "Parliamentary constituency"),
            ],
        ),
        Outcome(read=4, loaded=1, out_of_scope=3, warnings=1),
        frozenset({(2, "geographic_level", "unknown_level", "warning")}),
        reason="2 rows (the first here) have geographic_level 'Schools', which is not a level "
        "the DfE uses, so they are out of scope; if they are School rows, correct the file",
    ),
    Case(
        "census_la_code_as_saved_by_excel.csv",
        "the council's codes as a spreadsheet saves them (931.0, 0931, codes in the other"
        " column, new_la_code blank): the council's rows; another LA's 825.0 is not",
        _csv(
            "census_la_code_as_saved_by_excel.csv",
            CENSUS,
            EXCEL_CODE_ROWS,
        ),
        Outcome(read=4, loaded=3, out_of_scope=1),
    ),
    Case(
        "census_header_only.csv",
        "a header and no rows: recognised, nothing to load",
        _csv("census_header_only.csv", CENSUS, []),
        Outcome(read=0, loaded=0),
    ),
    Case(
        "census_too_large_for_column.csv",
        "a URN beyond what the warehouse's INTEGER column holds: a row reject naming file, "
        "row and column (was an ArrowInvalid stopping the build)",
        _csv(
            "census_too_large_for_column.csv",
            CENSUS,
            [census_row("201314", 100001, 210, 30, 5), census_row("201314", 99999999999, 1, 1, 1)],
        ),
        Outcome(read=2, loaded=1, rejected=1),
        frozenset({(3, "urn", "too_large", "reject")}),
        reason="census_too_large_for_column.csv row 3, column 'urn': '99999999999' is too large "
        "for its column",
    ),
    Case(
        "census_utf8_stray_byte.csv",
        "UTF-8 with one cp1252 byte after 256 KB: stays UTF-8 (the en dash of row 2 is kept), "
        "the byte read as U+FFFD and its row and column warned (was: the whole file re-decoded "
        "as cp1252)",
        _utf8_with_a_stray_byte,
        Outcome(read=2002, loaded=2, out_of_scope=2000, warnings=5),
        frozenset(
            {
                (2, "urn", "unknown_urn", "warning"),
                (2, "urn", "no_partnership", "warning"),
                (2003, "urn", "unknown_urn", "warning"),
                (2003, "urn", "no_partnership", "warning"),
                (2003, "school_name", "undecodable_bytes", "warning"),
            }
        ),
        reason="census_utf8_stray_byte.csv row 2003, column 'school_name': 'Caf\ufffd School' "
        "holds bytes that are not UTF-8",
    ),
    Case(
        "topups_dimension_understated.xlsx",
        "a workbook whose <dimension> says A1:F5 but holds 30 rows: every row read",
        _understated("topups_dimension_understated.xlsx", "2014-15", "A1:F5"),
        Outcome(read=30, loaded=30),
    ),
    Case(
        "topups_dimension_a1.xlsx",
        "a workbook whose <dimension> is A1 (one cell): every row and column read",
        _understated("topups_dimension_a1.xlsx", "2013-14", "A1"),
        Outcome(read=30, loaded=30),
    ),
    Case(
        "topups_hidden_older_sheet.xlsx",
        "an older copy of the table on a hidden first sheet: the visible one is read, the "
        "hidden one named in a warning",
        _hidden_older_sheet,
        Outcome(read=2, loaded=2, warnings=1),
        frozenset({(None, None, "hidden_sheet", "warning")}),
        reason="the hidden sheet 'Top-ups' also holds a topups table: it was not read",
    ),
    Case(
        "topups_formulas.xlsx",
        "formulas whose values were never saved (a workbook written by a program): the "
        "file is rejected saying so, its rows counted",
        _formulas_without_values,
        Outcome(read=2, loaded=0, rejected=2),
        frozenset({(None, None, "file_unreadable", "reject")}),
        reason="the workbook holds formulas without saved values (sheet 'Top-ups': 2 cells, "
        "e.g. cell F2): open it in Excel and save it, or paste values",
    ),
    Case(
        "topups_encrypted.xlsx",
        "a password-protected workbook (an OLE2 container, like an old .xls)",
        _bytes("topups_encrypted.xlsx", ENCRYPTED),
        Outcome(read=0, loaded=0),
        frozenset({(None, None, "file_unreadable", "reject")}),
        reason="the workbook is password-protected (encrypted): save it without a password",
    ),
    Case(
        "budget_titled.xlsx",
        "a workbook of no source under a title: the message says where its header was found",
        _titled_unknown,
        Outcome(read=2, loaded=0, rejected=2),
        frozenset({(None, None, "file_signature", "reject")}),
        reason="header found at row 3 of sheet 'Budget'",
    ),
    Case(
        "empty.csv",
        "an empty file (0 bytes)",
        _bytes("empty.csv", b""),
        Outcome(read=0, loaded=0),
        frozenset({(None, None, "file_unreadable", "reject")}),
        reason="the file is empty",
    ),
    Case(
        "binary_junk.csv",
        "binary junk named .csv",
        _bytes("binary_junk.csv", bytes(range(256)) * 40),
        Outcome(read=0, loaded=0),
        frozenset({(None, None, "file_unreadable", "reject")}),
        reason="not text (it holds binary data)",
    ),
    Case(
        "places_cut_short.xlsx",
        "a truncated workbook",
        _truncated_xlsx,
        Outcome(read=0, loaded=0),
        frozenset({(None, None, "file_unreadable", "reject")}),
        reason="not a valid .xlsx file",
    ),
    Case(
        "old_format.xls",
        "an old .xls workbook",
        _bytes("old_format.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500),
        Outcome(read=0, loaded=0),
        frozenset({(None, None, "file_unreadable", "reject")}),
        reason="save it as .xlsx or .csv",
    ),
    Case(
        "stray_export.json",
        "a JSON file that is not GeoJSON (an export from another system) among the raw files",
        _bytes("stray_export.json", b'{"rows": [{"urn": 100001}], "exported": "2024-01-01"}'),
        Outcome(read=0, loaded=0),
        frozenset({(None, None, "file_signature", "reject")}),
        reason="not a GeoJSON FeatureCollection (found a JSON object with keys rows, exported)",
    ),
    Case(
        "areas_properties_text.geojson",
        "GeoJSON whose feature properties are text, not an object (crashed the build before)",
        _bytes(
            "areas_properties_text.geojson",
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties":'
            b' "Oxford", "geometry": {"type": "Polygon", "coordinates":'
            b" [[[-1.3, 51.7], [-1.2, 51.7], [-1.2, 51.8], [-1.3, 51.7]]]}}]}",
        ),
        Outcome(read=0, loaded=0),
        frozenset({(None, None, "file_signature", "reject")}),
        reason="feature 1's properties are not a JSON object (found a JSON string)",
    ),
    Case(
        "send_timetables_bad_choices.csv",
        "the council's termly return with a term and an SEN provision that are not one of its "
        "fixed values; other spellings of the fixed values (any case, E and K) are read",
        _csv(
            "send_timetables_bad_choices.csv",
            [
                "Academic year",
                "Term",
                "URN",
                "School name",
                "SEN provision",
                "Pupils on a part-time timetable",
                "Pupils in alternative provision",
            ],
            [
                ["2016/17", "Spring", 100001, "Alpha", "EHC plan", 2, 0],  # row 2: good
                ["2016/17", "Winter", 100001, "Alpha", "SEN support", 1, 0],  # row 3
                ["2016/17", "spring ", 100001, "Alpha", "K", 3, 1],  # row 4: good
                ["2016/17", "Summer", 100001, "Alpha", "No SEN", 1, 0],  # row 5
                ["2016/17", "SUMMER", 100002, "Beta", "e", 0, 1],  # row 6: good
                ["2016/17", "Spring", 100002, "Beta", "EHC Plan", 4, 0],  # row 7: good
                ["2016/17", "Spring", 100002, "Beta", "E", 1, 0],  # row 8: duplicate of 7
            ],
        ),  # fmt: skip
        Outcome(read=7, loaded=4, rejected=3),
        frozenset(
            {
                (3, "Term", "not_a_choice", "reject"),
                (5, "SEN provision", "not_a_choice", "reject"),
                (8, "time_period, urn, term, sen_provision", "duplicate_key", "reject"),
            }
        ),
    ),
    Case(
        "ehc_placements_bad_choices.csv",
        "the council's EHC plan placements with a placement that is not one of SEN2's; the "
        "caseload's column names and any case are read",
        _csv(
            "ehc_placements_bad_choices.csv",
            ["Academic year", "URN", "School name", "Placement", "EHC plans"],
            [
                ["2016/17", 100001, "Alpha", "Mainstream - Academy", 3],  # row 2: good
                ["2016/17", 100001, "Alpha", "special_independent", 1],  # row 3: good
                ["2016/17", 100001, "Alpha", "Residential", 2],  # row 4
                ["2016/17", 100002, "Beta", "SPECIAL - LA MAINTAINED", 6],  # row 5: good
                ["2016/17", 100002, "Beta", "Special - LA maintained", 1],  # row 6: duplicate
            ],
        ),  # fmt: skip
        Outcome(read=5, loaded=3, rejected=2),
        frozenset(
            {
                (4, "Placement", "not_a_choice", "reject"),
                (6, "time_period, urn, placement", "duplicate_key", "reject"),
            }
        ),
    ),
    Case(
        "budget_notes.csv",
        "a CSV that is none of the sources",
        _csv("budget_notes.csv", ["cost centre", "amount"], [["A1", "3"], ["B2", "4"]]),
        Outcome(read=2, loaded=0, rejected=2),
        frozenset({(None, None, "file_signature", "reject")}),
        reason="matches no known source",
    ),
)


CASES_BY_NAME: dict[str, Case] = {case.file: case for case in CASES}


@dataclass(frozen=True)
class StopCase:
    name: str
    what: str
    write: Callable[[Path], None]
    #: Words the one error line must contain.
    message: str


def _replace(name: str, data: bytes):
    return lambda raw: (raw / name).write_bytes(data)


STOP_CASES: tuple[StopCase, ...] = (
    StopCase(
        "gias_binary",
        "the GIAS file replaced by binary junk",
        _replace("edubasealldata20240901.csv", b"\x00\x01\x02junk" * 100),
        "(unreadable files: edubasealldata20240901.csv: file rejected: the file is not text",
    ),
    StopCase(
        "gias_missing_column",
        "the GIAS file lacks a required column",
        lambda raw: write_csv(
            raw / "edubasealldata20240901.csv",
            [h for h in GIAS_HEADER if h != "Postcode"],  # Northing is optional
            [r[:13] + r[14:] for r in GIAS_ROWS],
            "cp1252",
        ),  # fmt: skip
        "missing required columns: Postcode",
    ),
    StopCase(
        "membership_truncated",
        "the membership workbook cut short",
        lambda raw: (raw / "partnership_membership.xlsx").write_bytes(
            (raw / "partnership_membership.xlsx").read_bytes()[:400]
        ),
        "partnership membership",
    ),
    StopCase(
        "membership_formulas",
        "the membership workbook's URNs are formulas saved without their values",
        lambda raw: write_xlsx(
            raw / "partnership_membership.xlsx",
            "Membership",
            MEMBERSHIP_HEADER,
            [[f"=100000+{i}", "School", "Oxford North", "Oxford", "", ""] for i in (1, 3, 4)],
        ),  # fmt: skip
        "partnership_membership.xlsx: file rejected: the workbook holds formulas without saved "
        "values",
    ),
    StopCase(
        "membership_empty",
        "the membership workbook emptied (0 bytes)",
        _replace("partnership_membership.xlsx", b""),
        "partnership membership",
    ),
)


# --------------------------------------------------------------------------------------
# Gutted sources: each still "works" but would replace a good warehouse with far less
# --------------------------------------------------------------------------------------

CENSUS_FILE = "spc_school_level_underlying_data.csv"
GIAS_FILE = "edubasealldata20240901.csv"
MEMBERSHIP_FILE = "partnership_membership.xlsx"


def _gias_cut_after_4_rows(raw: Path) -> None:
    path = raw / GIAS_FILE
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:5]))  # the header and 4 of its 7 rows


def _membership_merged_cells(raw: Path) -> None:
    """Partnership and locality typed once per group and merged down (a common way to
    lay a list out for reading): every merged cell but the first reads as blank."""
    import openpyxl

    path = raw / MEMBERSHIP_FILE
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Membership"]
    sheet.merge_cells("C4:C6")  # Oxford North, 3 rows; the table's header is on row 3
    sheet.merge_cells("D4:D7")  # Oxford, 4 rows
    workbook.save(path)


def _membership_blank_localities(raw: Path) -> None:
    rows = [list(row) for row in MEMBERSHIP_ROWS]
    for row in rows[:4]:  # 4 of the 5 rows (the reviewer's file: 90%)
        row[3] = None
    write_membership(raw, rows)


def _census_one_huge_cell(raw: Path) -> None:
    path = raw / CENSUS_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Alpha Primary School", "A" * 10_000_000, 1), encoding="utf-8")


def _census_cr_line_endings(raw: Path) -> None:
    path = raw / CENSUS_FILE
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))  # classic Mac OS / some exports


SHRINK_CASES: tuple[StopCase, ...] = (
    StopCase(
        "census_emptied",
        "the census file emptied (0 bytes)",
        _replace(CENSUS_FILE, b""),
        f"census rows loaded ({CENSUS_FILE}) fell from 7 to 0 (-100%)",
    ),
    StopCase(
        "gias_cut_after_4_rows",
        "GIAS cut short after 4 of its 7 rows",
        _gias_cut_after_4_rows,
        "GIAS schools fell from 6 to 4 (-33%)",
    ),
    StopCase(
        "membership_merged_cells",
        "membership partnership and locality cells merged down each group",
        _membership_merged_cells,
        f"membership rows loaded ({MEMBERSHIP_FILE}) fell from 5 to ",
    ),
    StopCase(
        "membership_blank_localities",
        "4 of the 5 membership localities blank",
        _membership_blank_localities,
        "fell from ",
    ),
    StopCase(
        "census_one_huge_cell",
        "one 10 MB cell in the census",
        _census_one_huge_cell,
        "census rows loaded",
    ),
    StopCase(
        "census_cr_line_endings",
        "the census with CR-only line endings",
        _census_cr_line_endings,
        "census rows loaded",
    ),
)
