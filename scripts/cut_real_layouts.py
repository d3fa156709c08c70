"""Rebuild tests/fixtures/real_layouts/ (fixtures + MANIFEST.csv) from shared/real.

One small CSV per real published layout. Files cut from a real file keep its bytes: the
header line and chosen data lines are copied as they are (encoding, BOM and line endings
kept). Layouts known only from a page (shared/real/headers/ees-pages/*.md) get the header
line the page shows and the first rows it shows; a cell the page does not show is left
blank and the manifest says so. Nothing here invents a column.

    .venv/bin/python scripts/cut_real_layouts.py
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from real_layouts import (  # noqa: E402
    FIXTURES,
    MANIFEST,
    MANIFEST_COLUMNS,
    md_header_candidates,
    md_section,
    real_root,
    split_origin,
)

EXCL_MD = "headers/ees-pages/exclusions_school_level_headers.md"
ABS_MD = "headers/ees-pages/absence_school_level_headers.md"
SPC_MD = "headers/ees-pages/spc_sen_ks_headers.md"
BENCH = "benchmark only (LA/Regional/National rows)"


@dataclass
class PageLayout:
    """A layout shown on a page: header line chosen by its first column names (``starts``)."""

    file: str
    layout: str
    source: str
    origin: str
    starts: str
    notes: str
    #: Rows as {column: value}; columns not given are blank.
    rows: list[dict[str, str]] = field(default_factory=list)
    #: A leading column with no name (R's write.csv row numbers): its value per row.
    leading: list[str] | None = None


@dataclass
class Cut:
    """Lines cut from a real file: header plus the data lines ``pick`` chooses (1-based)."""

    file: str
    layout: str
    source: str
    origin: str
    notes: str
    pick: Callable[[list[bytes]], list[int]]


def _cells(line: bytes, encoding: str = "utf-8") -> list[str]:
    return next(csv.reader([line.decode(encoding, "replace").lstrip("\ufeff")]))


def _where(test: Callable[[list[str]], bool], limit: int | None = None, encoding="utf-8"):
    def pick(lines: list[bytes]) -> list[int]:
        found = [n for n, line in enumerate(lines[1:], start=2) if test(_cells(line, encoding))]
        return found[:limit] if limit else found

    return pick


def _union(*picks: Callable[[list[bytes]], list[int]]):
    return lambda lines: sorted({n for p in picks for n in p(lines)})


def _lines(*numbers: int):
    return lambda lines: list(numbers)


def _first(count: int):
    return lambda lines: list(range(2, min(count + 2, len(lines) + 1)))


def _with_symbol(symbol: str, limit: int, encoding="utf-8"):
    return _where(lambda cells: symbol in cells, limit, encoding)


def _all(_lines_: list[bytes]) -> list[int]:
    return list(range(2, len(_lines_) + 1))


PAGES: list[PageLayout] = [
    PageLayout(
        "exclusions_geography_2019_20.csv",
        "EES exclusions by geography 2006/07-2019/20 (2019/20 release), school_type",
        "exclusions",
        f'{EXCL_MD}#2019/20 release (Academic year 2019/20): "Permanent exclusions and '
        'suspensions - by geography (2006-07 to 2019-20)"',
        "time_identifier,time_period,geographic_level,country_code,country_name,region_code",
        "rows: the page's two previewed National rows; the preview omits region_code..academy_"
        "open_date (left blank); row 2 shows only school_type and num_schools (rest blank). "
        "School rows exist from 2015/16 (page); ':' = not applicable (2019/20 guidance)",
        [
            {
                "time_identifier": "Academic year",
                "time_period": "201920",
                "geographic_level": "National",
                "country_code": "E92000001",
                "country_name": "England",
                "school_type": "Total",
                "num_schools": "21257",
                "headcount": "8255046",
                "perm_excl": "5057",
                "perm_excl_rate": "0.06126",
                "suspension": "310733",
                "susp_rate": "3.76416",
                "one_plus_susp": "154524",
                "one_plus_susp_rate": "1.87187",
            },
            {
                "time_identifier": "Academic year",
                "time_period": "201920",
                "geographic_level": "National",
                "country_code": "E92000001",
                "country_name": "England",
                "school_type": "state-funded primary",
                "num_schools": "16788",
            },
        ],
    ),
    PageLayout(
        "exclusions_school_and_geography_2020_21.csv",
        "EES exclusions by school and geographic level 2006/07-2020/21 (2020/21 release)",
        "exclusions",
        f'{EXCL_MD}#2020/21 release (Academic year 2020/21): "01 - Permanent exclusions and '
        'suspensions - by school and geographic level (2006-07 to 2020-21)"',
        "time_identifier,time_period,geographic_level,country_code,country_name,region_code",
        "row: the page's first (National) row; region_code..school_name not shown (left "
        "blank); trust/academy_type/academy_open_date = z as the page states",
        [
            {
                "time_identifier": "Academic year",
                "time_period": "202021",
                "geographic_level": "National",
                "country_code": "E92000001",
                "country_name": "England",
                "trust": "z",
                "academy_type": "z",
                "academy_open_date": "z",
                "school_type": "Total",
                "num_schools": "21304",
                "headcount": "8291354",
                "perm_excl": "3928",
                "perm_excl_rate": "0.04737",
                "suspension": "352454",
                "susp_rate": "4.25086",
                "one_plus_susp": "182459",
                "one_plus_susp_rate": "2.20059",
            }
        ],
    ),
]

_EXCL_TERMLY = (
    "time_identifier,time_period,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,estab,school_laestab,school_urn,school_name,"
    "trust_name,academy_type,academy_open_date,{phase},headcount,perm_excl,perm_excl_rate,"
    "suspension,susp_rate,one_plus_susp,one_plus_susp_rate"
)


def _row(header: str, values: list[str]) -> dict[str, str]:
    names = header.split(",")
    assert len(names) == len(values), (len(names), len(values))
    return dict(zip(names, values, strict=True))


PAGES += [
    PageLayout(
        "exclusions_school_termly_2021_22.csv",
        "EES exclusions school level, termly (Spring term 2021/22 release), school_type",
        "exclusions",
        f'{EXCL_MD}#Spring term 2021/22 release: "Permanent exclusions and suspensions - '
        'school level" (termly)',
        "time_identifier,time_period",
        "row: the page's first row, every cell shown; School rows only; termly "
        "(time_identifier Autumn/Spring/Summer term)",
        [
            _row(
                _EXCL_TERMLY.format(phase="school_type"),
                "Autumn term|201617|School|E92000001|England|E13000001|Inner London|201|"
                "E09000001|City of London|3614|2013614|100000|The Aldgate School|z|z|z|"
                "State-funded primary|268|0|0|0|0|0|0".split("|"),
            )
        ],
    ),
    PageLayout(
        "exclusions_school_termly_2023_24.csv",
        "EES exclusions school level by term (2023/24 release), education_phase",
        "exclusions",
        f'{EXCL_MD}#Academic year 2023/24 release: "Suspensions and permanent exclusions - '
        'by term school level"',
        "time_identifier,time_period",
        "row: the page's first row, every cell shown; School rows only; termly; "
        "education_phase replaces school_type",
        [
            _row(
                _EXCL_TERMLY.format(phase="education_phase"),
                "Autumn term|202324|School|E92000001|England|E12000001|North East|805|"
                "E06000001|Hartlepool|3329|8053329|148817|St John Vianney Catholic Primary "
                "School, Hartlepool|BISHOP HOGARTH CATHOLIC EDUCATION TRUST|Primary converter "
                "academy|01/12/2021|State-funded primary|234|0|0|0|0|0|0".split("|"),
            )
        ],
    ),
    PageLayout(
        "exclusions_school_termly_2024_25.csv",
        "EES exclusions school level (Autumn term 2024/25 release), education_phase",
        "exclusions",
        f'{EXCL_MD}#Academic year 2023/24 release: "Suspensions and permanent exclusions - '
        'by term school level"',
        "time_identifier,time_period",
        "header: the 2023/24 section's (the Autumn term 2024/25 section says 'same header as "
        "2023/24'); row: the first row of section 'Autumn term 2024/25 release: "
        '"Suspensions and permanent exclusions - school level"\', every cell shown',
        [
            _row(
                _EXCL_TERMLY.format(phase="education_phase"),
                "Autumn term|202425|School|E92000001|England|E12000001|North East|805|"
                "E06000001|Hartlepool|2151|8052151|139851|Eldon Grove Academy|EXTOL ACADEMY "
                "TRUST|Primary converter academy|01/07/2013|State-funded primary|488|0|0|0|0|0|"
                "0".split("|"),
            )
        ],
    ),
    PageLayout(
        "exclusions_la_characteristic_2023_24.csv",
        "EES exclusions full year by characteristic, LA level (Autumn term 2023/24 release)",
        "exclusions_characteristic",
        f'{EXCL_MD}#LA-level by characteristic: "Suspensions and permanent exclusions - full '
        'year by characteristic" (Autumn term 2023/24 release)',
        "time_identifier,time_period",
        f"{BENCH}; no school-level characteristic file is published; row: the page's first "
        "row, every cell shown; new_la_code before old_la_code",
        [
            _row(
                "time_identifier,time_period,geographic_level,country_code,country_name,"
                "region_code,region_name,new_la_code,old_la_code,la_name,education_phase,"
                "characteristic_group,characteristic,headcount,perm_excl,perm_excl_rate,"
                "suspension,susp_rate,one_plus_susp,one_plus_susp_rate",
                "Academic year|201415|Local authority|E92000001|England|E13000002|Outer London|"
                "E09000029|319|Sutton|State-funded special|Age|Age 7|24|0|0|0|0|0|0".split("|"),
            )
        ],
    ),
    PageLayout(
        "exclusions_la_geography_termly_2024_25.csv",
        "EES exclusions by geography, LA level, termly (Autumn term 2024/25 release)",
        "exclusions",
        f'{EXCL_MD}#LA level by geography, termly (Autumn term 2024/25): "Suspensions and '
        'permanent exclusions by geography"',
        "time_identifier,time_period",
        f"{BENCH}; header only (the page shows no rows)",
    ),
    PageLayout(
        "absence_school_2021_22.csv",
        "EES absence school level, full academic years (2021/22 release), school_type",
        "absence",
        f'{ABS_MD}#Academic year 2021/22 release: "Absence rates by geographic level - school '
        'level - full academic years" (Not the latest data)',
        "time_period,time_identifier",
        "header TRUNCATED by the page after sess_auth_excluded_rate (only the columns shown "
        "are kept); header only (no rows shown)",
    ),
    PageLayout(
        "absence_school_2023_24.csv",
        "EES absence by school level (2023/24 release; 1a_absence_3term_school.csv), "
        "education_phase",
        "absence",
        f'{ABS_MD}#Academic year 2023/24 release: "Absence by school level" (latest data when '
        "copied; file 1a_absence_3term_school.csv per third-party code)",
        "time_period,time_identifier",
        "header TRUNCATED by the page after sess_unauth_late_rate (only the columns shown are "
        "kept); header only; release convention 'x' not available, 'z' not applicable",
    ),
    PageLayout(
        "absence_enrolments_school_2024_25.csv",
        "EES enrolments with one or more sessions of absence, school level (autumn + spring, "
        "2024/25 release)",
        "absence_enrolments",
        f"{ABS_MD}#Enrolments with one or more sessions of absence, school level (autumn + "
        "spring, 2024/25 release)",
        "time_period,time_identifier",
        "no source yet (enrolment counts, no sessions); header TRUNCATED by the page after "
        "enrol_auth_illness (the page then shows '... ,enrol_q_la_arrangements', left out: its "
        "position is unknown); row: the 15 cells shown; academy_type/academy_open_date blank "
        "as the page states for LA-maintained; all_through and the counts not shown (blank)",
        [
            _row(
                "time_period,time_identifier,geographic_level,country_code,country_name,"
                "region_code,region_name,old_la_code,new_la_code,la_name,education_phase,"
                "school_estab,school_laestab,school_urn,school_name",
                "202425|Autumn and spring term|School|E92000001|England|E12000007|London|201|"
                "E09000001|City of London|State-funded primary|3614|2013614|100000|The Aldgate "
                "School".split("|"),
            )
        ],
    ),
    PageLayout(
        "absence_enrolments_school_2022_23_autumn.csv",
        "EES enrolments with one or more sessions of absence, school level, autumn term "
        "(2022/23 release), school_type",
        "absence_enrolments",
        f"{ABS_MD}#Same, autumn term only, 2022/23 release (school_type spelling)",
        "time_period,time_identifier",
        "no source yet; header TRUNCATED by the page after enrol_overall; row: the 14 cells "
        "shown, the rest not shown (blank)",
        [
            _row(
                "time_period,time_identifier,geographic_level,country_code,country_name,"
                "region_code,region_name,old_la_code,new_la_code,la_name,school_type,"
                "school_laestab,school_urn,school_name",
                "202021|Autumn term|School|E92000001|England|E13000001|Inner London|202|"
                "E09000007|Camden|State-funded primary|2022475|100020|Primrose Hill "
                "School".split("|"),
            )
        ],
    ),
]

_SPC = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_name,"
    "region_code,school_urn,old_la_code,new_la_code,la_name,estab,school_name,school_laestab,"
    "phase_type_grouping,trust"
)
_SPC_TAIL = "attendance_pattern,sex,breakdown_topic,breakdown,pupil_count,pupil_percent"
_SEN26 = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_name,"
    "region_code,old_la_code,new_la_code,la_name,school_urn,estab,school_name,school_laestab,"
    "open_date,sex_of_school_description,phase_type_grouping,establishment_type,middle_school,"
    "all_through,hospital_school,religious_denomination,admissions_policy"
)
_SEN26_PROV = ",".join(
    f"provision_for_{n}" for n in "spld mld sld pmld semh slcn hi vi msi pd asd oth".split()
)
_KS2 = (
    "time_period,time_identifier,geographic_level,country_code,country_name,version,"
    "school_urn,school_laestab,school_name,breakdown_topic,breakdown,subject,"
    "expected_standard_pupil_percent,higher_standard_pupil_percent,average_scaled_score,"
    "progress_measure_score"
)
_KS2_ROW2 = (
    "subject,expected_standard_pupil_percent,higher_standard_pupil_percent,"
    "average_scaled_score,progress_measure_score,progress_measure_lower_conf_interval,"
    "progress_measure_upper_conf_interval,absent_or_not_able_to_access_percent,"
    "working_towards_expected_standard_pupil_percent"
)

PAGES += [
    PageLayout(
        "spc_school_2025_26_long.csv",
        "EES schools, pupils and characteristics, school level 2025/26, LONG "
        "(breakdown_topic/breakdown/pupil_count/pupil_percent)",
        "census",
        f'{SPC_MD}#SPC 2025/26: "School level" (Schools, pupils and their characteristics), '
        "API data set 019e7403-4523-7749-b530-159f451dd83c",
        "time_period,time_identifier",
        "row: the page's preview row: its first 16 and last 6 cells; open_date..school_time "
        "not shown (blank); school_urn written 1e+05 as previewed; year groups are rows "
        "(breakdown), not a separate file; SPC convention 'x' not applicable, 'z' unknown",
        [
            {
                **_row(
                    _SPC,
                    "202526|Academic year|School|E92000001|England|London|E12000007|1e+05|201|"
                    "E09000001|City of London|3614|The Aldgate School|2013614|State-funded "
                    "primary|z".split("|"),
                ),
                **_row(_SPC_TAIL, "Part-time|Female|Age|Aged 0|0|x".split("|")),
            }
        ],
    ),
    PageLayout(
        "spc_la_fsm_2024_25.csv",
        "EES SPC pupil characteristics, number of pupils by FSM eligibility, LA level 2024/25",
        "census",
        f'{SPC_MD}#SPC LA-level FSM file 2024/25 (for comparison): "Pupil characteristics - '
        'number of pupils by fsm eligibility"',
        "time_period,time_identifier",
        f"{BENCH}; header only",
    ),
    PageLayout(
        "sen_school_2026_long.csv",
        'EES SEN school underlying data 2025 "(2026 format)", LONG (sen_provision x '
        "sen_primary_need, pupil_count), unnamed row-number column",
        "sen",
        f'{SPC_MD}#SEN 2024/25 in "2026 format": "School underlying data file 2025 - (2026 '
        'format)"',
        "time_period,time_identifier,geographic_level,country_code,country_name,region_name,"
        "region_code,old_la_code,new_la_code",
        "header: an unnamed leading column added before the page's header line (the page: rows "
        "start with a row number that has no visible header, as R's write.csv writes); also "
        "carries sen_need's breakdown (sen_provision x sen_primary_need); row: cells as "
        "previewed, district_administrative_code..lsoa11 not shown (blank), 'No x12' = the 12 "
        "provision_for_* cells No; school_urn 1e+05 as previewed; open_date z",
        [
            {
                **_row(
                    _SEN26,
                    "202425|Academic year|School|E92000001|England|London|E12000007|201|"
                    "E09000001|City of London|1e+05|3614|The Aldgate School|2013614|z|Mixed|"
                    "State-funded primary|Voluntary aided school|No|No|No|Church of England|"
                    "Not applicable".split("|"),
                ),
                **_row(_SEN26_PROV, ["No"] * 12),
                "specialist_provision_unit_type": "All pupils",
                "sen_provision": "All pupils",
                "sen_primary_need": "All pupils",
                "pupil_count": "249",
            }
        ],
        leading=["1"],
    ),
    PageLayout(
        "sen_la_provision_2016_2025.csv",
        'EES "Pupils in all schools, by type of SEN provision - 2016 to 2025", LA level '
        "(2026 format)",
        "sen",
        f'{SPC_MD}#SEN 2024/25 in "2026 format": "School underlying data file 2025 - (2026 '
        'format)"',
        "time_period,time_identifier,geographic_level,country_code,country_name,region_name,"
        "region_code,old_la_code,la_name",
        f"{BENCH}; header only; sen_provision values seen: Total; Education, health and care "
        "plan; SEN support / SEN without an EHC plan",
    ),
    PageLayout(
        "ks2_institution_long.csv",
        "EES key stage 2 institution level - schools (performance), LONG by subject and "
        "breakdown, percentages only, no region/LA columns",
        "ks2",
        f'{SPC_MD}#KS2 school level: "Key stage 2 institution level - Schools (performance)" '
        "API data set 019afee4-e5d0-72f9-9a8f-d7a1a56eac1d",
        "time_period,time_identifier",
        "rows: the page's two preview rows; row 1 its first 16 cells (rest blank); row 2 only "
        "the cells from subject to working_towards_expected_standard_pupil_percent (the page "
        "elides the leading cells: blank; the rest blank)",
        [
            _row(
                _KS2,
                "202425|Academic year|School|E92000001|England|Final|100000|2013614|The Aldgate "
                "School|All pupils|Total|Reading, writing and maths|77|10|z|z".split("|"),
            ),
            _row(_KS2_ROW2, "Reading|93|47|108|z|z|z|0|z".split("|")),
        ],
    ),
    PageLayout(
        "ks4_la_geography_school_types_2024_25.csv",
        'EES KS4 "Geography by school types data" 2024/25, harmonised naming, LA level',
        "ks4",
        f"{SPC_MD}#KS4: LA/national files",
        "time_period,time_identifier,geographic_level",
        f"{BENCH}; header TRUNCATED by the page after engmath_entering_total; header only",
    ),
    PageLayout(
        "ks4_institution_long.csv",
        "EES KS4 performance, institution level 2022/23-2024/25 (data set "
        "5b3d308c-da72-467f-b2ef-ab77d576a455), LONG",
        "ks4",
        f"{SPC_MD}#KS4: LA/national files",
        "school_urn,school_name,time_period",
        "UNATTRIBUTED: a column list read by third-party code (index id 71016321748), not a "
        "published header: file order and the full set of columns unknown; ', ' separators "
        "read as ','; header only",
    ),
]

PAGES.append(
    PageLayout(
        "spc_school_underlying_supporting_2024_25.csv",
        "EES SPC supporting file spc_school_level_underlying_data_20YY.csv as DfE lists it for "
        "2024-25: WIDE, lower-case urn/estab/laestab, phase_type_grouping, names cut at 64",
        "census",
        "headers/fbit_dim-school-census.md#School Census Fields Data Type",
        "time_period,time_identifier",
        "header: the page's column list in order (a markdown table, not a CSV line); header "
        "only; some names cut at 64 characters ('... ethnic', '... ethnic orig')",
    )
)

CUTS: list[Cut] = [
    Cut(
        "exclusions_geography_2016_17.csv",
        "EES exclusions by geographic level 2006/07-2016/17 (SFR35/2017): National, Regional, "
        "LA and School rows (laestab only), school_type",
        "exclusions",
        "files/ees-exclusions-2006-2017/exclusions_by_geographic_level_without_931.csv",
        "LF; 2015/16 and 2016/17: National rows (all school_type), South West Total, "
        "Gloucestershire (916) LA Total and per-type rows, 10 of its School rows (x cells, "
        "academy and LA-maintained 'Total' rows, secondary, special), Cornwall (908) LA Total "
        "both years and a Greenwich (203) School row with '.' cells (headcount 0)",
        _union(
            _where(
                lambda c: (
                    c[1] in ("201617", "201516")
                    and (
                        c[2] == "National"
                        or (c[2] == "Regional" and c[6] == "South West" and c[14] == "Total")
                        or (c[2] == "Local authority" and c[7] == "916")
                        or (c[2] == "Local authority" and c[7] == "908" and c[14] == "Total")
                    )
                )
            ),
            _lines(11382, 14005, 14006, 14008, 14013, 16701, 16705, 18006, 36017, 36023, 36226),
        ),
    ),
    Cut(
        "exclusions_reason_la_wide_2016_17.csv",
        "EES exclusions by reason 2006/07-2016/17: reasons as WIDE columns, school_type, "
        "National/Regional/LA",
        "exclusions_reason",
        "files/ees-exclusions-2006-2017/exclusions_by_reason.csv",
        f"{BENCH}; CRLF; National, South West, Gloucestershire (916) all types, Cornwall (908) "
        "Total, 2015/16 and 2016/17; x cells",
        _where(
            lambda c: (
                c[1] in ("201617", "201516")
                and (
                    (c[2] == "National")
                    or (c[2] == "Regional" and c[6] == "South West" and c[10] == "Total")
                    or c[7] == "916"
                    or (c[7] == "908" and c[10] == "Total")
                )
            )
        ),
    ),
    Cut(
        "exclusions_characteristic_national_2016_17.csv",
        "EES exclusions by pupil characteristic 2011/12-2016/17, National only, fixed_excl",
        "exclusions_characteristic",
        "files/ees-exclusions-2006-2017/exclusions_by_characteristic.csv",
        "benchmark only (National rows: the file has no LA rows); CRLF; first 12 rows "
        "(2016/17), 6 rows with x, 2 rows of 2011/12",
        _union(
            _first(12),
            _with_symbol("x", 6),
            _where(lambda c: c[1] == "201112", 2),
        ),
    ),
    Cut(
        "absence_by_term_la_2016_17.csv",
        "EES pupil absence by term 2012/13-2016/17 (term column), National/Regional/LA",
        "absence",
        "files/ees-absence-2017/absence_by_term.csv",
        f"{BENCH}; CRLF; 2016/17 National and South West primary (all terms), Gloucestershire "
        "(916) all rows, Cornwall (908) Total primary/secondary; '.' cells (sess_auth_ext_"
        "holiday); no x in the file",
        _where(
            lambda c: (
                c[2] == "201617"
                and (
                    (
                        c[11] == "State-funded primary"
                        and (c[3] == "National" or (c[3] == "Regional" and c[7] == "South West"))
                    )
                    or c[8] == "916"
                    or (c[8] == "908" and c[1] == "Total" and c[11] != "Special")
                )
            )
        ),
    ),
    Cut(
        "absence_in_prus_la_2016_17.csv",
        "EES pupil absence in PRUs 2012/13-2016/17, National/Regional/LA",
        "absence",
        "files/ees-absence-2017/absence_in_prus.csv",
        f"{BENCH}; CRLF; first 6 rows, Gloucestershire (916) and Cornwall (908) rows",
        _union(_first(6), _where(lambda c: c[7] in ("916", "908"))),
    ),
    Cut(
        "sen2_mi_la_2014_2018.csv",
        "EES SEN2 management information (EHC plans) 2014-2018, calendar years, LA level",
        "sen2",
        "files/ees-sen2-la/SEN2_MI.csv",
        "no source yet (sen2); CRLF; National, South West, Cornwall (908), Gloucestershire "
        "(916), every year; NULL cells",
        _where(
            lambda c: (
                c[2] == "National"
                or (c[2] == "Regional" and c[6] == "South West")
                or c[7] in ("916", "908")
            )
        ),
    ),
    Cut(
        "sen2_mi_sendap_2014_2022.csv",
        "SEN2 EHC plans publication, LA level, snake_case with 20-week timeliness "
        "(inc_exc_20week_rate, no_exc_20week_rate), quoted header",
        "sen2",
        "files/ees-sen2-la/sen2_mi_sendap.csv",
        "no source yet (sen2); LF; all header cells quoted; first 8 rows, Gloucestershire "
        "(916) and Cornwall (908) rows",
        _union(_first(8), _where(lambda c: c[8] in ("916", "908"))),
    ),
    Cut(
        "sen2_2026_caseload.csv",
        "EES SEN2 2026: caseload.csv, placements by establishment type (WIDE), academic year",
        "sen2",
        "headers/sen2_2026_caseload_HEAD.csv",
        "no source yet (sen2); the whole saved head (header + 2 rows); x cells",
        _all,
    ),
    Cut(
        "sen2_2026_timeliness_20_week.csv",
        "EES SEN2 2026: timeliness_20_week.csv, calendar year (4-digit time_period)",
        "sen2",
        "headers/sen2_2026_timeliness_20_week_HEAD.csv",
        "no source yet (sen2); the whole saved head (header + 3 rows); x cells",
        _all,
    ),
    Cut(
        "sendap_absence_2term_pru.csv",
        "EES absence in PRUs, 2 terms (4_absence_2term_pru.csv), no school columns",
        "absence",
        "headers/sendap_4_absence_2term_pru_HEADER.csv",
        f"{BENCH} (no school columns); UTF-8 with BOM; header only (only the header was saved)",
        _all,
    ),
    Cut(
        "spc_school_underlying_supporting.csv",
        "EES SPC supporting file spc_school_level_underlying_data (DfE's synthetic e2e copy): "
        "WIDE, URN/Estab/LAEstab, phase-type_grouping, year-group columns, names cut at 64",
        "census",
        "headers/fbit_e2e_fixture_census_pupils_header.csv",
        "header only (DfE's e2e fixture header, real layout); names cut at 64 characters, "
        "'part time boys' vs 'part-time girls', a stray '(' in '(full-time boys aged 3 (born "
        "September to December)'",
        _all,
    ),
    Cut(
        "sen_school_wide_supporting.csv",
        "EES SEN supporting file sen_school_level_underlying_data: WIDE, URN, 'Total pupils', "
        "'SEN support', 'EHC plan', EHC_/SUP_Primary_need_*, Prov_*",
        "sen",
        "headers/fbit_e2e_fixture_sen_header.csv",
        "UTF-8 with BOM; header only; same names and order as headers/fbit_dim-sen.md",
        _all,
    ),
    Cut(
        "gias_links_20250422.csv",
        "GIAS establishment links download (links_edubasealldata), cp1252",
        "gias_links",
        "files/gias-links/links_edubasealldata20250422.csv",
        "cp1252, CRLF, quoted; first 10 rows and 5 rows with non-ASCII bytes",
        _union(
            _first(10),
            lambda lines: [n for n, b in enumerate(lines[1:], 2) if any(x > 127 for x in b)][:5],
        ),
    ),
    Cut(
        "gias_statefunded_fields.csv",
        "GIAS 'State-funded school fields' extract (edubaseallstatefunded), 33 columns",
        "gias",
        "files/gias-statefunded-head/edubaseallstatefunded_HEAD10.csv",
        "LF, quoted; the whole saved head (10 rows); lacks EstablishmentTypeGroup, CloseDate, "
        "Easting, Northing, DistrictAdministrative, AdministrativeWard",
        _all,
    ),
    Cut(
        "perf_census.csv",
        "Performance tables download england_census.csv (school census), LA/ESTAB/URN",
        "census",
        "files/perf-tables-kspdeveloper/england_census.csv",
        "UTF-8 with BOM, LF; first 6 rows, 3 with NA, 3 Gloucestershire (916) rows",
        _union(_first(6), _with_symbol("NA", 3), _where(lambda c: c[1] == "916", 3)),
    ),
    Cut(
        "perf_abs.csv",
        "Performance tables download england_abs.csv (absence), LA/ESTAB/URN",
        "absence",
        "files/perf-tables-kspdeveloper/england_abs.csv",
        "UTF-8 with BOM, LF; first 6 rows, 3 with SUPP, 3 Gloucestershire (916) rows",
        _union(_first(6), _with_symbol("SUPP", 3), _where(lambda c: c[0] == "916", 3)),
    ),
    Cut(
        "perf_ks4provisional.csv",
        "Performance tables download england_ks4provisional.csv (25-column subset)",
        "ks4",
        "files/perf-tables-kspdeveloper/england_ks4provisional.csv",
        "UTF-8 with BOM, LF; first 6 rows, rows with SUPP, NE, LOWCOV (2 each), 3 "
        "Gloucestershire (916) rows",
        _union(
            _first(6),
            _with_symbol("SUPP", 2),
            _with_symbol("NE", 2),
            _with_symbol("LOWCOV", 2),
            _where(lambda c: c[1] == "916", 3),
        ),
    ),
    Cut(
        "perf_ks4_destinations.csv",
        "Performance tables download england_ks4-pupdest.csv (KS4 destinations)",
        "ks4_destinations",
        "files/perf-tables-kspdeveloper/england_ks4-pupdest.csv",
        "no source yet; UTF-8 with BOM, LF; first 6 rows (SUPP, NA and % cells)",
        _first(6),
    ),
    Cut(
        "perf_ks2final.csv",
        "Performance tables KS2 england_ks2final.csv TRIMMED by a third party (added "
        "LATITUDE/LONGITUDE/Ofsted/colour columns), no LA columns",
        "ks2",
        "files/perf-waiky8-eng-schools/england_ks2final.csv",
        "derived, not pristine (see README); CRLF; first 6 rows, 3 with SUPP, 2 with LOWCOV",
        _union(_first(6), _with_symbol("SUPP", 3), _with_symbol("LOWCOV", 2)),
    ),
    Cut(
        "perf_ks4final.csv",
        "Performance tables KS4 england_ks4final.csv TRIMMED by a third party, no LA columns",
        "ks4",
        "files/perf-waiky8-eng-schools/england_ks4final.csv",
        "derived, not pristine (see README); CRLF; first 6 rows, rows with SUPP, NE, NP, "
        "LOWCOV (2 each)",
        _union(
            _first(6),
            _with_symbol("SUPP", 2),
            _with_symbol("NE", 2),
            _with_symbol("NP", 2),
            _with_symbol("LOWCOV", 2),
        ),
    ),
]


def _page_header(root: Path, layout: PageLayout) -> str:
    path, heading = split_origin(layout.origin)
    section = md_section((root / path).read_text(encoding="utf-8"), heading)
    found = [c for c in md_header_candidates(section) if c.startswith(layout.starts)]
    if len(found) != 1:
        raise SystemExit(f"{layout.file}: {len(found)} header lines start {layout.starts!r}")
    return found[0]


def write_page(root: Path, layout: PageLayout) -> None:
    header = _page_header(root, layout)
    names = header.split(",")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for index, row in enumerate(layout.rows):
        unknown = set(row) - set(names)
        if unknown:
            raise SystemExit(f"{layout.file}: row names columns not in the header: {unknown}")
        cells = [row.get(name, "") for name in names]
        if layout.leading is not None:
            cells = [layout.leading[index], *cells]
        writer.writerow(cells)
    first = ("," if layout.leading is not None else "") + header
    (FIXTURES / layout.file).write_text(first + "\n" + out.getvalue(), encoding="utf-8")


def write_cut(root: Path, cut: Cut) -> None:
    data = (root / cut.origin).read_bytes()
    lines = data.splitlines(keepends=True)
    picked = cut.pick(lines)
    body = b"".join(lines[n - 1] for n in picked)
    if not lines[0].endswith(b"\n"):  # a header-only file saved without a final newline
        body = b""
    (FIXTURES / cut.file).write_bytes(lines[0] + body)


def main() -> int:
    root = real_root()
    if root is None:
        print("shared/real not found (set REAL_FILES_DIR)", file=sys.stderr)
        return 1
    FIXTURES.mkdir(parents=True, exist_ok=True)
    rows = []
    for layout in PAGES:
        write_page(root, layout)
        rows.append([layout.file, layout.layout, layout.source, layout.origin, layout.notes])
    for cut in CUTS:
        write_cut(root, cut)
        rows.append([cut.file, cut.layout, cut.source, cut.origin, cut.notes])
    with MANIFEST.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows(sorted(rows))
    print(f"{len(rows)} fixtures written to {FIXTURES.relative_to(FIXTURES.parents[2])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
