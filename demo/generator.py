"""Deterministic demo data in the real raw-file layouts (docs/architecture.md, "Raw sources").

``generate_demo(out_dir)`` writes what a council analyst really has: the GIAS extract and
links file (all of England, cp1252), the DfE Explore Education Statistics (EES) school-level
files (National, Regional, Local authority and School rows, every LA), and the council's own
partnership membership, high-needs top-up and place files. Oxfordshire is drawn in detail
(nine localities, ~35 partnerships, ~300 schools, academy conversions, openings, closures,
partnership moves); ``n_other_las`` other LAs (by default the seven statistical neighbours of
data/config.toml) supply School rows the ETL must filter out and the totals behind the
benchmark rows.

Oxfordshire and each named neighbour draw from their own seeded ``numpy`` Generators (one
per LA code and purpose; the synthetic LAs share one), so a seed gives byte-identical files
and their numbers do not depend on how many other LAs are generated. The school-year facts
are simulated with vectorised draws a stream at a time and the EES files are written a year
at a time through pyarrow string kernels, because ``n_other_las=150`` (~24,000 schools,
millions of rows) is how the ETL is benchmarked at national scale.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter

from etl.sources import (
    EHC_PLACEMENT_COLUMNS,
    REASON_COLUMNS,
    SEN_NEED_LABELS,
    SPC_YEAR_GROUP_PARTS,
    SPC_YEAR_GROUPS,
)

from .exclusions import (
    CHARACTERISTICS as CHARACTERISTICS_FILE,
)
from .exclusions import (
    FULL_YEAR,
    GEOGRAPHY,
    LOG,
    REASONS,
    TERMLY,
    write_exclusion_files,
)
from .sen2 import CASELOAD as SEN2_CASELOAD
from .sen2 import PUBLICATION as SEN2_PUBLICATION
from .sen2 import TIMELINESS as SEN2_TIMELINESS
from .sen2 import write_sen2_files

# --------------------------------------------------------------------------------------
# The contract: file names and columns (docs/architecture.md, "Raw sources")
# --------------------------------------------------------------------------------------

FILE_NAMES: dict[str, str] = {
    "gias": "edubasealldata20240901.csv",
    "gias_links": "links_edubasealldata20240901.csv",
    "membership": "partnership_membership.xlsx",
    "census": "spc_school_level_underlying_data.csv",
    "absence": "1_absence_3term_school.csv",
    "sen": "sen_school_level_underlying_data.csv",
    # Performance-tables downloads, one per year in a folder named after it
    # (2017-2018/england_ks2final.csv): they have no year column (etl.layouts_ks).
    "ks2": "england_ks2final.csv",
    "ks4": "england_ks4final.csv",
    "topups": "high_needs_topups.csv",
    "places": "high_needs_places.xlsx",
    "send_timetables": "send_part_time_and_ap.csv",
    "ehc_placements": "ehc_plan_placements.csv",
}
#: Sources written as several files (the DfE's exclusions releases and the council's log):
#: file name -> source (demo/exclusions.py).
MORE_FILES: dict[str, str] = {
    FULL_YEAR: "exclusions",
    TERMLY: "exclusions",
    GEOGRAPHY: "exclusions",
    REASONS: "exclusions_reason",
    CHARACTERISTICS_FILE: "exclusions_characteristic",
    LOG: "exclusions_log",
    SEN2_PUBLICATION: "sen2",
    SEN2_TIMELINESS: "sen2",
    SEN2_CASELOAD: "sen2_caseload",
}

EES_STANDARD: list[str] = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
]

#: The SPC file's year-group columns in its order: each attendance and sex, then each year group.
SPC_YEAR_GROUP_HEADERS: list[str] = [
    f"{spellings[0]} {group}"
    for _, spellings in SPC_YEAR_GROUP_PARTS
    for group, _ in SPC_YEAR_GROUPS
]

#: Columns after the EES standard ones: the contract's required columns, then its "(+ ...)".
EES_COLUMNS: dict[str, list[str]] = {
    # The SPC supporting file (its real names, the columns the demo simulates, in its order):
    # pupils by attendance, sex and year group, then the headcount, FSM and EAL counts.
    "census": [
        "URN",
        "school_name",
        "LAEstab",
        "phase-type_grouping",
        *SPC_YEAR_GROUP_HEADERS,
        "headcount of pupils",
        "number of pupils known to be eligible for free school meals",
        "number of pupils whose first language is known or believed to be other than English",
    ],
    # The 2023/24 release's school-level file, its columns in its order (the ones the
    # app reads: trust, estab, academy and reason columns are left out).
    "absence": [
        "education_phase",
        "school_name",
        "school_laestab",
        "school_urn",
        "enrolments",
        "sess_possible",
        "sess_overall",
        "sess_authorised",
        "sess_unauthorised",
        "sess_overall_percent",
        "sess_authorised_percent",
        "sess_unauthorised_percent",
        "enrolments_pa_10_exact",
        "enrolments_pa_10_exact_percent",
    ],
    "sen": [
        "URN",
        "school_name",
        "laestab",
        "phase_type_grouping",
        "Total pupils",
        "SEN support",
        "EHC plan",
        *(f"{p}_Primary_need_{code}" for p in ("EHC", "SUP") for code in SEN_NEED_LABELS),
    ],
}

#: Performance-tables columns (a subset of england_ks2final.csv / england_ks4final.csv,
#: as england_ks4provisional.csv in shared/real is a subset): record type, LA, URN, name.
PERFORMANCE_COLUMNS: dict[str, list[str]] = {
    "ks2": ["RECTYPE", "LEA", "URN", "SCHNAME", "TELIG", "PTRWM_EXP"],
    "ks4": ["RECTYPE", "LEA", "URN", "SCHNAME", "TPUP", "ATT8SCR"],
}

GIAS_COLUMNS: list[str] = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "OpenDate",
    "CloseDate",
    "Postcode",
    "Easting",
    "Northing",
    "DistrictAdministrative (name)",
    "AdministrativeWard (name)",
]
LINKS_COLUMNS: list[str] = ["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"]
MEMBERSHIP_COLUMNS: list[str] = ["URN", "School name", "Partnership", "Locality", "Joined", "Left"]
TOPUPS_COLUMNS: list[str] = [
    "Financial year",
    "URN",
    "School name",
    "Band",
    "Pupils funded",
    "Top-up amount (£)",
]
PLACES_COLUMNS: list[str] = [
    "Financial year",
    "URN",
    "School name",
    "Provision type",
    "Places",
    "Place funding (£)",
]

#: Fixed workbook dates: xlsx files embed them, and the bytes must not depend on the clock.
WORKBOOK_DATE = dt.datetime(2024, 9, 1, 9, 0, 0)

# --------------------------------------------------------------------------------------
# Geography
# --------------------------------------------------------------------------------------

COUNTRY = ("E92000001", "England")
REGIONS: list[tuple[str, str]] = [
    ("E12000001", "North East"),
    ("E12000002", "North West"),
    ("E12000003", "Yorkshire and The Humber"),
    ("E12000004", "East Midlands"),
    ("E12000005", "West Midlands"),
    ("E12000006", "East of England"),
    ("E12000007", "London"),
    ("E12000008", "South East"),
    ("E12000009", "South West"),
]
SOUTH_EAST, WEST_MIDLANDS = 7, 4

OXFORDSHIRE = (931, "E10000025", "Oxfordshire", SOUTH_EAST)
#: Other LAs in the order they are added: (old code, new code, name, region, centre, postcode area).
NAMED_OTHER_LAS: list[tuple[int, str, str, int, tuple[int, int], str]] = [
    (825, "E10000002", "Buckinghamshire", SOUTH_EAST, (485000, 200000), "HP"),
    (850, "E10000014", "Hampshire", SOUTH_EAST, (450000, 125000), "SO"),
    (860, "E10000028", "Staffordshire", WEST_MIDLANDS, (395000, 320000), "ST"),
    (868, "E06000040", "Windsor and Maidenhead", SOUTH_EAST, (490000, 177000), "SL"),
    (872, "E06000041", "Wokingham", SOUTH_EAST, (478000, 168000), "RG"),
    (936, "E10000030", "Surrey", SOUTH_EAST, (510000, 150000), "GU"),
    (937, "E10000031", "Warwickshire", WEST_MIDLANDS, (430000, 265000), "CV"),
]
#: Schools per other LA, [low, high). The named neighbours are drawn smaller than real LAs so
#: the default demo (all seven) stays about the size of Oxfordshire plus three national-sized
#: LAs: every demo test session builds it. Their rates, not their sizes, are what pages compare.
NEIGHBOUR_SCHOOLS = (50, 91)
SYNTHETIC_LA_SCHOOLS = (110, 211)  # as in England: ~150 LAs make ~24,000 schools
OTHER_FIRST_URN = 150000
#: What each LA's independent random streams are for (see ``_stream``).
STREAMS = ("la", "schools", "simulation", "high needs", "send timetables", "ehc placements")
SYNTHETIC_STREAM = 0  # the stream code the synthetic LAs share (no LA has code 0)


@dataclass(frozen=True)
class Locality:
    name: str
    centre: tuple[int, int]
    spread: int  # metres: how far partnership sub-centres sit from the locality centre
    district: str
    postcode_districts: tuple[str, ...]
    eal: float  # typical share of pupils with English as an additional language
    deprivation: float  # shifts FSM, absence, exclusions up and attainment down
    primaries: int
    secondaries: int
    specials: int
    partnerships: tuple[str, ...]
    places: tuple[str, ...]


LOCALITIES: tuple[Locality, ...] = (
    Locality(
        "Abingdon", (449500, 197000), 2200, "Vale of White Horse", ("OX13", "OX14"),
        0.08, -0.2, 24, 4, 1,
        ("Abingdon Town Partnership", "Abingdon North Partnership", "Ock Valley Partnership",
         "Abingdon Villages Partnership"),
        ("Abingdon", "Drayton", "Sutton Courtenay", "Radley", "Marcham", "Steventon", "Culham",
         "Appleton", "Kingston Bagpuize", "Fyfield", "Shippon", "Peachcroft", "Caldecott",
         "Long Furlong", "Sunningwell", "Milton"),
    ),
    Locality(
        "Banbury", (445500, 240500), 4000, "Cherwell", ("OX15", "OX16", "OX17"),
        0.14, 0.6, 30, 5, 2,
        ("Banbury North Partnership", "Banbury South Partnership", "Cherwell Valley Partnership",
         "Sibford and Hook Norton Partnership", "Deddington and Adderbury Partnership"),
        ("Banbury", "Adderbury", "Bloxham", "Bodicote", "Cropredy", "Deddington", "Hook Norton",
         "Sibford Gower", "Wroxton", "Great Tew", "Hornton", "Shenington", "Steeple Aston",
         "Middle Barton", "Fritwell", "Hanwell Fields", "Bretch Hill", "Grimsbury", "Neithrop",
         "Ruscote", "Easington", "Longford Park"),
    ),
    Locality(
        "Bicester", (458500, 222500), 4000, "Cherwell", ("OX25", "OX26", "OX27", "OX5"),
        0.10, 0.1, 26, 4, 1,
        ("Bicester Town Partnership", "Bicester Villages Partnership", "Ray Valley Partnership",
         "Kidlington Partnership"),
        ("Bicester", "Launton", "Ambrosden", "Arncott", "Chesterton", "Bletchingdon",
         "Kirtlington", "Fringford", "Finmere", "Stratton Audley", "Kidlington", "Yarnton",
         "Gosford", "Langford Village", "Glory Farm", "Southwold", "Kingsmere",
         "Weston-on-the-Green", "Charlton-on-Otmoor", "Islip"),
    ),
    Locality(
        "Didcot", (452500, 190000), 2500, "South Oxfordshire", ("OX10", "OX11"),
        0.09, 0.0, 25, 4, 1,
        ("Didcot North Partnership", "Didcot South Partnership", "Wallingford Partnership",
         "Berinsfield and Dorchester Partnership"),
        ("Didcot", "Blewbury", "Harwell", "East Hagbourne", "Cholsey", "Wallingford",
         "Brightwell-cum-Sotwell", "Long Wittenham", "Berinsfield", "Dorchester-on-Thames",
         "Crowmarsh Gifford", "North Moreton", "Ladygrove", "Willowbrook", "Aston Tirrold",
         "Benson", "Warborough"),
    ),
    Locality(
        "Henley", (476000, 182500), 3500, "South Oxfordshire", ("RG9", "RG4", "RG8"),
        0.05, -0.8, 17, 3, 1,
        ("Henley Town Partnership", "Chiltern Edge Partnership", "Sonning Common Partnership"),
        ("Henley-on-Thames", "Sonning Common", "Nettlebed", "Peppard", "Goring", "Woodcote",
         "Checkendon", "Shiplake", "Stoke Row", "Kidmore End", "Rotherfield Greys", "Badgemore",
         "Valley Road", "Trinity"),
    ),
    Locality(
        "Oxford", (451500, 206000), 3000, "Oxford", ("OX1", "OX2", "OX3", "OX4"),
        0.24, 0.5, 45, 7, 3,
        ("Oxford City North Partnership", "Oxford City East Partnership",
         "Oxford City South Partnership", "Oxford City West Partnership",
         "Oxford Spires Partnership"),
        ("Oxford", "Headington", "Marston", "Cowley", "Littlemore", "Blackbird Leys", "Rose Hill",
         "Iffley", "Botley", "Summertown", "Jericho", "Wolvercote", "Cutteslowe", "Barton",
         "Risinghurst", "Wood Farm", "Northway", "Sandhills", "New Hinksey", "Grandpont",
         "Temple Cowley", "Donnington", "Florence Park", "Kennington", "Cumnor", "Wootton",
         "Horspath", "Garsington"),
    ),
    Locality(
        "Thame", (470500, 205500), 4000, "South Oxfordshire", ("OX9", "OX33", "OX44"),
        0.05, -0.6, 17, 3, 1,
        ("Thame Town Partnership", "Thame Villages Partnership", "Wheatley Partnership"),
        ("Thame", "Wheatley", "Tetsworth", "Chinnor", "Great Milton", "Tiddington",
         "Stanton St John", "Chalgrove", "Watlington", "Lewknor", "Aston Rowant",
         "Kingston Blount", "Holton", "Towersey"),
    ),
    Locality(
        "Wantage", (439500, 188000), 4000, "Vale of White Horse", ("OX12", "SN7"),
        0.05, -0.3, 20, 3, 1,
        ("Wantage Town Partnership", "Faringdon Partnership", "Grove and Letcombe Partnership"),
        ("Wantage", "Grove", "Letcombe Regis", "East Hendred", "Childrey", "Uffington",
         "Stanford in the Vale", "Shrivenham", "Faringdon", "Buckland", "Watchfield",
         "Ashbury", "Longcot", "Charney Bassett", "Ardington", "Kingston Lisle"),
    ),
    Locality(
        "Witney", (435500, 209500), 4000, "West Oxfordshire", ("OX28", "OX29", "OX18", "OX7"),
        0.06, -0.3, 28, 5, 2,
        ("Witney Town Partnership", "Windrush Valley Partnership", "Chipping Norton Partnership",
         "Eynsham and Woodstock Partnership"),
        ("Witney", "Ducklington", "Hailey", "Minster Lovell", "Bampton", "Carterton",
         "Brize Norton", "Burford", "Freeland", "Eynsham", "Long Hanborough", "Woodstock",
         "Stonesfield", "Chipping Norton", "Charlbury", "Standlake", "Clanfield", "Finstock",
         "Curbridge", "Madley Park"),
    ),
)  # fmt: skip

# --------------------------------------------------------------------------------------
# Kinds of school: how each appears in the files
# --------------------------------------------------------------------------------------

YEAR_GROUPS: list[str] = ["Nursery", "Reception"] + [f"Year {n}" for n in range(1, 15)]
NURSERY, YEAR_1, YEAR_6, YEAR_11 = 0, 2, 7, 12
#: Relative size of each year group (sixth form and nursery cohorts are smaller).
YEAR_GROUP_SIZE = np.array([0.7] + [1.0] * 12 + [0.75, 0.7, 0.3])


@dataclass(frozen=True)
class Kind:
    phase_type_grouping: str  # census and SEN files
    school_type: str  # absence and exclusions files
    gias_phase: str
    headcount: tuple[int, int]
    ages: tuple[tuple[int, int], ...]  # (StatutoryLowAge, StatutoryHighAge) options
    in_absence: bool
    in_exclusions: bool
    in_ks4: bool
    profile: str  # "primary" | "secondary" | "special" | "ap": rates and need mixes


KINDS: dict[str, Kind] = {
    "nursery": Kind("State-funded nursery", "State-funded primary", "Nursery", (40, 120),
                    ((2, 5), (3, 5)), False, False, False, "primary"),
    "primary": Kind("State-funded primary", "State-funded primary", "Primary", (60, 450),
                    ((4, 11), (3, 11)), True, True, False, "primary"),
    "infant": Kind("State-funded primary", "State-funded primary", "Primary", (60, 270),
                   ((4, 7), (3, 7)), True, True, False, "primary"),
    "junior": Kind("State-funded primary", "State-funded primary", "Primary", (80, 360),
                   ((7, 11),), True, True, False, "primary"),
    "secondary": Kind("State-funded secondary", "State-funded secondary", "Secondary",
                      (600, 1800), ((11, 16), (11, 18), (11, 18)), True, True, True, "secondary"),
    "all_through": Kind("State-funded secondary", "State-funded secondary", "All-through",
                        (900, 1900), ((4, 18), (3, 18)), True, True, True, "secondary"),
    "special": Kind("State-funded special school", "Special", "Not applicable", (60, 200),
                    ((2, 19), (4, 11), (11, 19), (4, 19)), True, True, True, "special"),
    "ap": Kind("State-funded AP school", "State-funded AP school", "Not applicable", (20, 60),
               ((11, 16),), True, True, False, "ap"),
    "sixteen_plus": Kind("State-funded secondary", "State-funded secondary", "16 plus",
                         (250, 700), ((16, 19),), False, True, False, "secondary"),
}  # fmt: skip
KIND_NAMES: list[str] = list(KINDS)
PROFILES = ["primary", "secondary", "special", "ap"]

MAINTAINED = ["Community school", "Voluntary controlled school", "Voluntary aided school",
              "Foundation school"]  # fmt: skip
ESTABLISHMENT_TYPES: dict[str, tuple[list[str], list[float]]] = {
    "nursery": (["Local authority nursery school"], [1.0]),
    "primary": (MAINTAINED + ["Academy converter", "Academy sponsor led", "Free schools"],
                [0.30, 0.16, 0.08, 0.03, 0.33, 0.07, 0.03]),
    "secondary": (["Community school", "Voluntary aided school", "Foundation school",
                   "Academy converter", "Academy sponsor led", "Free schools"],
                  [0.10, 0.05, 0.05, 0.55, 0.17, 0.08]),
    "all_through": (["Academy converter", "Free schools", "Academy sponsor led"], [0.5, 0.3, 0.2]),
    "special": (["Community special school", "Foundation special school",
                 "Academy special converter", "Free schools special"], [0.45, 0.1, 0.3, 0.15]),
    "ap": (["Pupil referral unit", "Academy alternative provision converter",
            "Free schools alternative provision"], [0.5, 0.3, 0.2]),
    "sixteen_plus": (["Academy 16-19 converter", "Free schools 16 to 19"], [0.6, 0.4]),
}  # fmt: skip
ESTABLISHMENT_TYPES["infant"] = ESTABLISHMENT_TYPES["junior"] = ESTABLISHMENT_TYPES["primary"]
TYPE_GROUPS: dict[str, str] = {
    **dict.fromkeys(MAINTAINED, "Local authority maintained schools"),
    "Local authority nursery school": "Local authority maintained schools",
    "Pupil referral unit": "Local authority maintained schools",
    "Community special school": "Special schools",
    "Foundation special school": "Special schools",
    "Academy converter": "Academies",
    "Academy sponsor led": "Academies",
    "Academy special converter": "Academies",
    "Academy alternative provision converter": "Academies",
    "Academy 16-19 converter": "Academies",
    "Free schools": "Free Schools",
    "Free schools special": "Free Schools",
    "Free schools alternative provision": "Free Schools",
    "Free schools 16 to 19": "Free Schools",
}
#: First establishment number of each kind's range (LAESTAB = LA code * 10000 + number).
ESTABLISHMENT_NUMBER_START = {"nursery": 1000, "ap": 1100, "primary": 2000, "infant": 2000,
                              "junior": 2000, "secondary": 4000, "all_through": 4000,
                              "sixteen_plus": 4000, "special": 7000}  # fmt: skip

#: Kinds of the other LAs' schools, shares roughly as in England.
OTHER_KIND_SHARES = {"primary": 0.70, "infant": 0.03, "junior": 0.03, "secondary": 0.12,
                     "all_through": 0.01, "special": 0.05, "ap": 0.02, "nursery": 0.02,
                     "sixteen_plus": 0.02}  # fmt: skip
OTHER_SCHOOL_LABEL = {"nursery": "Nursery School", "primary": "Primary School",
                      "infant": "Infant School", "junior": "Junior School",
                      "secondary": "Academy", "all_through": "All-Through School",
                      "special": "Special School", "ap": "Pupil Referral Unit",
                      "sixteen_plus": "Sixth Form College"}  # fmt: skip

# --------------------------------------------------------------------------------------
# Breakdown vocabularies
# --------------------------------------------------------------------------------------

EXCLUSION_REASONS: list[str] = [
    "Physical assault against a pupil",
    "Physical assault against an adult",
    "Verbal abuse or threatening behaviour against a pupil",
    "Verbal abuse or threatening behaviour against an adult",
    "Use or threat of use of an offensive weapon or prohibited item",
    "Bullying",
    "Racist abuse",
    "Abuse against sexual orientation and gender identity",
    "Abuse relating to disability",
    "Sexual misconduct",
    "Drug and alcohol related",
    "Damage",
    "Theft",
    "Persistent disruptive behaviour",
    "Inappropriate use of social media or online technology",
    "Other",
]
SUSPENSION_REASON_MIX = np.array(
    [0.12, 0.06, 0.07, 0.14, 0.015, 0.015, 0.012, 0.006, 0.003, 0.01, 0.03, 0.025, 0.01,
     0.38, 0.008, 0.10]
)  # fmt: skip
PERMANENT_REASON_MIX = np.array(
    [0.13, 0.12, 0.04, 0.07, 0.06, 0.01, 0.01, 0.005, 0.002, 0.02, 0.09, 0.02, 0.01,
     0.33, 0.005, 0.08]
)  # fmt: skip

#: (group, characteristic) in output order; NC year covers Reception..Year 14.
CHARACTERISTICS: list[tuple[str, str]] = (
    [("Gender", "Boys"), ("Gender", "Girls")]
    + [("SEN provision", c) for c in ("EHC plan", "SEN support", "No SEN")]
    + [("FSM eligibility", c) for c in ("FSM eligible", "Not FSM eligible")]
    + [("Ethnicity major", c) for c in ("White", "Mixed", "Asian", "Black", "Other",
                                        "Unclassified")]
    + [("NC year", yg) for yg in YEAR_GROUPS[1:]]
)  # fmt: skip
CHARACTERISTIC_GROUPS = {"Gender": slice(0, 2), "SEN provision": slice(2, 5),
                         "FSM eligibility": slice(5, 7), "Ethnicity major": slice(7, 13),
                         "NC year": slice(13, 28)}  # fmt: skip
#: How much likelier a pupil in each characteristic is to be suspended than the school average.
SUSPENSION_RISK = np.array(
    [2.6, 1.0, 3.5, 3.0, 1.0, 3.2, 1.0, 1.0, 1.3, 0.45, 1.1, 0.8, 1.4]
    + [0.2, 0.25, 0.3, 0.35, 0.45, 0.55, 0.7, 1.0, 1.4, 1.9, 2.1, 1.8, 0.5, 0.4, 0.3]
)  # fmt: skip
PERMANENT_RISK = SUSPENSION_RISK * np.array([1.1, 0.9, 1.2, 1.0, 0.9, 1.1, 0.95] + [1.0] * 21)

#: The needs simulated, by their code in the SEN file's columns (labels: SEN_NEED_LABELS).
NEED_CODES: list[str] = [
    "asd", "slcn", "semh", "mld", "spld", "sld", "pmld", "pd", "hi", "vi", "msi", "oth", "nsa"
]  # fmt: skip
#: Need mix by profile (rows: primary, secondary, special, ap); the last need is SEN support only.
SUPPORT_NEED_MIX = np.array([
    [0.10, 0.30, 0.19, 0.15, 0.08, 0.003, 0.002, 0.02, 0.015, 0.008, 0.002, 0.04, 0.06],
    [0.09, 0.12, 0.25, 0.16, 0.22, 0.003, 0.001, 0.02, 0.02, 0.01, 0.002, 0.04, 0.05],
    [0.25, 0.20, 0.20, 0.20, 0.03, 0.05, 0.01, 0.02, 0.01, 0.01, 0.002, 0.02, 0.01],
    [0.08, 0.06, 0.70, 0.06, 0.04, 0.0, 0.0, 0.005, 0.005, 0.002, 0.0, 0.02, 0.03],
])  # fmt: skip
EHC_NEED_MIX = np.array([
    [0.33, 0.22, 0.15, 0.08, 0.03, 0.03, 0.01, 0.05, 0.03, 0.015, 0.005, 0.03, 0.0],
    [0.33, 0.10, 0.22, 0.10, 0.08, 0.02, 0.005, 0.05, 0.03, 0.02, 0.005, 0.03, 0.0],
    [0.38, 0.07, 0.12, 0.10, 0.01, 0.20, 0.07, 0.03, 0.005, 0.005, 0.002, 0.008, 0.0],
    [0.15, 0.03, 0.72, 0.03, 0.03, 0.0, 0.0, 0.01, 0.005, 0.0, 0.0, 0.025, 0.0],
])  # fmt: skip

# --------------------------------------------------------------------------------------
# Trends: national anchor values by academic start year (2017 = 2017/18), interpolated
# --------------------------------------------------------------------------------------

FSM_LOGIT_SHIFT = {2014: -0.15, 2017: 0.0, 2018: 0.08, 2019: 0.25, 2020: 0.42, 2021: 0.55,
                   2022: 0.66, 2023: 0.76, 2024: 0.82}  # fmt: skip
SEN_SUPPORT_LOGIT_SHIFT = {2014: -0.05, 2017: 0.0, 2023: 0.18, 2024: 0.21}
EHC_LOGIT_SHIFT = {2014: -0.12, 2017: 0.0, 2023: 0.48, 2024: 0.56}
OVERALL_ABSENCE = {2014: 4.5, 2016: 4.6, 2017: 4.7, 2018: 4.6, 2019: 4.8, 2020: 5.0, 2021: 7.3,
                   2022: 7.1, 2023: 6.8, 2024: 6.6}  # fmt: skip
AUTHORISED_SHARE = {2014: 0.77, 2018: 0.74, 2021: 0.70, 2023: 0.66}
PERMANENT_TREND = {2014: 0.85, 2017: 1.0, 2018: 0.95, 2019: 0.62, 2020: 0.55, 2021: 0.85,
                   2022: 1.1, 2023: 1.25, 2024: 1.3}  # fmt: skip
SUSPENSION_TREND = {2014: 0.85, 2017: 1.0, 2018: 1.05, 2019: 0.76, 2020: 0.85, 2021: 1.22,
                    2022: 1.45, 2023: 1.6, 2024: 1.65}  # fmt: skip
KS2_EXPECTED = {2015: 0.55, 2016: 0.62, 2017: 0.65, 2018: 0.66, 2021: 0.60, 2022: 0.60,
                2023: 0.62}  # fmt: skip
KS2_CANCELLED = (2019, 2020)  # no KS2 assessments in 2019/20 and 2020/21 (COVID)
ATTAINMENT8 = {2015: 44.6, 2016: 46.3, 2017: 46.5, 2018: 46.7, 2019: 50.2, 2020: 50.9,
               2021: 48.8, 2022: 46.3, 2023: 46.1}  # fmt: skip

#: Per-100 rates by profile (primary, secondary, special, ap) before trend and school effects.
PERMANENT_PER_100 = np.array([0.015, 0.20, 0.08, 0.25])
SUSPENSIONS_PER_100 = np.array([1.2, 9.5, 9.0, 40.0])
ABSENCE_BY_PROFILE = np.array([-0.4, 1.0, 3.0, 22.0])  # percentage points on the trend
BOYS_SHARE = np.array([0.51, 0.51, 0.70, 0.72])

# Top-up bands A..E: annual £ per pupil in 2017-18 and each profile's band mix.
TOPUP_BANDS = ["Band A", "Band B", "Band C", "Band D", "Band E"]
TOPUP_RATE_2017 = np.array([3500.0, 7000.0, 11000.0, 16500.0, 24000.0])
TOPUP_BAND_MIX = np.array([
    [0.30, 0.30, 0.20, 0.12, 0.08],
    [0.30, 0.30, 0.20, 0.12, 0.08],
    [0.02, 0.08, 0.30, 0.35, 0.25],
    [0.10, 0.30, 0.35, 0.20, 0.05],
])  # fmt: skip

# Suppression symbols (index 0 = a value is given).
SYMBOLS = ["", "c", "x", "z", "low", ":"]
NO_SYMBOL, CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE, LOW, OLD_NOT_AVAILABLE = range(6)


# ======================================================================================
# Public API
# ======================================================================================


def generate_demo(
    out_dir: Path,
    seed: int = 2017,
    n_other_las: int = len(NAMED_OTHER_LAS),
    first_year: int = 2017,
    last_year: int = 2023,
) -> list[Path]:
    """Write every demo raw file into ``out_dir`` (created) and return their paths.

    Years are academic years ``first_year/first_year+1`` .. ``last_year/last_year+1``
    (``time_period`` 201718..202324 by default). ``n_other_las`` other LAs: the named
    neighbours first (all seven by default), then synthetic ones. The same arguments give
    byte-identical files, and Oxfordshire's rows are the same whatever ``n_other_las`` is.
    """
    if last_year < first_year:
        raise ValueError("last_year must not be before first_year")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    years = np.arange(first_year, last_year + 1)

    las = _local_authorities(n_other_las, seed)
    oxon_schools = _stream(seed, OXFORDSHIRE[0], "schools")
    oxon = _oxfordshire(oxon_schools)
    oxon_register = _with_establishment_numbers(oxon.register, las, oxon_schools)
    other_register, other_sites = _other_schools(las, seed, first_site=len(oxon.sites))
    register, sites = oxon_register, oxon.sites
    if len(other_register):
        register = pd.concat([register, other_register], ignore_index=True)
        sites = pd.concat([sites, other_sites], ignore_index=True)
    panel = _panel(register, sites, years)
    facts = _simulate_by_stream(panel, sites, las, seed)

    paths = [
        _write_gias(out_dir, register, las),
        _write_links(out_dir, oxon.links),
        _write_membership(out_dir, oxon.membership),
    ]
    paths += _write_ees_files(out_dir, panel, facts, register, las, seed)
    la_rows = list(las[["code", "new_code", "name", "region"]].itertuples(index=False, name=None))
    paths += write_sen2_files(out_dir, la_rows, REGIONS, COUNTRY, years, seed)
    high_needs = _stream(seed, OXFORDSHIRE[0], "high needs")
    paths += [
        _write_topups(out_dir, panel, facts, register, sites, high_needs),
        _write_places(out_dir, panel, facts, register, sites, high_needs),
        _write_send_timetables(
            out_dir, panel, facts, register, _stream(seed, OXFORDSHIRE[0], "send timetables")
        ),
        _write_ehc_placements(
            out_dir, panel, facts, register, _stream(seed, OXFORDSHIRE[0], "ehc placements")
        ),
    ]
    return paths


def _stream(seed: int, la_code: int, purpose: str) -> np.random.Generator:
    """An LA's own random stream for one purpose: what one LA draws never shifts another's."""
    return np.random.default_rng([seed, la_code, STREAMS.index(purpose)])


# ======================================================================================
# Local authorities
# ======================================================================================


def _local_authorities(n_other_las: int, seed: int) -> pd.DataFrame:
    """Oxfordshire first, then the named neighbours, then synthetic LAs; one row per LA."""
    if n_other_las < 0:
        raise ValueError("n_other_las must not be negative")
    rows = [(*OXFORDSHIRE, (451500, 206000), "OX", 0.0, 0.12)]
    used = {OXFORDSHIRE[0]} | {row[0] for row in NAMED_OTHER_LAS}
    free_codes = [c for c in list(range(800, 1000)) + list(range(201, 400)) if c not in used]
    if n_other_las > len(NAMED_OTHER_LAS) + len(free_codes):
        raise ValueError(f"at most {len(NAMED_OTHER_LAS) + len(free_codes)} other LAs")
    for i in range(n_other_las):
        if i < len(NAMED_OTHER_LAS):
            code, *attributes = NAMED_OTHER_LAS[i]
            rng = _stream(seed, code, "la")
        else:
            j = i - len(NAMED_OTHER_LAS)
            code = free_codes[j]
            rng = _stream(seed, code, "la")
            centre = (int(rng.integers(200000, 650000)), int(rng.integers(50000, 600000)))
            area = chr(65 + j % 26) + chr(65 + (j // 26) % 26)
            attributes = [f"E06{code:06d}", _synthetic_la_name(j), j % len(REGIONS), centre, area]
        rows.append((code, *attributes, rng.normal(0.0, 0.5), rng.uniform(0.04, 0.35)))
    columns = ["code", "new_code", "name", "region", "centre", "area", "deprivation", "eal"]
    las = pd.DataFrame(rows, columns=columns)
    las["named"] = las["code"].isin([row[0] for row in NAMED_OTHER_LAS])
    return las


def _synthetic_la_name(i: int) -> str:
    first = ["North", "South", "East", "West", "Upper", "Lower", "Great", "Little", "Mid", "High"]
    second = ["ford", "bury", "ton", "ham", "wick", "field", "worth", "ley", "by", "stow"]
    suffix = ["shire", " Borough", " City"][(i // 100) % 3]
    name = first[i % 10] + second[(i // 10) % 10] + suffix
    return name if i < 300 else f"{name} {i // 300}"


# ======================================================================================
# Oxfordshire: sites, URNs, events, membership
# ======================================================================================


@dataclass
class _Oxfordshire:
    register: pd.DataFrame  # one row per URN
    sites: pd.DataFrame  # one row per school lineage (persistent effects)
    links: pd.DataFrame
    membership: pd.DataFrame


@dataclass
class _Site:
    """One Oxfordshire school as a lasting entity (its URN may change on conversion)."""

    site: int
    kind: str
    locality: Locality
    partnership: int
    place: str
    name: str = ""
    type_name: str = ""
    ages: tuple[int, int] = (4, 11)
    easting: int = 0
    northing: int = 0
    postcode: str = ""
    open_date: dt.date | None = None  # a school opening inside the period
    close_date: dt.date | None = None
    conversion: dt.date | None = None  # converts to an academy on this date
    moves: tuple[int, dt.date] | None = None  # (new partnership, date it joins)
    keeps_membership_urn: bool = False  # council lists only the academy URN


PARTNERSHIPS: list[tuple[str, Locality]] = [
    (name, loc) for loc in LOCALITIES for name in loc.partnerships
]
PARTNERSHIP_FORMED = dt.date(2013, 9, 1)
CONVERSION_YEARS = [2018, 2018, 2019, 2020, 2020, 2021, 2022, 2023]
SPECIAL_NAMES = ["Kestrel School", "Willowmead School", "Heron Lodge School", "Oakridge Academy",
                 "Meadowside School", "Brookfield House School", "Hazelwood School",
                 "Larkspur School", "Elmwood Academy", "Foxglove School", "Riverside School",
                 "Beechcroft School", "Rowan Tree School"]  # fmt: skip
SAINTS = ["Mary", "John", "Joseph", "Nicholas", "Michael", "Andrew", "Leonard", "Peter",
          "Laurence", "Edburg", "Christopher", "James", "Swithun", "Kenelm", "Blaise", "Ebbe",
          "Amand", "Barnabas", "Frideswide", "Gregory", "Francis", "Aloysius"]  # fmt: skip


def _oxfordshire(rng: np.random.Generator) -> _Oxfordshire:
    sites = _oxfordshire_sites(rng)
    _place_and_name(sites, rng)
    _schedule_events(sites, rng)
    register, links, membership = _oxfordshire_urns(sites, rng)
    effects = _oxfordshire_effects(sites, rng)
    return _Oxfordshire(register, effects, links, membership)


def _oxfordshire_sites(rng: np.random.Generator) -> list[_Site]:
    """Kinds per locality, each partnership getting at least one secondary school."""
    extras = {  # AP, 16 plus and nursery schools, and new schools opening in the period
        "Oxford": ["ap", "sixteen_plus", "nursery", "nursery"],
        "Banbury": ["ap", "sixteen_plus", "nursery"],
        "Didcot": ["ap", "primary"],
        "Abingdon": ["sixteen_plus"],
        "Bicester": ["primary"],
        "Wantage": ["primary"],
    }
    all_through = {"Oxford", "Didcot", "Bicester"}
    infant_junior = {"Banbury", "Witney", "Abingdon", "Oxford", "Wantage"}
    sites: list[_Site] = []
    for loc in LOCALITIES:
        first_p = next(i for i, (_, p_loc) in enumerate(PARTNERSHIPS) if p_loc is loc)
        n_p = len(loc.partnerships)
        kinds = ["secondary"] * loc.secondaries + ["primary"] * loc.primaries
        kinds += ["special"] * loc.specials + extras.get(loc.name, [])
        if loc.name in all_through:
            kinds[loc.secondaries - 1] = "all_through"
        if loc.name in infant_junior:
            kinds[loc.secondaries : loc.secondaries + 2] = ["infant", "junior"]
        spread = rng.permutation(len(kinds)) % n_p  # secondaries first: one per partnership
        for i, kind in enumerate(kinds):
            partnership = first_p + (i % n_p if i < loc.secondaries else int(spread[i]))
            if kind == "junior":  # an infant/junior pair shares a place and partnership
                partnership = sites[-1].partnership
            sites.append(_Site(len(sites), kind, loc, partnership, ""))
    return sites


def _place_and_name(sites: list[_Site], rng: np.random.Generator) -> None:
    """Coordinates around each partnership's sub-centre, postcode, type, ages and a name."""
    sub_centres = {}
    for p, (_, loc) in enumerate(PARTNERSHIPS):
        angle = rng.uniform(0, 2 * np.pi)
        radius = loc.spread * rng.uniform(0.3, 1.0)
        sub_centres[p] = (loc.centre[0] + radius * np.cos(angle),
                          loc.centre[1] + radius * np.sin(angle))  # fmt: skip
    used: set[str] = set()
    for s in sites:
        loc = s.locality
        scatter = 900 if loc.name == "Oxford" else 1300
        centre = sub_centres[s.partnership]
        s.easting = int(round(centre[0] + rng.normal(0, scatter)))
        s.northing = int(round(centre[1] + rng.normal(0, scatter)))
        s.postcode = _postcode(rng.choice(loc.postcode_districts), rng)
        types, shares = ESTABLISHMENT_TYPES[s.kind]
        s.type_name = str(rng.choice(types, p=shares))
        options = KINDS[s.kind].ages
        s.ages = options[int(rng.integers(len(options)))]
        if s.kind == "junior":
            previous = sites[s.site - 1]
            s.place, s.easting, s.northing = (
                previous.place,
                previous.easting + 150,
                previous.northing,
            )
        else:
            s.place = str(rng.choice(loc.places))
        s.name = _oxfordshire_name(s, rng, used)
        s.type_name = _type_matching_name(s.type_name, s.name)
        used.add(s.name)
    # Names that exercise cp1252: an acute accent and a typographic apostrophe.
    oxford = next(s for s in sites if s.locality.name == "Oxford" and s.kind == "primary")
    oxford.name = "St Thérèse's Catholic Primary School, Oxford"
    banbury = next(s for s in sites if s.locality.name == "Banbury" and s.kind == "primary")
    banbury.name = "St Mary’s CofE Primary School, Banbury"
    for s in (oxford, banbury):
        s.type_name = _type_matching_name(s.type_name, s.name)


def _type_matching_name(type_name: str, name: str) -> str:
    """Church schools are voluntary aided/controlled; community schools are not church schools."""
    if type_name not in MAINTAINED:
        return type_name
    if "Catholic" in name:
        return "Voluntary aided school"
    if "Church of England" in name or "CofE" in name:
        return type_name if type_name.startswith("Voluntary") else "Voluntary controlled school"
    return "Community school" if type_name.startswith("Voluntary") else type_name


def _postcode(district: str, rng: np.random.Generator) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"  # the letters the inward code uses
    return f"{district} {rng.integers(1, 10)}{rng.choice(list(letters))}{rng.choice(list(letters))}"


def _oxfordshire_name(s: _Site, rng: np.random.Generator, used: set[str]) -> str:
    place, town = s.place, s.locality.name
    for attempt in range(50):
        saint = str(rng.choice(SAINTS))
        apostrophe = "’" if rng.random() < 0.08 else "'"
        patterns = {
            "nursery": [f"{place} Nursery School", f"{place} Early Years Centre"],
            "primary": [f"{place} Primary School", f"{place} Church of England Primary School",
                        f"{place} CofE Primary School", f"{place} Community Primary School",
                        f"St {saint}{apostrophe}s CofE Primary School, {place}",
                        f"St {saint}{apostrophe}s Catholic Primary School, {place}",
                        f"{place} Primary Academy", f"{place} Village School"],
            "infant": [f"{place} Infant School", f"{place} Church of England Infant School"],
            "junior": [f"{place} Junior School", f"{place} Church of England Junior School"],
            "secondary": [f"{place} School", f"{place} Community College", f"{place} Academy",
                          f"The {place} School", f"{place} Church of England School",
                          f"St {saint}{apostrophe}s Catholic School, {town}"],
            "all_through": [f"{place} All-Through Academy", f"{place} Learning Community"],
            "special": [n for n in SPECIAL_NAMES if n not in used] or [f"{place} School"],
            "ap": [f"{town} Pupil Referral Unit", f"{town} Alternative Learning Centre",
                   f"{place} Alternative Provision Academy"],
            "sixteen_plus": [f"{town} Sixth Form College", f"{town} 16-19 Academy"],
        }[s.kind]  # fmt: skip
        name = patterns[int(rng.integers(len(patterns)))]
        if attempt > 20:
            name = f"{name} ({town})" if attempt < 40 else f"{name} {attempt}"
        if name not in used:
            return name
    raise RuntimeError(f"could not name school {s.site}")


def _schedule_events(sites: list[_Site], rng: np.random.Generator) -> None:
    """Academy conversions, openings, closures and partnership moves inside 2017-2023."""
    taken: set[int] = set()

    def pick(candidates: list[_Site], n: int) -> list[_Site]:
        free = [s for s in candidates if s.site not in taken]
        chosen = [free[i] for i in sorted(rng.choice(len(free), size=n, replace=False))]
        taken.update(s.site for s in chosen)
        return chosen

    # New schools: the extra primaries in Bicester, Didcot and Wantage (one opens in April,
    # so its first year has an exclusions row with no pupils, a `z` in the rates).
    openings = {"Bicester": dt.date(2018, 9, 1), "Didcot": dt.date(2019, 9, 1),
                "Wantage": dt.date(2021, 4, 1)}  # fmt: skip
    for town, opened in openings.items():
        s = [x for x in sites if x.locality.name == town and x.kind == "primary"][-1]
        s.open_date, s.type_name = opened, "Free schools"
        s.name = (
            f"{s.place} Park Primary School"
            if town != "Didcot"
            else "Great Western Park Primary School"
        )
        taken.add(s.site)
    # Closures: one at the end of a school year, one at Christmas (its last year is
    # exclusions-only, again with no pupils on roll).
    primaries = [s for s in sites if s.kind == "primary" and s.type_name in MAINTAINED]
    for s, closed in zip(
        pick(primaries, 2), (dt.date(2019, 8, 31), dt.date(2021, 12, 31)), strict=True
    ):
        s.close_date = closed
    mainstream = [
        s for s in sites if s.kind in ("primary", "secondary") and s.type_name in MAINTAINED
    ]
    secondaries = [s for s in mainstream if s.kind == "secondary"]
    converters = pick(secondaries, 2) + pick([s for s in mainstream if s.kind == "primary"], 6)
    converters.sort(key=lambda s: s.site)
    for i, s in enumerate(converters):
        s.conversion = dt.date(CONVERSION_YEARS[i], 9, 1)
        s.keeps_membership_urn = i % 2 == 1
    movers = pick([s for s in sites if s.kind in ("primary", "secondary")], 4)
    for i, s in enumerate(movers):
        siblings = [p for p, (_, loc) in enumerate(PARTNERSHIPS) if loc is s.locality]
        new = siblings[(siblings.index(s.partnership) + 1) % len(siblings)]
        s.moves = (new, dt.date(2019 + i, 9, 1))


def _academic_year(day: dt.date) -> int:
    """Academic start year of a date (2020-09-01 and 2021-08-31 are both 2020)."""
    return day.year if day.month >= 9 else day.year - 1


def _oxfordshire_urns(
    sites: list[_Site], rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Register rows (one per URN), GIAS links and membership spells."""
    n_urns = len(sites) + sum(s.conversion is not None for s in sites)
    legacy = np.sort(rng.choice(np.arange(123001, 125000), size=n_urns, replace=False))
    academies = np.sort(rng.choice(np.arange(136001, 148999), size=n_urns, replace=False))
    new_urns = iter(np.sort(rng.choice(np.arange(149000, 149999), size=20, replace=False)))
    rows, links, spells = [], [], []
    for i, s in enumerate(sites):
        is_academy = TYPE_GROUPS[s.type_name] != "Local authority maintained schools"
        urn = int(next(new_urns)) if s.open_date else int((academies if is_academy else legacy)[i])
        row = _oxfordshire_row(s, urn, rng)
        partnership, locality = PARTNERSHIPS[s.partnership][0], s.locality.name
        if s.conversion is not None:
            closed = s.conversion - dt.timedelta(days=1)
            old = {**row, "status": "Closed", "close_date": closed,
                   "data_to": _academic_year(closed)}  # fmt: skip
            new_name = row["name"].replace(" School", " Academy") if i % 2 == 0 else row["name"]
            new = {**row, "urn": int(next(new_urns)), "name": new_name,
                   "type_name": "Academy converter", "open_date": s.conversion,
                   "data_from": _academic_year(s.conversion)}  # fmt: skip
            rows += [old, new]
            links += [
                (old["urn"], new["urn"], new_name, "Successor", s.conversion),
                (new["urn"], old["urn"], old["name"], "Predecessor", s.conversion),
            ]
            if s.keeps_membership_urn:
                spells.append(
                    (new["urn"], new_name, partnership, locality, PARTNERSHIP_FORMED, None)
                )
            else:
                spells.append((old["urn"], old["name"], partnership, locality,
                               PARTNERSHIP_FORMED, closed))  # fmt: skip
                spells.append((new["urn"], new_name, partnership, locality, s.conversion, None))
            continue
        rows.append(row)
        joined = s.open_date or PARTNERSHIP_FORMED
        if s.moves is not None:
            new_p, moved = s.moves
            left = moved - dt.timedelta(days=1)
            spells.append((urn, row["name"], partnership, locality, joined, left))
            spells.append((urn, row["name"], PARTNERSHIPS[new_p][0], locality, moved, None))
        else:
            spells.append((urn, row["name"], partnership, locality, joined, s.close_date))
    register = pd.DataFrame(rows)
    links_df = pd.DataFrame(links, columns=LINKS_COLUMNS).sort_values(["URN", "LinkURN"])
    membership = pd.DataFrame(spells, columns=MEMBERSHIP_COLUMNS)
    membership = membership.sort_values(["Locality", "Partnership", "School name", "Joined"])
    return register, links_df.reset_index(drop=True), membership.reset_index(drop=True)


def _oxfordshire_row(s: _Site, urn: int, rng: np.random.Generator) -> dict:
    opened = s.open_date
    if opened is None and rng.random() < 0.6:  # GIAS leaves many old schools' OpenDate blank
        opened = dt.date(int(rng.integers(1950, 2013)), int(rng.choice([1, 4, 9])), 1)
    data_from, excl_only = -1, -1
    if s.open_date is not None:
        data_from = _academic_year(s.open_date)
        if s.open_date.month < 9 and s.open_date.month > 1:  # opened after census day
            excl_only, data_from = data_from, data_from + 1
    data_to = 9999
    if s.close_date is not None:
        data_to = _academic_year(s.close_date)
        if s.close_date.month != 8:  # closed before census day: exclusions-only last year
            excl_only, data_to = data_to, data_to - 1
    return {
        "urn": urn, "site": s.site, "la": 0, "name": s.name, "kind": s.kind,
        "type_name": s.type_name, "status": "Closed" if s.close_date else "Open",
        "low_age": s.ages[0], "high_age": s.ages[1], "open_date": opened,
        "close_date": s.close_date, "postcode": s.postcode, "easting": s.easting,
        "northing": s.northing, "district": s.locality.district, "ward": s.place,
        "data_from": data_from, "data_to": data_to, "excl_only_year": excl_only,
    }  # fmt: skip


def _oxfordshire_effects(sites: list[_Site], rng: np.random.Generator) -> pd.DataFrame:
    """Persistent effects: each partnership and school is consistently higher or lower."""
    partnership_effect = np.array([loc.deprivation for _, loc in PARTNERSHIPS])
    partnership_effect = partnership_effect + rng.normal(0, 0.6, len(PARTNERSHIPS))
    topup_weight = np.exp(rng.normal(0, 0.35, len(PARTNERSHIPS)))
    p = np.array([s.partnership for s in sites])
    n = len(sites)
    first_census = np.array([
        -1 if s.open_date is None
        else _academic_year(s.open_date) + (1 if 1 < s.open_date.month < 9 else 0)
        for s in sites
    ])  # fmt: skip
    frame = pd.DataFrame({
        "site": np.arange(n),
        "la": 0,
        "kind": [s.kind for s in sites],
        "low_age": [s.ages[0] for s in sites],
        "high_age": [s.ages[1] for s in sites],
        "partnership": p,
        "deprivation": partnership_effect[p] + rng.normal(0, 0.5, n),
        "eal": np.array([s.locality.eal for s in sites]) * np.exp(rng.normal(0, 0.35, n)),
        "topup_weight": topup_weight[p],
        "first_census": first_census,
    })  # fmt: skip
    tiny = rng.choice(np.flatnonzero(frame["kind"].eq("primary")), size=4, replace=False)
    frame["tiny_unauthorised"] = np.isin(np.arange(n), tiny)
    return frame


# ======================================================================================
# Other LAs (vectorised: national scale is ~24,000 schools)
# ======================================================================================


def _stream_groups(las: pd.DataFrame) -> list[tuple[int, np.ndarray]]:
    """(stream code, LA indices) in LA order: Oxfordshire and each named neighbour draw from
    their own streams; the synthetic LAs (national scale: ~150) share one and are drawn
    together, vectorised, as they only fill out the national and regional totals."""
    alone = las.index[(las.index == 0) | las["named"]]
    groups = [(int(las.at[i, "code"]), np.array([i])) for i in alone]
    synthetic = las.index[(las.index > 0) & ~las["named"]].to_numpy()
    if len(synthetic):
        groups.append((SYNTHETIC_STREAM, synthetic))
    return groups


def _other_schools(
    las: pd.DataFrame, seed: int, first_site: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Register and site rows of every LA after Oxfordshire, a stream group at a time;
    URNs run on from ``OTHER_FIRST_URN`` in LA order."""
    registers, effects = [], []
    for code, la_indices in _stream_groups(las)[1:]:
        rng = _stream(seed, code, "schools")
        low, high = SYNTHETIC_LA_SCHOOLS if code == SYNTHETIC_STREAM else NEIGHBOUR_SCHOOLS
        la = np.repeat(la_indices, rng.integers(low, high, size=len(la_indices)))
        register, effect = _la_schools(las, la, rng, first_site)
        registers.append(_with_establishment_numbers(register, las, rng))
        effects.append(effect)
        first_site += len(effect)
    if not registers:
        return pd.DataFrame(), pd.DataFrame()  # Oxfordshire alone
    register = pd.concat(registers, ignore_index=True)
    register["urn"] = OTHER_FIRST_URN + np.arange(len(register))
    return register, pd.concat(effects, ignore_index=True)


def _la_schools(
    las: pd.DataFrame, la: np.ndarray, rng: np.random.Generator, first_site: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Schools of other LAs, one per entry of ``la`` (LA index), all open throughout:
    register rows without URNs and their persistent effects."""
    n = len(la)
    kind = rng.choice(list(OTHER_KIND_SHARES), p=list(OTHER_KIND_SHARES.values()), size=n)
    type_name = np.empty(n, dtype=object)
    low_age, high_age = np.zeros(n, int), np.zeros(n, int)
    for k in KIND_NAMES:
        rows = np.flatnonzero(kind == k)
        types, shares = ESTABLISHMENT_TYPES[k]
        type_name[rows] = rng.choice(types, p=shares, size=len(rows))
        ages = np.array(KINDS[k].ages)[rng.integers(len(KINDS[k].ages), size=len(rows))]
        low_age[rows], high_age[rows] = ages[:, 0], ages[:, 1]
    centres = np.array(las["centre"].tolist())[la]
    place = _synthetic_places(n, rng)
    label = pd.Series(kind).map(OTHER_SCHOOL_LABEL).to_numpy(dtype=object)
    church = np.isin(type_name, ["Voluntary aided school", "Voluntary controlled school"])
    area = las["area"].to_numpy(dtype=object)[la]
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"), dtype=object)
    postcode = (area + rng.integers(1, 30, n).astype(str).astype(object) + " "
                + rng.integers(1, 10, n).astype(str).astype(object)
                + letters[rng.integers(20, size=n)] + letters[rng.integers(20, size=n)])  # fmt: skip
    site = first_site + np.arange(n)
    register = pd.DataFrame({
        "urn": 0,  # numbered once every LA is drawn
        "site": site,
        "la": la,
        "name": place + np.where(church, " Church of England ", " ").astype(object) + label,
        "kind": kind,
        "type_name": type_name,
        "status": "Open",
        "low_age": low_age,
        "high_age": high_age,
        "open_date": None,
        "close_date": None,
        "postcode": postcode,
        "easting": np.round(centres[:, 0] + rng.normal(0, 9000, n)).astype(int),
        "northing": np.round(centres[:, 1] + rng.normal(0, 9000, n)).astype(int),
        "district": las["name"].to_numpy(dtype=object)[la],
        "ward": place,
        "data_from": -1,
        "data_to": 9999,
        "excl_only_year": -1,
    })  # fmt: skip
    effects = pd.DataFrame({
        "site": site,
        "la": la,
        "kind": kind,
        "low_age": low_age,
        "high_age": high_age,
        "partnership": -1,
        "deprivation": las["deprivation"].to_numpy()[la] + rng.normal(0, 0.75, n),
        "eal": las["eal"].to_numpy()[la] * np.exp(rng.normal(0, 0.4, n)),
        "topup_weight": 1.0,
        "first_census": -1,
        "tiny_unauthorised": (kind == "primary") & (rng.random(n) < 0.02),
    })  # fmt: skip
    return register, effects


def _synthetic_places(n: int, rng: np.random.Generator) -> np.ndarray:
    first = np.array(["Ash", "Oak", "Elm", "Brook", "Mill", "Church", "Kings", "Queens", "Hill",
                      "Wood", "Green", "Bridge", "Moor", "Lark", "Holly", "Beech", "Fern",
                      "Stone", "Well", "Marsh"], dtype=object)  # fmt: skip
    second = np.array(["field", "ford", "ley", "wood", "bury", "ton", "side", "mead", "croft",
                       "dale", "gate", "hurst", "wick", "lands", "park", "brook"], dtype=object)  # fmt: skip
    return first[rng.integers(len(first), size=n)] + second[rng.integers(len(second), size=n)]


def _with_establishment_numbers(
    register: pd.DataFrame, las: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Establishment numbers unique within each LA, in each kind's range (2xxx primary...)."""
    register = register.copy().reset_index(drop=True)
    start = register["kind"].map(ESTABLISHMENT_NUMBER_START).to_numpy()
    # Shuffle within LA and range, so numbers are not in URN order (as in real GIAS): each
    # school's rank in shuffled order among its LA's schools of the same range.
    order = rng.permutation(len(register))
    group = (register["la"].to_numpy() * 10000 + start)[order]
    by_group = np.argsort(group, kind="stable")
    sorted_group = group[by_group]
    first = np.r_[0, np.flatnonzero(sorted_group[1:] != sorted_group[:-1]) + 1]
    sizes = np.diff(np.r_[first, len(group)])
    rank = np.empty(len(register), dtype=int)
    rank[by_group] = np.arange(len(group)) - np.repeat(first, sizes)
    number = np.empty(len(register), dtype=int)
    number[order] = start[order] + 1 + rank * 3 + rng.integers(0, 3, len(register))
    register["estab"] = number
    register["laestab"] = las["code"].to_numpy()[register["la"]] * 10000 + number
    return register


# ======================================================================================
# School-year panel and simulation
# ======================================================================================


def _panel(register: pd.DataFrame, sites: pd.DataFrame, years: np.ndarray) -> pd.DataFrame:
    """One row per (URN, academic year) with any data, ordered by year, LA code, URN."""
    data_from = register["data_from"].to_numpy()[:, None]
    data_to = register["data_to"].to_numpy()[:, None]
    excl_only = register["excl_only_year"].to_numpy()[:, None]
    active = (years >= data_from) & (years <= data_to)
    extra = years == excl_only
    reg, y = np.nonzero(active | extra)
    panel = pd.DataFrame({
        "reg": reg,
        "site": register["site"].to_numpy()[reg],
        "la": register["la"].to_numpy()[reg],
        "urn": register["urn"].to_numpy()[reg],
        "year": years[y],
        "census": active[reg, y],
    })  # fmt: skip
    panel = panel.sort_values(["year", "la", "urn"], kind="stable").reset_index(drop=True)
    panel["kind"] = sites["kind"].to_numpy()[panel["site"]]
    return panel


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _trend(anchors: dict[int, float], years: np.ndarray) -> np.ndarray:
    return np.interp(years, list(anchors), list(anchors.values()))


def _shares(weights: np.ndarray) -> np.ndarray:
    """Rows scaled to sum to 1 (uniform where a row is all zero) for multinomial draws."""
    total = weights.sum(axis=1, keepdims=True)
    uniform = np.full_like(weights, 1.0 / weights.shape[1])
    return np.divide(weights, total, out=uniform, where=total > 0)


def _largest_remainder(total: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Integer split of each row's total in proportion to its weights (Hamilton's method)."""
    exact = total[:, None] * _shares(weights)
    alloc = np.floor(exact).astype(np.int64)
    short = total - alloc.sum(axis=1)
    rows = np.flatnonzero(short > 0)
    if len(rows):
        remainder = exact[rows] - alloc[rows]
        rank = np.argsort(np.argsort(-remainder, axis=1, kind="stable"), axis=1, kind="stable")
        alloc[rows] += rank < short[rows, None]
    return alloc


def _apportion(total: np.ndarray, weights: np.ndarray, cap: np.ndarray | None = None) -> np.ndarray:
    """Split integer totals across columns in proportion to weights, never giving a column
    more than its cap (what a cap cuts off goes to the columns with room left)."""
    total = total.astype(np.int64)
    if cap is None:
        return _largest_remainder(total, weights)
    alloc = np.minimum(_largest_remainder(total, np.where(cap > 0, weights, 0.0)), cap)
    short = total - alloc.sum(axis=1)
    if short.any():
        room = cap - alloc
        if (short > room.sum(axis=1)).any():
            raise ValueError("totals exceed the caps")
        alloc += _largest_remainder(short, room.astype(float))
    if (alloc > cap).any():
        raise AssertionError("apportioning broke a cap")
    return alloc


def _year_group_mask(sites: pd.DataFrame) -> np.ndarray:
    """(sites, 16) True where the school teaches that year group (from its age range)."""
    index = np.arange(len(YEAR_GROUPS))
    first = np.maximum(sites["low_age"].to_numpy() - 3, 0)[:, None]
    last = (sites["high_age"].to_numpy() - 4)[:, None]
    mask = (index >= first) & (index <= last)
    mask[sites["kind"].to_numpy() == "nursery"] = index == NURSERY
    return mask


def _simulate_by_stream(
    panel: pd.DataFrame, sites: pd.DataFrame, las: pd.DataFrame, seed: int
) -> dict[str, np.ndarray]:
    """``_simulate`` a stream group (see ``_stream_groups``) at a time, gathered into panel
    order."""
    panel_la, site_la = panel["la"].to_numpy(), sites["la"].to_numpy()
    parts, rows = [], []
    for code, la_indices in _stream_groups(las):
        la_rows = np.flatnonzero(np.isin(panel_la, la_indices))
        la_sites = np.flatnonzero(np.isin(site_la, la_indices))
        la_panel = panel.iloc[la_rows].reset_index(drop=True)
        la_panel["site"] = np.searchsorted(la_sites, la_panel["site"].to_numpy())
        la_site_rows = sites.iloc[la_sites].reset_index(drop=True)
        parts.append(_simulate(la_panel, la_site_rows, _stream(seed, code, "simulation")))
        rows.append(la_rows)
    to_panel_order = np.argsort(np.concatenate(rows), kind="stable")
    return {key: np.concatenate([part[key] for part in parts])[to_panel_order] for key in parts[0]}


def _simulate(panel: pd.DataFrame, sites: pd.DataFrame, rng: np.random.Generator) -> dict:
    """Every school-year measure, as arrays aligned with ``panel`` (and breakdown matrices)."""
    facts: dict[str, np.ndarray] = {}
    _simulate_pupils(panel, sites, rng, facts)
    _simulate_absence(panel, sites, rng, facts)
    _simulate_exclusions(panel, sites, rng, facts)
    _simulate_attainment(panel, sites, rng, facts)
    # Uniform draws that decide which cells the writers mark unavailable (`x`, `:`).
    for name in ("absence_split", "old_one_plus", "att8_withheld"):
        facts[f"draw_{name}"] = rng.random(len(panel))
    return facts


def _simulate_pupils(panel, sites, rng, facts) -> None:
    n = len(panel)
    site = panel["site"].to_numpy()
    year = panel["year"].to_numpy()
    census = panel["census"].to_numpy()
    kind = sites["kind"].to_numpy()[site]
    profile = (
        pd.Series(kind).map({k: PROFILES.index(v.profile) for k, v in KINDS.items()}).to_numpy()
    )
    facts["profile"] = profile
    lo = np.array([KINDS[k].headcount[0] for k in KIND_NAMES])
    hi = np.array([KINDS[k].headcount[1] for k in KIND_NAMES])
    kind_code = pd.Series(sites["kind"]).map({k: i for i, k in enumerate(KIND_NAMES)}).to_numpy()
    # Persistent per-school size, growth and year-group shape.
    size_u = rng.beta(2.0, 2.5, len(sites))
    base = lo[kind_code] + size_u * (hi[kind_code] - lo[kind_code])
    # Special schools grow as EHC plans rise; others drift.
    growth = rng.normal(0.0, 0.015, len(sites)) + 0.03 * (sites["kind"].to_numpy() == "special")
    mask = _year_group_mask(sites)
    shape = YEAR_GROUP_SIZE * rng.gamma(40.0, 1 / 40.0, (len(sites), len(YEAR_GROUPS))) * mask
    # New schools open with their two youngest year groups and add one a year.
    first_census = sites["first_census"].to_numpy()[site]
    opened = first_census >= 0
    first_group = mask.argmax(axis=1)[site]
    open_groups = np.where(opened, first_group + 1 + (year - first_census), 99)
    row_mask = mask[site] & (np.arange(len(YEAR_GROUPS)) <= open_groups[:, None])
    fraction = row_mask.sum(axis=1) / np.maximum(mask[site].sum(axis=1), 1)
    target = base[site] * (1 + growth[site] * (year - 2020)) * rng.lognormal(0, 0.03, n) * fraction
    headcount = np.where(census, np.round(target), 0).astype(np.int64)
    year_groups = rng.multinomial(headcount, _shares(shape[site] * row_mask))
    facts["year_groups"] = year_groups
    facts["year_group_rows"] = mask[site]
    headcount = year_groups.sum(axis=1)
    facts["headcount"] = headcount

    deprivation = sites["deprivation"].to_numpy()[site]
    facts["deprivation"] = deprivation
    kind_fsm = np.select([profile == 2, profile == 3], [0.8, 1.3], 0.0)
    fsm_p = _sigmoid(_logit(0.115) + 0.6 * deprivation + _trend(FSM_LOGIT_SHIFT, year)
                     + kind_fsm + rng.normal(0, 0.08, n))  # fmt: skip
    facts["fsm"] = rng.binomial(headcount, fsm_p)
    eal_p = np.clip(sites["eal"].to_numpy()[site] * (1 + 0.02 * (year - 2017)), 0.005, 0.85)
    facts["eal"] = rng.binomial(headcount, eal_p)

    school_sen = rng.normal(0, 0.2, len(sites))[site]
    support_p = _sigmoid(_logit(0.118) + 0.25 * deprivation + school_sen
                         + _trend(SEN_SUPPORT_LOGIT_SHIFT, year) - 0.1 * (profile == 1))  # fmt: skip
    ehc_p = _sigmoid(_logit(0.017) + 0.2 * deprivation + school_sen + _trend(EHC_LOGIT_SHIFT, year))
    ehc_p = np.select([profile == 2, profile == 3], [0.975, 0.12], ehc_p)
    support_p = np.select([profile == 2, profile == 3], [0.8, 0.45], support_p)
    nursery = kind == "nursery"
    ehc_p, support_p = np.where(nursery, 0.01, ehc_p), np.where(nursery, 0.05, support_p)
    ehc = rng.binomial(headcount, ehc_p)
    facts["ehc_plan"] = ehc
    facts["sen_support"] = rng.binomial(headcount - ehc, np.clip(support_p / (1 - ehc_p), 0, 1))
    facts["support_needs"] = rng.multinomial(
        facts["sen_support"], _shares(_noisy(SUPPORT_NEED_MIX[profile], 60, rng))
    )
    facts["ehc_needs"] = rng.multinomial(ehc, _shares(_noisy(EHC_NEED_MIX[profile], 60, rng)))


def _noisy(mix: np.ndarray, concentration: float, rng: np.random.Generator) -> np.ndarray:
    """Per-row Dirichlet-like noise around a mix (gamma draws, zero stays zero)."""
    return rng.gamma(np.maximum(mix * concentration, 1e-9), 1.0) * (mix > 0)


def _simulate_absence(panel, sites, rng, facts) -> None:
    n = len(panel)
    site = panel["site"].to_numpy()
    year = panel["year"].to_numpy()
    profile, deprivation = facts["profile"], facts["deprivation"]
    in_file = panel["census"].to_numpy() & pd.Series(panel["kind"]).map(
        {k: v.in_absence for k, v in KINDS.items()}
    ).to_numpy(dtype=bool)
    facts["in_absence"] = in_file
    compulsory = facts["year_groups"][:, YEAR_1 : YEAR_11 + 1].sum(axis=1)
    enrolments = np.round(compulsory * rng.uniform(1.01, 1.07, n)).astype(np.int64)
    possible = np.round(enrolments * rng.uniform(318, 332, n)).astype(np.int64)
    school_effect = rng.normal(0, 0.35, len(sites))[site]
    rate = (_trend(OVERALL_ABSENCE, year) + ABSENCE_BY_PROFILE[profile]
            + (0.55 + 1.5 * (profile == 3)) * deprivation + school_effect
            + rng.normal(0, 0.15, n))  # fmt: skip
    rate = np.clip(rate, 1.5, 60.0)
    overall = np.round(possible * rate / 100).astype(np.int64)
    share = np.clip(_trend(AUTHORISED_SHARE, year) - 0.03 * deprivation + rng.normal(0, 0.03, n),
                    0.4, 0.97)  # fmt: skip
    unauthorised = overall - np.round(overall * share).astype(np.int64)
    # A few schools record almost no unauthorised absence: the rate rounds to 0 ("low").
    tiny = sites["tiny_unauthorised"].to_numpy()[site] & (possible > 5000)
    unauthorised = np.where(tiny, np.minimum(rng.integers(1, 5, n), overall), unauthorised)
    persistent = np.clip(3.6 * rate - 7.0 + rng.normal(0, 1.5, n), 1.0, 95.0)
    facts.update({
        "enrolments": enrolments,
        "sess_possible": possible,
        "sess_overall": overall,
        "sess_authorised": overall - unauthorised,
        "sess_unauthorised": unauthorised,
        "enrolments_pa_10_exact": rng.binomial(enrolments, persistent / 100),
    })  # fmt: skip


def _simulate_exclusions(panel, sites, rng, facts) -> None:
    n = len(panel)
    year = panel["year"].to_numpy()
    profile, deprivation = facts["profile"], facts["deprivation"]
    kind_in_file = pd.Series(panel["kind"]).map({k: v.in_exclusions for k, v in KINDS.items()})
    in_file = kind_in_file.to_numpy(dtype=bool)
    facts["in_exclusions"] = in_file
    # Pupils on roll aged 4+: the census headcount without the nursery (0 when not on census).
    headcount = facts["headcount"] - facts["year_groups"][:, NURSERY]
    school_effect = np.exp(rng.normal(0, 0.25, len(sites)))[panel["site"].to_numpy()]
    perm_mu = (headcount * PERMANENT_PER_100[profile] / 100 * _trend(PERMANENT_TREND, year)
               * np.exp(0.45 * deprivation) * school_effect * rng.gamma(2.0, 0.5, n))  # fmt: skip
    susp_mu = (headcount * SUSPENSIONS_PER_100[profile] / 100 * _trend(SUSPENSION_TREND, year)
               * np.exp(0.4 * deprivation) * school_effect * rng.gamma(4.0, 0.25, n))  # fmt: skip
    perm = np.minimum(rng.poisson(perm_mu), headcount)
    susp = rng.poisson(susp_mu)
    one_plus = np.minimum(np.maximum(rng.binomial(susp, 0.45), susp > 0), headcount)

    # Characteristic breakdowns: each group's pupils split the school's headcount, and
    # its events split the school's totals, with much higher rates for SEN and FSM pupils.
    pupils = _characteristic_headcounts(headcount, facts, rng)
    noise = rng.gamma(20.0, 1 / 20.0, pupils.shape)
    perm_by, susp_by = np.zeros_like(pupils), np.zeros_like(pupils)
    for cols in CHARACTERISTIC_GROUPS.values():
        h = pupils[:, cols]
        perm_by[:, cols] = _apportion(perm, h * PERMANENT_RISK[cols] * noise[:, cols], cap=h)
        susp_by[:, cols] = rng.multinomial(
            susp, _shares(h * SUSPENSION_RISK[cols] * noise[:, cols])
        )
    # A pupil counts once however often suspended: at most min(suspensions, pupils) per group.
    room = np.minimum(susp_by, pupils)
    feasible = np.min([room[:, c].sum(axis=1) for c in CHARACTERISTIC_GROUPS.values()], axis=0)
    one_plus = np.minimum(one_plus, feasible)
    one_plus_by = np.zeros_like(pupils)
    for cols in CHARACTERISTIC_GROUPS.values():
        one_plus_by[:, cols] = _apportion(
            one_plus, susp_by[:, cols].astype(float), cap=room[:, cols]
        )
    nc_rows = np.ones((n, len(CHARACTERISTICS)), bool)
    nc_rows[:, CHARACTERISTIC_GROUPS["NC year"]] = facts["year_group_rows"][:, 1:]
    facts.update({
        "excl_headcount": headcount,
        "perm_excl": perm,
        "susp": susp,
        "one_plus_susp": one_plus,
        "char_headcount": pupils,
        "char_perm": perm_by,
        "char_susp": susp_by,
        "char_one_plus": one_plus_by,
        "char_rows": nc_rows,
        "reason_perm": rng.multinomial(perm, _shares(_noisy(PERMANENT_REASON_MIX[None, :].repeat(n, 0), 30, rng))),
        "reason_susp": rng.multinomial(susp, _shares(_noisy(SUSPENSION_REASON_MIX[None, :].repeat(n, 0), 30, rng))),
    })  # fmt: skip


def _characteristic_headcounts(
    headcount: np.ndarray, facts: dict, rng: np.random.Generator
) -> np.ndarray:
    """(rows, 28) pupils per characteristic; every group sums to the school headcount."""
    n = len(headcount)
    pupils = np.zeros((n, len(CHARACTERISTICS)), dtype=np.int64)
    boys = rng.binomial(headcount, BOYS_SHARE[facts["profile"]])
    pupils[:, 0], pupils[:, 1] = boys, headcount - boys
    scale = np.divide(headcount, facts["headcount"], out=np.zeros(n), where=facts["headcount"] > 0)
    ehc = np.minimum(np.round(facts["ehc_plan"] * scale), headcount).astype(np.int64)
    support = np.minimum(np.round(facts["sen_support"] * scale), headcount - ehc).astype(np.int64)
    pupils[:, 2], pupils[:, 3], pupils[:, 4] = ehc, support, headcount - ehc - support
    fsm = np.minimum(np.round(facts["fsm"] * scale), headcount).astype(np.int64)
    pupils[:, 5], pupils[:, 6] = fsm, headcount - fsm
    eal = np.divide(facts["eal"], facts["headcount"], out=np.zeros(n), where=facts["headcount"] > 0)
    minority = np.clip(0.08 + 0.9 * eal, 0.05, 0.7)
    ethnic = np.column_stack([1 - minority - 0.025, 0.22 * minority, 0.40 * minority,
                              0.20 * minority, 0.18 * minority, np.full(n, 0.025)])  # fmt: skip
    pupils[:, 7:13] = rng.multinomial(headcount, _shares(ethnic))
    pupils[:, 13:] = facts["year_groups"][:, 1:]
    return pupils


def _simulate_attainment(panel, sites, rng, facts) -> None:
    n = len(panel)
    site = panel["site"].to_numpy()
    year = panel["year"].to_numpy()
    census = panel["census"].to_numpy()
    profile, deprivation = facts["profile"], facts["deprivation"]
    school_effect = rng.normal(0, 1.0, len(sites))[site]

    year6 = facts["year_groups"][:, YEAR_6]
    primary_phase = (profile == 0) | (panel["kind"].to_numpy() == "all_through")
    facts["in_ks2"] = census & (year6 > 0) & primary_phase & ~np.isin(year, KS2_CANCELLED)
    eligible = np.round(year6 * rng.uniform(0.95, 1.0, n)).astype(np.int64)
    expected_p = _sigmoid(np.log(_trend(KS2_EXPECTED, year) / (1 - _trend(KS2_EXPECTED, year)))
                          - 0.4 * deprivation + 0.25 * school_effect + rng.normal(0, 0.15, n))  # fmt: skip
    facts["t_elig"] = eligible
    facts["t_rwm_met_expected"] = rng.binomial(eligible, expected_p)

    year11 = facts["year_groups"][:, YEAR_11]
    kind_ks4 = pd.Series(panel["kind"]).map({k: v.in_ks4 for k, v in KINDS.items()})
    facts["in_ks4"] = census & (year11 > 0) & kind_ks4.to_numpy(dtype=bool)
    att8 = (_trend(ATTAINMENT8, year) + 0.8 - 3.2 * deprivation + 2.5 * school_effect
            + rng.normal(0, 0.8, n))  # fmt: skip
    att8 = np.where(profile == 2, 12.0 + 3.0 * school_effect + rng.normal(0, 1.5, n), att8)
    facts["t_pupils"] = year11
    facts["avg_att8"] = np.round(np.clip(att8, 2.0, 85.0), 1)


# ======================================================================================
# Writers: GIAS and links (cp1252), membership (xlsx)
# ======================================================================================


def _date_text(day: dt.date | None) -> str:
    return "" if day is None or pd.isna(day) else day.strftime("%d-%m-%Y")


def _write_cp1252_csv(path: Path, frame: pd.DataFrame) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False, name=None))
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    return path


def _write_gias(out_dir: Path, register: pd.DataFrame, las: pd.DataFrame) -> Path:
    reg = register.sort_values("urn")
    la = reg["la"].to_numpy()
    frame = pd.DataFrame({
        "URN": reg["urn"].to_numpy(),
        "LA (code)": las["code"].to_numpy()[la],
        "LA (name)": las["name"].to_numpy()[la],
        "EstablishmentNumber": reg["estab"].to_numpy(),
        "EstablishmentName": reg["name"].to_numpy(),
        "TypeOfEstablishment (name)": reg["type_name"].to_numpy(),
        "EstablishmentTypeGroup (name)": reg["type_name"].map(TYPE_GROUPS).to_numpy(),
        "EstablishmentStatus (name)": reg["status"].to_numpy(),
        "PhaseOfEducation (name)": reg["kind"].map({k: v.gias_phase for k, v in KINDS.items()}).to_numpy(),
        "StatutoryLowAge": reg["low_age"].to_numpy(),
        "StatutoryHighAge": reg["high_age"].to_numpy(),
        "OpenDate": [_date_text(d) for d in reg["open_date"]],
        "CloseDate": [_date_text(d) for d in reg["close_date"]],
        "Postcode": reg["postcode"].to_numpy(),
        "Easting": reg["easting"].to_numpy(),
        "Northing": reg["northing"].to_numpy(),
        "DistrictAdministrative (name)": reg["district"].to_numpy(),
        "AdministrativeWard (name)": reg["ward"].to_numpy(),
    })  # fmt: skip
    assert list(frame.columns) == GIAS_COLUMNS
    return _write_cp1252_csv(out_dir / FILE_NAMES["gias"], frame)


def _write_links(out_dir: Path, links: pd.DataFrame) -> Path:
    frame = links.assign(LinkEstablishedDate=[_date_text(d) for d in links["LinkEstablishedDate"]])
    return _write_cp1252_csv(out_dir / FILE_NAMES["gias_links"], frame[LINKS_COLUMNS])


def _workbook(path: Path) -> xlsxwriter.Workbook:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": WORKBOOK_DATE, "author": "Locality Explorer demo"})
    return workbook


def _write_membership(out_dir: Path, membership: pd.DataFrame) -> Path:
    path = out_dir / FILE_NAMES["membership"]
    workbook = _workbook(path)
    sheet = workbook.add_worksheet("Membership")
    bold = workbook.add_format({"bold": True})
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write(0, 0, "Oxfordshire school partnerships - membership", bold)
    sheet.write_row(2, 0, MEMBERSHIP_COLUMNS, bold)
    for r, row in enumerate(membership.itertuples(index=False), start=3):
        sheet.write_number(r, 0, row[0])
        sheet.write_string(r, 1, row[1])
        sheet.write_string(r, 2, row[2])
        sheet.write_string(r, 3, row[3])
        sheet.write_datetime(r, 4, dt.datetime.combine(row[4], dt.time()), date)
        if row[5] is not None and not pd.isna(row[5]):
            sheet.write_datetime(r, 5, dt.datetime.combine(row[5], dt.time()), date)
    sheet.set_column(1, 2, 45)
    sheet.set_column(3, 5, 14)
    workbook.close()
    return path


# ======================================================================================
# Writers: EES files (vectorised, a year at a time)
# ======================================================================================


@dataclass(frozen=True)
class _Rate:
    """A rate (or mean) column computed from two count columns, rounded to ``decimals``."""

    column: str
    numerator: str
    denominator: str
    decimals: int
    scale: float = 100.0


@dataclass
class _EesFile:
    """One EES file's school-level rows (all years) and how to render its measure columns.

    Benchmark rows (National, Regional, Local authority) are summed from these when written.
    """

    source: str
    school_fields: list[str]  # register attributes rendered after the EES standard columns
    panel_row: np.ndarray  # the school-year of each row (index into the panel)
    counts: dict[str, np.ndarray]  # additive counts, one value per row
    measures: list[str | _Rate]  # output columns after the school (and category) columns
    symbols: dict[str, np.ndarray] = field(default_factory=dict)  # school cells' symbol codes
    category: np.ndarray | None = None  # index into category_labels, per row
    category_labels: list[str] | None = None  # the category columns, pre-rendered as CSV


def _csv_field(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in ',"\n') else text


def _write_ees_files(
    out_dir: Path,
    panel: pd.DataFrame,
    facts: dict,
    register: pd.DataFrame,
    las: pd.DataFrame,
    seed: int,
) -> list[Path]:
    texts = _register_texts(register)
    builders = [_census_files, _absence_file, _sen_files]
    paths = []
    for build in builders:
        for spec in build(panel, facts):
            path = out_dir / FILE_NAMES[spec.source]
            _write_ees(path, spec, panel, las, texts)
            paths.append(path)
    reason_keys = {label: key for key, (label, _since) in REASON_COLUMNS.items()}
    paths += write_exclusion_files(
        out_dir, panel, facts, register, las, REGIONS, KINDS, CHARACTERISTICS,
        CHARACTERISTIC_GROUPS, EXCLUSION_REASONS, reason_keys, seed,
    )  # fmt: skip
    for spec in _attainment_files(panel, facts):
        paths += _write_performance_tables(out_dir, spec, panel, register, las)
    return paths


def _register_texts(register: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each school attribute already rendered as a CSV field (quoted where needed)."""
    kinds = register["kind"]
    return {
        "urn": register["urn"].astype(str).to_numpy(dtype=object),
        "laestab": register["laestab"].astype(str).to_numpy(dtype=object),
        "name": np.array([_csv_field(x) for x in register["name"]], dtype=object),
        "school_type": kinds.map({k: v.school_type for k, v in KINDS.items()}).to_numpy(dtype=object),
        "phase_type_grouping": kinds.map({k: v.phase_type_grouping for k, v in KINDS.items()}).to_numpy(dtype=object),
    }  # fmt: skip


def _symbol_where(mask: np.ndarray, symbol: int) -> np.ndarray:
    return np.where(mask, symbol, NO_SYMBOL).astype(np.int8)


def _some(rows: np.ndarray, *positions: int) -> np.ndarray:
    """Rows at fixed positions (wrapping), so a few Oxfordshire cells always carry a symbol."""
    return rows[[p % len(rows) for p in positions]] if len(rows) else rows


def _census_files(panel: pd.DataFrame, facts: dict) -> list[_EesFile]:
    """The SPC supporting file: a row per school with its year groups as columns."""
    census = panel["census"].to_numpy()
    rows = np.flatnonzero(census)
    counts = _spc_year_group_counts(facts["year_groups"][rows])
    counts |= {
        "headcount of pupils": facts["headcount"][rows],
        "number of pupils known to be eligible for free school meals": facts["fsm"][rows],
        "number of pupils whose first language is known or believed to be other than English":
            facts["eal"][rows],
    }  # fmt: skip
    fields = ["urn", "name", "laestab", "phase_type_grouping"]
    return [_EesFile("census", fields, rows, counts, list(counts))]


def _spc_year_group_counts(year_groups: np.ndarray) -> dict[str, np.ndarray]:
    """The demo's year groups (YEAR_GROUPS) as the SPC file's columns: nursery pupils part
    time (as Nursery 2), the rest full time, girls half (rounded down) and boys the rest;
    early years and pupils not following the national curriculum 0."""
    spc_index = {"Nursery": "Nursery 2", "Reception": "Reception"} | {
        f"Year {n}": f"Year group {n}" for n in range(1, 15)
    }
    by_group = {spc_index[g]: year_groups[:, i] for i, g in enumerate(YEAR_GROUPS)}
    zero = np.zeros(len(year_groups), np.int64)
    counts = {}
    for part, spellings in SPC_YEAR_GROUP_PARTS:
        for group, _ in SPC_YEAR_GROUPS:
            total = by_group.get(group, zero)
            part_time = group == "Nursery 2"
            girls = total // 2
            share = girls if "girls" in part else total - girls
            wanted = part.startswith("pt") == part_time
            counts[f"{spellings[0]} {group}"] = share if wanted else zero
    return counts


def _absence_file(panel: pd.DataFrame, facts: dict) -> list[_EesFile]:
    rows = np.flatnonzero(facts["in_absence"])
    columns = ["enrolments", "sess_possible", "sess_overall", "sess_authorised",
               "sess_unauthorised", "enrolments_pa_10_exact"]  # fmt: skip
    oxon = panel["la"].to_numpy()[rows] == 0
    # A few schools' authorised/unauthorised split is not available (`x`).
    unavailable = ~oxon & (facts["draw_absence_split"][rows] < 0.004)
    unavailable[_some(np.flatnonzero(oxon), 5, 400)] = True
    symbols = {c: _symbol_where(unavailable, NOT_AVAILABLE) for c in columns[3:5]}
    rates = [_Rate(f"{c}_percent", c, "sess_possible", 1) for c in columns[2:5]]
    persistent = _Rate("enrolments_pa_10_exact_percent", columns[5], "enrolments", 1)
    counts = {c: facts[c][rows] for c in columns}
    # The 2023/24 release's order: session counts, their rates, then persistent absence.
    return [_EesFile("absence", ["school_type", "name", "laestab", "urn"], rows, counts,
                     [*columns[:5], *rates, columns[5], persistent], symbols)]  # fmt: skip


def _sen_files(panel: pd.DataFrame, facts: dict) -> list[_EesFile]:
    """The SEN supporting file: a row per school, its needs as columns."""
    census = panel["census"].to_numpy()
    rows = np.flatnonzero(census)
    counts = {"Total pupils": facts["headcount"][rows], "SEN support": facts["sen_support"][rows],
              "EHC plan": facts["ehc_plan"][rows]}  # fmt: skip
    for prefix, needs in (("EHC", facts["ehc_needs"]), ("SUP", facts["support_needs"])):
        for code in SEN_NEED_LABELS:
            counts[f"{prefix}_Primary_need_{code}"] = needs[rows, NEED_CODES.index(code)]
    fields = ["urn", "name", "laestab", "phase_type_grouping"]
    return [_EesFile("sen", fields, rows, counts, list(counts))]


def _attainment_files(panel: pd.DataFrame, facts: dict) -> list[_EesFile]:
    rows = np.flatnonzero(facts["in_ks2"])
    counts = {
        "t_elig": facts["t_elig"][rows],
        "t_rwm_met_expected": facts["t_rwm_met_expected"][rows],
    }
    ks2 = _EesFile("ks2", ["urn", "name"], rows, counts,
                   ["t_elig", _Rate("PTRWM_EXP", "t_rwm_met_expected", "t_elig", 1)])  # fmt: skip
    rows = np.flatnonzero(facts["in_ks4"])
    # Attainment 8 is published as a mean: carry total points so benchmark rows can be summed.
    t_pupils = facts["t_pupils"][rows]
    counts = {"t_pupils": t_pupils, "att8_total": facts["avg_att8"][rows] * t_pupils}
    withheld = facts["draw_att8_withheld"][rows] < 0.01
    withheld[_some(np.flatnonzero(panel["la"].to_numpy()[rows] == 0), 3)] = True
    ks4 = _EesFile("ks4", ["urn", "name"], rows, counts,
                   ["t_pupils", _Rate("ATT8SCR", "att8_total", "t_pupils", 1, scale=1.0)],
                   {"att8_total": _symbol_where(withheld, NOT_AVAILABLE)})  # fmt: skip
    return [ks2, ks4]


#: Performance-tables symbols for the demo's symbol codes (SUPP suppressed, NA not
#: applicable, NE no entries); rates end in ``%``.
_PERFORMANCE_SYMBOLS = {CONFIDENTIAL: "SUPP", NOT_AVAILABLE: "SUPP", NOT_APPLICABLE: "NA",
                        LOW: "0%", OLD_NOT_AVAILABLE: "NE"}  # fmt: skip


def _performance_text(
    measure: str | _Rate, values: dict[str, np.ndarray], symbols: dict[str, np.ndarray]
) -> list[str]:
    if isinstance(measure, _Rate):
        numerator, denominator = values[measure.numerator], values[measure.denominator]
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.round(measure.scale * numerator / denominator, measure.decimals)
        symbol = symbols.get(measure.numerator, np.zeros(len(rate), np.int8))
        symbol = np.where((symbol == NO_SYMBOL) & (denominator == 0), NOT_APPLICABLE, symbol)
        suffix = "%" if measure.scale == 100.0 else ""
        text = [f"{v:.{measure.decimals}f}{suffix}" for v in rate]
    else:
        symbol = symbols.get(measure, np.zeros(len(values[measure]), np.int8))
        text = [str(int(v)) for v in values[measure]]
    return [_PERFORMANCE_SYMBOLS.get(int(s), t) if s != NO_SYMBOL else t
            for s, t in zip(symbol, text, strict=True)]  # fmt: skip


def _write_performance_tables(
    out_dir: Path, spec: _EesFile, panel: pd.DataFrame, register: pd.DataFrame, las: pd.DataFrame
) -> list[Path]:
    """One "Compare school and college performance" download per year in a folder named
    after it: school rows (RECTYPE 1), then each LA's (4), then England's (7), the LA and
    England rows summed from the schools."""
    reg = panel["reg"].to_numpy()[spec.panel_row]
    year = panel["year"].to_numpy()[spec.panel_row]
    la = panel["la"].to_numpy()[spec.panel_row]
    codes = las["code"].to_numpy()
    paths = []
    for y in np.unique(year):
        mine = np.flatnonzero(year == y)
        order = mine[np.lexsort((register["urn"].to_numpy()[reg[mine]], codes[la[mine]]))]
        rows = pd.DataFrame({"la": la[order], **{c: v[order] for c, v in spec.counts.items()}})
        by_la = rows.groupby("la", sort=False)[list(spec.counts)].sum()
        by_la = by_la.loc[sorted(by_la.index, key=lambda i: codes[i])]
        england = rows[list(spec.counts)].sum().to_frame().T
        values = {c: np.r_[rows[c], by_la[c], england[c]] for c in spec.counts}
        n_school, n_la = len(rows), len(by_la)
        symbols = {c: np.r_[s[order], np.zeros(n_la + 1, np.int8)] for c, s in spec.symbols.items()}
        frame = pd.DataFrame({
            "RECTYPE": ["1"] * n_school + ["4"] * n_la + ["7"],
            "LEA": [str(codes[i]) for i in la[order]] + [str(codes[i]) for i in by_la.index] + [""],
            "URN": [*register["urn"].to_numpy()[reg[order]].astype(str), *[""] * (n_la + 1)],
            "SCHNAME": [*register["name"].to_numpy()[reg[order]], *[""] * (n_la + 1)],
        })  # fmt: skip
        for column, measure in zip(
            PERFORMANCE_COLUMNS[spec.source][4:], spec.measures, strict=True
        ):
            frame[column] = _performance_text(measure, values, symbols)
        folder = out_dir / f"{y}-{y + 1}"
        folder.mkdir(exist_ok=True)
        path = folder / FILE_NAMES[spec.source]
        frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        paths.append(path)
    return paths


def _dictionary_text(indices: np.ndarray, labels: list[str] | np.ndarray) -> pa.Array:
    """Strings by index into a small label list (fast: decoding a dictionary array)."""
    dictionary = pa.array(np.asarray(labels, dtype=object), type=pa.string())
    indices = pa.array(indices, pa.int32())
    return pa.DictionaryArray.from_arrays(indices, dictionary).dictionary_decode()


def _with_symbols(text: pa.Array, symbols: np.ndarray) -> pa.Array:
    if not symbols.any():
        return text
    return pc.if_else(pa.array(symbols == NO_SYMBOL), text, _dictionary_text(symbols, SYMBOLS))


def _count_text(values: np.ndarray, symbols: np.ndarray) -> pa.Array:
    return _with_symbols(pc.cast(pa.array(values.astype(np.int64)), pa.string()), symbols)


def _rate_text(rate: _Rate, values: dict[str, np.ndarray], symbols: np.ndarray) -> pa.Array:
    """A rate rounded as DfE does: `z` with no denominator, `low` when a non-zero count
    rounds to zero; a suppressed numerator's symbol carries over to its rate."""
    numerator, denominator = values[rate.numerator], values[rate.denominator]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.round(rate.scale * numerator / denominator, rate.decimals)
    symbols = np.select(
        [symbols != NO_SYMBOL, denominator == 0, (numerator > 0) & (value == 0)],
        [symbols, NOT_APPLICABLE, LOW],
        NO_SYMBOL,
    ).astype(np.int8)
    text = pc.cast(pa.array(np.where(symbols == NO_SYMBOL, value, 0.0)), pa.string())
    return _with_symbols(text, symbols)


def _measure_texts(
    measures: list[str | _Rate], values: dict[str, np.ndarray], symbols: dict[str, np.ndarray]
) -> list[pa.Array]:
    n = len(next(iter(values.values())))
    none = np.zeros(n, np.int8)
    return [
        _rate_text(m, values, symbols.get(m.numerator, none))
        if isinstance(m, _Rate)
        else _count_text(values[m], symbols.get(m, none))
        for m in measures
    ]


def _benchmark_rows(school_rows: pd.DataFrame, counts: list[str]) -> pd.DataFrame:
    """National, Regional and Local authority rows: sums of the school rows."""
    parts = []
    for level, keys in ((0, []), (1, ["region"]), (2, ["region", "la"])):
        grouped = school_rows.groupby([*keys, "category"])[counts].sum().reset_index()
        parts.append(grouped.assign(level=level))
    rows = pd.concat(parts, ignore_index=True)
    rows[["region", "la"]] = rows[["region", "la"]].fillna(-1).astype(int)
    return rows.sort_values(["level", "region", "la", "category"], kind="stable")


def _write_ees(
    path: Path,
    spec: _EesFile,
    panel: pd.DataFrame,
    las: pd.DataFrame,
    texts: dict[str, np.ndarray],
) -> None:
    """Header, then per year: National, Regional, Local authority, School rows."""
    fields_per_school = zip(*(texts[f] for f in spec.school_fields), strict=True)
    school_labels = [",".join(parts) for parts in fields_per_school]
    no_school = len(school_labels)
    school_labels.append("," * (len(spec.school_fields) - 1))  # blank on benchmark rows
    reg = panel["reg"].to_numpy()[spec.panel_row]
    year = panel["year"].to_numpy()[spec.panel_row]
    la = panel["la"].to_numpy()[spec.panel_row]
    region = las["region"].to_numpy()[la]
    category = spec.category if spec.category is not None else np.zeros(len(reg), np.int64)
    with path.open("wb") as out:
        out.write(",".join(EES_STANDARD + EES_COLUMNS[spec.source]).encode("utf-8"))
        for y in np.unique(year):
            school = np.flatnonzero(year == y)
            rows = pd.DataFrame({"region": region[school], "la": la[school],
                                 "category": category[school],
                                 **{c: v[school] for c, v in spec.counts.items()}})  # fmt: skip
            bench = _benchmark_rows(rows, list(spec.counts))
            n_bench = len(bench)
            geo = np.r_[_geo_index(bench), 1 + len(REGIONS) + len(las) + la[school]]
            fields = [
                _dictionary_text(geo, _geo_labels(int(y), las)),
                _dictionary_text(np.r_[np.full(n_bench, no_school), reg[school]], school_labels),
            ]
            if spec.category_labels is not None:
                categories = np.r_[bench["category"].to_numpy(), category[school]]
                fields.append(_dictionary_text(categories, spec.category_labels))
            values = {c: np.r_[bench[c].to_numpy(), v[school]] for c, v in spec.counts.items()}
            symbols = {
                c: np.r_[np.zeros(n_bench, np.int8), s[school]] for c, s in spec.symbols.items()
            }
            fields += _measure_texts(spec.measures, values, symbols)
            out.write(_string_bytes(pc.binary_join_element_wise(*fields, ",")))
        out.write(b"\n")


def _geo_labels(year: int, las: pd.DataFrame) -> list[str]:
    """The EES standard columns rendered per geography, each starting a new line:
    National, then each region, then each LA, then School rows of each LA."""
    period = f"\n{year * 100 + (year + 1) % 100},Academic year"
    country = ",".join(COUNTRY)
    labels = [f"{period},National,{country},,,,,"]
    labels += [f"{period},Regional,{country},{code},{name},,," for code, name in REGIONS]
    for level in ("Local authority", "School"):
        for la in las.itertuples():
            code, name = REGIONS[la.region]
            la_fields = f"{la.code},{la.new_code},{_csv_field(la.name)}"
            labels.append(f"{period},{level},{country},{code},{name},{la_fields}")
    return labels


def _geo_index(bench: pd.DataFrame) -> np.ndarray:
    level = bench["level"].to_numpy()
    return np.select([level == 0, level == 1], [0, 1 + bench["region"].to_numpy()],
                     1 + len(REGIONS) + bench["la"].to_numpy())  # fmt: skip


def _string_bytes(array: pa.Array) -> bytes | memoryview:
    """The UTF-8 bytes of all strings of an array back to back (its data buffer)."""
    if len(array) == 0:
        return b""
    _, offsets, data = array.buffers()
    width = np.int64 if array.type == pa.large_string() else np.int32
    bounds = np.frombuffer(offsets, dtype=width)[array.offset : array.offset + len(array) + 1]
    return memoryview(data)[int(bounds[0]) : int(bounds[-1])]


# ======================================================================================
# Writers: council high-needs files
# ======================================================================================


def _financial_year(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def _topup_rows(panel, facts, register, sites, rng) -> pd.DataFrame:
    """Pupils funded per band per school-year: most schools have some, special and AP most."""
    rows = np.flatnonzero(panel["census"].to_numpy() & (panel["la"].to_numpy() == 0))
    site = panel["site"].to_numpy()[rows]
    profile = facts["profile"][rows]
    headcount, ehc = facts["headcount"][rows], facts["ehc_plan"][rows]
    weight = sites["topup_weight"].to_numpy()[site]
    mainstream = rng.binomial(ehc + np.round(0.12 * facts["sen_support"][rows]).astype(int),
                              np.clip(0.7 * weight, 0, 1))  # fmt: skip
    funded = np.select([profile == 2, profile == 3],
                       [rng.binomial(headcount, 0.9), rng.binomial(headcount, 0.6)], mainstream)  # fmt: skip
    bands = rng.multinomial(funded, _shares(_noisy(TOPUP_BAND_MIX[profile], 40, rng)))
    year = panel["year"].to_numpy()[rows]
    r, b = np.nonzero(bands)
    pupils = bands[r, b]
    rate = TOPUP_RATE_2017[b] * 1.045 ** (year[r] - 2017)
    amount = np.round(pupils * rate * rng.uniform(0.85, 1.1, len(r)), 2)
    reg = panel["reg"].to_numpy()[rows][r]
    return pd.DataFrame({
        "Financial year": [_financial_year(y) for y in year[r]],
        "URN": register["urn"].to_numpy()[reg],
        "School name": register["name"].to_numpy()[reg],
        "Band": np.array(TOPUP_BANDS, dtype=object)[b],
        "Pupils funded": pupils,
        "Top-up amount (£)": [f"{a:.2f}" for a in amount],
    }).sort_values(["Financial year", "URN", "Band"], kind="stable")  # fmt: skip


def _write_topups(out_dir, panel, facts, register, sites, rng) -> Path:
    rows = _topup_rows(panel, facts, register, sites, rng)
    return _write_cp1252_csv(out_dir / FILE_NAMES["topups"], rows[TOPUPS_COLUMNS])


#: The council's termly return (README "Add your council's own files"): its columns, and
#: each profile's chance that a SEND pupil is on a part-time timetable or in alternative
#: provision in a term (primary, secondary, special, AP), growing 6% a year from 2017.
SEND_TIMETABLE_COLUMNS: list[str] = [
    "Academic year",
    "Term",
    "URN",
    "School name",
    "SEN provision",
    "Pupils on a part-time timetable",
    "Pupils in alternative provision",
]
PART_TIME_CHANCE = np.array([0.006, 0.02, 0.03, 0.0])
IN_AP_CHANCE = np.array([0.002, 0.015, 0.0, 0.0])


def _send_timetable_rows(panel, facts, register, rng) -> pd.DataFrame:
    """Each council school's SEND pupils on part-time timetables and in AP, per term and
    SEN provision (a school with no SEND pupils sends no rows)."""
    rows = np.flatnonzero(panel["census"].to_numpy() & (panel["la"].to_numpy() == 0))
    profile, year = facts["profile"][rows], panel["year"].to_numpy()[rows]
    growth = 1.06 ** (year - 2017)
    reg = panel["reg"].to_numpy()[rows]
    parts = []
    for provision, pupils, weight in (
        ("EHC plan", facts["ehc_plan"][rows], 1.8),
        ("SEN support", facts["sen_support"][rows], 1.0),
    ):
        chance = weight * growth
        keep = pupils > 0
        for term in ("Autumn", "Spring", "Summer"):
            part_time = rng.binomial(pupils, np.clip(PART_TIME_CHANCE[profile] * chance, 0, 1))
            in_ap = rng.binomial(pupils, np.clip(IN_AP_CHANCE[profile] * chance, 0, 1))
            parts.append(pd.DataFrame({
                "Academic year": [f"{y}/{(y + 1) % 100:02d}" for y in year[keep]],
                "Term": term,
                "URN": register["urn"].to_numpy()[reg[keep]],
                "School name": register["name"].to_numpy()[reg[keep]],
                "SEN provision": provision,
                "Pupils on a part-time timetable": part_time[keep],
                "Pupils in alternative provision": in_ap[keep],
            }))  # fmt: skip
    frame = pd.concat(parts, ignore_index=True)
    order = frame["Term"].map({"Autumn": 0, "Spring": 1, "Summer": 2})
    return frame.assign(_term=order).sort_values(
        ["Academic year", "_term", "URN", "SEN provision"], kind="stable"
    )[SEND_TIMETABLE_COLUMNS]


def _write_send_timetables(out_dir, panel, facts, register, rng) -> Path:
    path = out_dir / FILE_NAMES["send_timetables"]
    frame = _send_timetable_rows(panel, facts, register, rng)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


EHC_PLACEMENT_FILE_COLUMNS = ["Academic year", "URN", "School name", "Placement", "EHC plans"]
#: Of a school's pupils with an EHC plan, the share that are the council's own (the rest are
#: other councils' children, not on its record); of a mainstream school's, the share in its
#: resourced provision when it has one.
OWN_PLAN_SHARE, RESOURCED_SHARE = 0.92, 0.4


def _ehc_placement_rows(panel, facts, register, rng) -> pd.DataFrame:
    """The council's EHC plans by school and placement each January: its own share of each
    council school's pupils with a plan, the school's kind and type naming the placement,
    and a resourced provision at about one mainstream school in twelve."""
    rows = np.flatnonzero(panel["census"].to_numpy() & (panel["la"].to_numpy() == 0))
    reg = panel["reg"].to_numpy()[rows]
    profile, year = facts["profile"][rows], panel["year"].to_numpy()[rows]
    own = rng.binomial(facts["ehc_plan"][rows], OWN_PLAN_SHARE)
    type_name = pd.Series(register["type_name"].fillna("").to_numpy(dtype=object)[reg])
    # the placement as the SEN2 caseload's column names it (etl.sources: the reader's list)
    kind = np.select([profile == 2, profile == 3], ["special", "ap_pru"], "mainstream")
    funded = np.where(
        type_name.str.contains("Academy").to_numpy(),
        "academy",
        np.where(type_name.str.startswith("Free").to_numpy(), "free_school", "la_maintained"),
    )
    column = np.char.add(np.char.add(kind.astype(str), "_"), funded.astype(str))
    urn = register["urn"].to_numpy()[reg]
    resourced_urns = rng.choice(
        np.unique(urn[kind == "mainstream"]), size=max(1, len(np.unique(urn)) // 12), replace=False
    )
    in_base = np.where((kind == "mainstream") & np.isin(urn, resourced_urns),
                       rng.binomial(own, RESOURCED_SHARE), 0)  # fmt: skip
    label = dict(EHC_PLACEMENT_COLUMNS)
    frame = pd.DataFrame({
        "Academic year": [f"{y}/{(y + 1) % 100:02d}" for y in year],
        "URN": urn,
        "School name": register["name"].to_numpy()[reg],
        "Placement": [label[c] for c in column],
        "EHC plans": own - in_base,
    })  # fmt: skip
    based = in_base > 0
    bases = frame[based].assign(
        Placement=[label[f"{c}_resourced_provision"] for c in column[based]],
        **{"EHC plans": in_base[based]},
    )
    frame = pd.concat([frame[own - in_base > 0], bases], ignore_index=True)
    return frame.sort_values(["Academic year", "URN", "Placement"], kind="stable")[
        EHC_PLACEMENT_FILE_COLUMNS
    ]


def _write_ehc_placements(out_dir, panel, facts, register, rng) -> Path:
    path = out_dir / FILE_NAMES["ehc_placements"]
    _ehc_placement_rows(panel, facts, register, rng).to_csv(
        path, index=False, lineterminator="\n", encoding="utf-8"
    )
    return path


def _place_rows(panel, facts, register, sites, rng) -> pd.DataFrame:
    """Commissioned places: special schools and AP on roll, and ~10 resourced provisions."""
    oxon = panel["census"].to_numpy() & (panel["la"].to_numpy() == 0)
    profile = facts["profile"]
    n_sites = len(sites)
    resourced = np.zeros(n_sites, bool)
    mainstream_sites = np.flatnonzero(
        sites["la"].eq(0) & sites["kind"].isin(["primary", "secondary"])
    )
    resourced[rng.choice(mainstream_sites, size=10, replace=False)] = True
    # Drawn for Oxfordshire's sites only, so the other LAs do not shift Oxfordshire's stream.
    resourced_places = np.zeros(n_sites, int)
    oxon_sites = np.flatnonzero(sites["la"].eq(0))
    resourced_places[oxon_sites] = rng.choice([8, 10, 12, 15, 20], size=len(oxon_sites))
    site = panel["site"].to_numpy()
    year = panel["year"].to_numpy()
    specialist = oxon & (profile >= 2)
    with_base = oxon & resourced[site]
    rows = np.flatnonzero(specialist | with_base)
    places = np.where(
        specialist[rows],
        np.round(facts["headcount"][rows] * rng.uniform(1.0, 1.08, len(rows))),
        resourced_places[site[rows]] + np.maximum(year[rows] - 2019, 0) * 2,
    ).astype(int)
    provision = np.select([profile[rows] == 2, profile[rows] == 3],
                          ["Special school", "Alternative provision"], "Resourced provision")  # fmt: skip
    per_place = np.where(provision == "Resourced provision", 6000.0, 10000.0)
    reg = panel["reg"].to_numpy()[rows]
    return pd.DataFrame({
        "Financial year": [_financial_year(y) for y in year[rows]],
        "URN": register["urn"].to_numpy()[reg],
        "School name": register["name"].to_numpy()[reg],
        "Provision type": provision,
        "Places": places,
        "Place funding (£)": places * per_place,
    }).sort_values(["Financial year", "URN"], kind="stable")  # fmt: skip


def _write_places(out_dir, panel, facts, register, sites, rng) -> Path:
    path = out_dir / FILE_NAMES["places"]
    frame = _place_rows(panel, facts, register, sites, rng)
    workbook = _workbook(path)
    sheet = workbook.add_worksheet("Places")
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "£#,##0.00"})
    sheet.write_row(0, 0, PLACES_COLUMNS, bold)
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        sheet.write_string(r, 0, row[0])
        sheet.write_number(r, 1, int(row[1]))
        sheet.write_string(r, 2, row[2])
        sheet.write_string(r, 3, row[3])
        sheet.write_number(r, 4, int(row[4]))
        sheet.write_number(r, 5, float(row[5]), money)
    sheet.set_column(0, 0, 14)
    sheet.set_column(2, 3, 40)
    sheet.set_column(4, 5, 16)
    workbook.close()
    return path
