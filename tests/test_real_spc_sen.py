"""SPC and SEN school-level files in the layouts the DfE publishes (etl/layouts_spc_sen.py).

Each header is the real one: the header lines of DfE's own test copies of the SPC and SEN
supporting files (shared/real/headers/fbit_e2e_fixture_*_header.csv) and the EES
data-catalogue headers of the SEN 2026 format and the SPC 2025/26 long School-level data
set (spc_sen_ks_headers.md). The rows under them are made here, in that layout; every
number a test checks is in the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from etl_raw_files import GIAS_ROWS, OXON, write_csv, write_gias, write_links, write_membership

from etl import warehouse_path
from etl.sources import detect_source, map_columns
from queries.prepare import build_warehouse

REAL = Path("/work/shared/real/headers")
SPC_HEADER_FILE = REAL / "fbit_e2e_fixture_census_pupils_header.csv"
SEN_HEADER_FILE = REAL / "fbit_e2e_fixture_sen_header.csv"
#: SEN "School underlying data file 2025 - (2026 format)", EES data catalogue; the data
#: rows start with an unnamed row number.
SEN_2026_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_name,"
    "region_code,old_la_code,new_la_code,la_name,school_urn,estab,school_name,school_laestab,"
    "open_date,sex_of_school_description,phase_type_grouping,establishment_type,middle_school,"
    "all_through,hospital_school,religious_denomination,admissions_policy,"
    "district_administrative_code,district_administrative_name,pcon_code,pcon_name,ward_code,"
    "ward_name,urban_rural,school_postcode,lsoa11,provision_for_spld,provision_for_mld,"
    "provision_for_sld,provision_for_pmld,provision_for_semh,provision_for_slcn,"
    "provision_for_hi,provision_for_vi,provision_for_msi,provision_for_pd,provision_for_asd,"
    "provision_for_oth,specialist_provision_unit_type,sen_provision,sen_primary_need,pupil_count"
).split(",")
#: SPC 2025/26 "School level" data set, EES data catalogue.
SPC_2026_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_name,"
    "region_code,school_urn,old_la_code,new_la_code,la_name,estab,school_name,school_laestab,"
    "phase_type_grouping,trust,open_date,sex_of_school_description,establishment_type,"
    "middle_school,all_through,hospital_school,religious_denomination,admissions_policy,"
    "district_administrative_code,district_administrative_name,pcon_code,pcon_name,ward_code,"
    "ward_name,urban_rural,school_postcode,academy_flag,school_size,school_time,"
    "attendance_pattern,sex,breakdown_topic,breakdown,pupil_count,pupil_percent"
).split(",")
PRIMARY = "State-funded primary"


def _header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")


def _row(header: list[str], values: dict[str, object]) -> list[object]:
    """A data row in ``header``'s layout: the named cells, the others 0 or blank."""
    standard = {
        "time_period": "202223",
        "time_identifier": "Academic year",
        "geographic_level": "School",
        "country_code": "E92000001",
        "country_name": "England",
        "region_code": "E12000008",
        "region_name": "South East",
        "old_la_code": OXON[0],
        "new_la_code": OXON[1],
        "la_name": OXON[2],
    }
    cells = {**standard, **values}
    return [cells.get(h, "") for h in header]


def _build(
    data: Path, name: str, header: list[str], rows: list[list[object]], leading=False, gias=None
):
    raw = data / "raw"
    write_gias(raw, gias)
    write_links(raw)
    write_membership(raw)
    if leading:  # R's write.csv: an unnamed first column of row numbers
        header = ["", *header]
        rows = [[i, *row] for i, row in enumerate(rows, start=1)]
    write_csv(raw / name, header, rows)
    build_warehouse(data_dir=data)
    warehouse = warehouse_path(data)
    report = json.loads((warehouse / "build_report.json").read_text(encoding="utf-8"))
    entry = next(f for f in report["files"] if f["file"] == name)
    tables = {
        t: pd.read_parquet(warehouse / f"{t}.parquet")
        for t in ("pupils", "pupils_year_group", "sen", "sen_need", "rejects")
    }
    return entry, tables


def _reconciles(entry: dict) -> bool:
    parts = entry["rows_loaded"] + entry["rows_benchmark"] + entry["rows_out_of_scope"]
    return entry["rows_read"] == parts + entry["rows_rejected"]


# --------------------------------------------------------------------------------------
# SPC supporting file (wide): pupils and year groups from one file
# --------------------------------------------------------------------------------------


def test_the_real_spc_header_is_the_census_source_with_its_cut_names() -> None:
    header = _header(SPC_HEADER_FILE)
    detection = detect_source(header)
    assert detection.source is not None and detection.source.name == "census"
    mapping = map_columns(detection.source, header)
    by_name = {etl: raw for raw, etl in mapping.items()}
    assert by_name["urn"] == "URN" and by_name["phase_type_grouping"] == "phase-type_grouping"
    # Cut at 64 characters in this layout: matched by prefix of the full name.
    assert (
        by_name["fsm_eligible"]
        == "number of pupils known to be eligible for and claiming free scho"
    )
    assert by_name["eal"].endswith("other than English")
    assert sum(etl.startswith("yg") for etl in mapping.values()) == 80


def test_a_cut_header_two_columns_share_is_not_used() -> None:
    header = _header(SPC_HEADER_FILE)
    eal = "number of pupils whose first language is known or believed to be other than English"
    english = "number of pupils whose first language is known or believed to be English"
    cut = [h[:64] if h in (eal, english) else h for h in header]
    detection = detect_source(cut)
    assert detection.source is None and "other than English" in detection.error


def test_spc_supporting_file_loads_pupils_and_year_groups(etl_data_dir: Path) -> None:
    header = _header(SPC_HEADER_FILE)
    fsm = "number of pupils known to be eligible for and claiming free scho"
    eal = "number of pupils whose first language is known or believed to be other than English"
    groups = [h for h in header if h.lower().startswith(("part", "full"))]
    zeros = dict.fromkeys(groups, 0)  # the file gives every year-group cell
    alpha = {
        **zeros,
        "URN": 100001,
        "school_name": "Alpha Primary School",
        "LAEstab": 9312001,
        "phase-type_grouping": PRIMARY,
        "headcount of pupils": 60,
        fsm: 9,
        eal: 4,
        "Part time girls Nursery 1": 3,
        "Part time boys Nursery 2": 5,
        "Full time girls Reception": 10,
        "Full time boys Reception": 12,
        "Full time girls Year group 1": 14,
        "Full time boys Year group 1": 16,
        "Part time girls Year group 2": "x",  # SPC: x = not applicable -> counts 0
        "Full time girls Year group 3": "z",  # SPC: z = not available -> unknown
    }
    gamma = {**zeros, "URN": 100003, "school_name": "Gamma Primary School", "phase-type_grouping": PRIMARY,
             "headcount of pupils": 20, fsm: 2, eal: 1, "Full time boys Year group 6": 20}  # fmt: skip
    bucks = {**gamma, "URN": 200001, "old_la_code": "825", "new_la_code": "E10000002"}
    rows = [_row(header, alpha), _row(header, gamma), _row(header, bucks)]
    entry, tables = _build(etl_data_dir, "spc_school_level_underlying_data_2023.csv", header, rows)
    assert entry["source"] == "census" and _reconciles(entry)
    assert (entry["rows_read"], entry["rows_loaded"], entry["rows_out_of_scope"]) == (3, 2, 1)
    pupils = tables["pupils"].set_index("urn")
    assert pupils.loc[100001, ["headcount", "fsm_eligible", "eal"]].tolist() == [60, 9, 4]
    groups = tables["pupils_year_group"]
    alpha_groups = groups[groups["urn"] == 100001].set_index("year_group")
    assert alpha_groups.loc["Nursery", "headcount"] == 8  # Nursery 1 + Nursery 2
    assert alpha_groups.loc["Reception", "headcount"] == 22
    assert alpha_groups.loc["Year 1", "headcount"] == 30
    assert alpha_groups.loc["Year 2", "headcount"] == 0
    assert alpha_groups.loc["Year 3", "headcount_flag"] == "z"
    assert alpha_groups["headcount"].isna().sum() == 1
    assert set(groups["source_file"]) == {"spc_school_level_underlying_data_2023.csv"}
    gamma_groups = groups[groups["urn"] == 100003].set_index("year_group")["headcount"]
    assert gamma_groups["Year 6"] == 20 and gamma_groups.drop("Year 6").eq(0).all()


def test_spc_2024_spelling_and_snake_case_headers(etl_data_dir: Path) -> None:
    """From 2024 the file says urn and full-time male/female (fbit_input_schemas)."""
    header = ["time_period", "time_identifier", "geographic_level", "country_code",
              "country_name", "region_code", "region_name", "old_la_code", "new_la_code",
              "la_name", "urn", "school_name", "phase_type_grouping",
              "full-time male Year group 12", "full-time female Year group 12",
              "headcount_of_pupils",
              "number_of_pupils_known_to_be_eligible_for_free_school_meals",
              "number_of_pupils_whose_first_language_is_known_or_believed_to_be_other_than_english"]  # fmt: skip
    row = ["202425", "Academic year", "School", "E92000001", "England", "E12000008",
           "South East", *OXON, 100002, "Beta School", "State-funded secondary", 40, 35, 600,
           90, 30]  # fmt: skip
    entry, tables = _build(etl_data_dir, "spc_2025.csv", header, [row])
    assert entry["source"] == "census" and _reconciles(entry)
    assert tables["pupils"][["headcount", "fsm_eligible", "eal"]].values.tolist() == [[600, 90, 30]]
    groups = tables["pupils_year_group"]
    assert groups[["year_group", "headcount"]].values.tolist() == [["Year 12", 75]]


# --------------------------------------------------------------------------------------
# SEN supporting file (wide): totals and primary needs from one file
# --------------------------------------------------------------------------------------


def test_sen_supporting_file_loads_totals_and_primary_needs(etl_data_dir: Path) -> None:
    header = _header(SEN_HEADER_FILE)
    assert header[0] == "time_period"  # the fixture's BOM is not part of the name
    alpha = {"URN": 100001, "school_name": "Alpha Primary School", "laestab": 9312001,
             "phase_type_grouping": PRIMARY, "Total pupils": 210, "SEN support": 25,
             "EHC plan": 6, "EHC_Primary_need_asd": 4, "EHC_Primary_need_slcn": 2,
             "SUP_Primary_need_slcn": 15, "SUP_Primary_need_semh": 7, "SUP_Primary_need_nsa": 3}  # fmt: skip
    alpha = {h: alpha.get(h, 0) if "Primary_need" in h else alpha.get(h, "") for h in header}
    alpha = {k: v for k, v in alpha.items() if v != ""}
    rows = [_row(header, alpha)]
    entry, tables = _build(etl_data_dir, "sen_school_level_underlying_data.csv", header, rows)
    assert entry["source"] == "sen" and _reconciles(entry)
    assert (entry["rows_read"], entry["rows_loaded"]) == (1, 1)
    sen = tables["sen"]
    assert sen[["total_pupils", "sen_support", "ehc_plan"]].values.tolist() == [[210, 25, 6]]
    need = tables["sen_need"].set_index(["sen_provision", "primary_need"])["pupils"]
    assert len(need) == 26  # 13 needs x 2 provisions, zeros kept as published
    assert need["EHC plan", "Autistic spectrum disorder"] == 4
    assert need["EHC plan", "Speech, language and communication needs"] == 2
    assert need["SEN support", "Social, emotional and mental health"] == 7
    assert need["SEN support", "SEN support but no specialist assessment of type of need"] == 3
    assert need.xs("SEN support").sum() == 25 and need.xs("EHC plan").sum() == 6


# --------------------------------------------------------------------------------------
# SEN 2026 format (long)
# --------------------------------------------------------------------------------------


def _sen_2026(provision: str, need: str, count: object, urn: object = "1e+05", **more) -> list:
    values = {"time_period": "202425", "school_urn": urn, "school_name": "Alpha Primary School",
              "phase_type_grouping": PRIMARY, "specialist_provision_unit_type": "All pupils",
              "sen_provision": provision, "sen_primary_need": need, "pupil_count": count, **more}  # fmt: skip
    return _row(SEN_2026_HEADER, values)


def test_sen_2026_format_loads_sen_and_sen_need(etl_data_dir: Path) -> None:
    gias = [[100000, "931", "Oxfordshire", 3614, "Aldgate Primary", "Community school",
             "Local authority maintained schools", "Open", "Primary", 4, 11, "01-09-2000", "",
             "OX1 1AA", 451000, 206000, "Oxford", "Carfax"]]  # fmt: skip
    rows = [
        _sen_2026("All pupils", "All pupils", 249),
        _sen_2026("Education, health and care plan", "Total", 9),
        _sen_2026("SEN support / SEN without an EHC plan", "Total", 30),
        _sen_2026("Education, health and care plan", "Autistic spectrum disorder", 6),
        _sen_2026("Education, health and care plan", "Down syndrome", 3),
        _sen_2026("SEN support / SEN without an EHC plan", "Moderate learning difficulty", 30),
        _sen_2026("All pupils", "Moderate learning difficulty", 30),  # a sum: out of scope
        _sen_2026("No SEN provision", "All pupils", 210),  # not stored: out of scope
        _sen_2026("SEN support", "Total", 30, specialist_provision_unit_type="SEN unit"),
    ]
    entry, tables = _build(etl_data_dir, "sen_school_2025.csv", SEN_2026_HEADER, rows,
                           leading=True, gias=[*GIAS_ROWS, *gias])  # fmt: skip
    assert entry["source"] == "sen_need" and _reconciles(entry), entry
    assert (entry["rows_read"], entry["rows_loaded"], entry["rows_out_of_scope"]) == (9, 6, 3)
    sen = tables["sen"]
    assert sen[
        ["urn", "time_period", "total_pupils", "sen_support", "ehc_plan"]
    ].values.tolist() == [[100000, 202425, 249, 30, 9]]
    need = tables["sen_need"].set_index(["sen_provision", "primary_need"])["pupils"]
    assert need.to_dict() == {
        ("EHC plan", "Autistic spectrum disorder"): 6,
        ("EHC plan", "Down syndrome"): 3,
        ("SEN support", "Moderate learning difficulty"): 30,
    }


def test_a_year_in_both_sen_layouts_is_loaded_once(etl_data_dir: Path) -> None:
    """The wide file and its 2026-format copy of the same year: the first file's rows."""
    raw = etl_data_dir / "raw"
    header = _header(SEN_HEADER_FILE)
    wide = {"URN": 100001, "school_name": "Alpha Primary School", "phase_type_grouping": PRIMARY,
            "Total pupils": 210, "SEN support": 25, "EHC plan": 6, "time_period": "202425"}  # fmt: skip
    write_csv(raw / "a_sen_school_level_underlying_data.csv", header, [_row(header, wide)])
    rows = [_sen_2026("All pupils", "All pupils", 211, urn=100001),
            _sen_2026("Education, health and care plan", "Total", 7, urn=100001)]  # fmt: skip
    entry, tables = _build(etl_data_dir, "b_sen_2026.csv", SEN_2026_HEADER, rows, leading=True)
    assert _reconciles(entry) and (entry["rows_loaded"], entry["rows_rejected"]) == (0, 2)
    assert tables["sen"][["total_pupils", "source_file"]].values.tolist() == [
        [210, "a_sen_school_level_underlying_data.csv"]
    ]
    rejects = tables["rejects"]
    assert (rejects["rule"].eq("duplicate_key") & rejects["source_file"].eq("b_sen_2026.csv")).any()


# --------------------------------------------------------------------------------------
# SPC 2025/26 School level (long)
# --------------------------------------------------------------------------------------


def test_spc_2025_26_long_file_loads_pupils_and_year_groups(etl_data_dir: Path) -> None:
    def row(topic: str, breakdown: str, count: object, sex="Total", attendance="Total") -> list:
        return _row(SPC_2026_HEADER, {
            "time_period": "202526", "school_urn": 100001, "school_name": "Alpha Primary School",
            "phase_type_grouping": PRIMARY, "trust": "z", "attendance_pattern": attendance,
            "sex": sex, "breakdown_topic": topic, "breakdown": breakdown, "pupil_count": count,
            "pupil_percent": "x"})  # fmt: skip

    rows = [
        row("Age", "Aged 0", 0, sex="Female", attendance="Part-time"),  # the preview's row
        row("Total", "Total", 215),
        row("Free school meal eligibility", "Eligible for free school meals", 31),
        row("First language", "Known or believed to be other than English", 6),
        row("Year group", "Reception", 30),
        row("Year group", "Year 6", 31),
        row("Year group", "Year 6", 15, sex="Female"),
        row("Year group", "Nursery", 20),  # not in the data dictionary: warned, not loaded
    ]
    entry, tables = _build(etl_data_dir, "spc_school_level_2026.csv", SPC_2026_HEADER, rows)
    assert entry["source"] == "census_long" and _reconciles(entry), entry
    assert (entry["rows_read"], entry["rows_loaded"], entry["rows_out_of_scope"]) == (8, 5, 3)
    pupils = tables["pupils"]
    assert pupils[["headcount", "fsm_eligible", "eal"]].values.tolist() == [[215, 31, 6]]
    groups = tables["pupils_year_group"].set_index("year_group")["headcount"].to_dict()
    assert groups == {"Reception": 30, "Year 6": 31}
    assert (tables["rejects"]["rule"] == "unconfirmed_breakdown").sum() == 1


@pytest.mark.parametrize("name", ["spc_school_year_group.csv", "sen_primary_need_school.csv"])
def test_the_invented_layouts_are_not_a_source(name: str) -> None:
    invented = {
        "spc_school_year_group.csv": ["urn", "school_name", "ncyear", "headcount"],
        "sen_primary_need_school.csv": ["urn", "school_name", "sen_provision", "primary_need",
                                        "number_of_pupils"],
    }[name]  # fmt: skip
    header = ["time_period", "time_identifier", "geographic_level", "country_code",
              "country_name", "region_code", "region_name", "old_la_code", "new_la_code",
              "la_name", *invented]  # fmt: skip
    assert detect_source(header).source is None
