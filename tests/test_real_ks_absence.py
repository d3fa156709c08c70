"""KS2, KS4 and absence in the layouts the DfE publishes them (shared/real), built for
Gloucestershire (916, E10000013) on the DfE's 2017/18 school spine in the GIAS layout.

Real files: england_ks4provisional.csv (performance tables, 25-column subset),
england_ks2final.csv / england_ks4final.csv (performance tables trimmed by a third party:
no TELIG, PTRWM_EXP, TPUP or LEA), england_abs.csv, absence_by_term.csv (LA level,
termly). Real headers with rows written here in their layout: the EES KS2 institution
file (header and first row from its catalogue page), the EES KS4 institution file (an
unattributed third-party column list: the only evidence), the school-level absence files
of the 2021/22 and 2023/24 releases (headers as published; the rows are made up).
"""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest
from etl_raw_files import GIAS_HEADER, write_csv, write_membership
from real_files import REAL_FILES, council_toml, real_file, spine

LA, LA_CODE, LA_NAME = 916, "E10000013", "Gloucestershire"
KS4_PROVISIONAL = REAL_FILES / "perf-tables-kspdeveloper" / "england_ks4provisional.csv"
ABS_PERF = REAL_FILES / "perf-tables-kspdeveloper" / "england_abs.csv"
KS2_TRIMMED = REAL_FILES / "perf-waiky8-eng-schools" / "england_ks2final.csv"
KS4_TRIMMED = REAL_FILES / "perf-waiky8-eng-schools" / "england_ks4final.csv"
ABSENCE_BY_TERM = REAL_FILES / "ees-absence-2017" / "absence_by_term.csv"
URN_A, URN_B, OTHER_LA_URN = 115481, 115482, 100000  # 100000: City of London (201)

KS2_EES = ("time_period,time_identifier,geographic_level,country_code,country_name,version,"
           "school_urn,school_laestab,school_name,breakdown_topic,breakdown,subject,"
           "expected_standard_pupil_percent,higher_standard_pupil_percent,average_scaled_score,"
           "progress_measure_score,progress_measure_lower_conf_interval,"
           "progress_measure_upper_conf_interval,absent_or_not_able_to_access_percent,"
           "working_towards_expected_standard_pupil_percent,absent_or_disapplied_percent,"
           "progress_measure_unadjusted,progress_measure_description").split(",")  # fmt: skip
KS4_EES = ("school_urn,school_name,time_period,breakdown_topic,breakdown,sex,"
           "disadvantage_status,first_language,prior_attainment,mobility,pupil_count,"
           "pupil_percent,attainment8_average,progress8_average").split(",")  # fmt: skip
ABSENCE_2122 = ("time_period,time_identifier,geographic_level,country_code,country_name,"
                "region_code,region_name,old_la_code,new_la_code,la_name,school_type,"
                "school_name,trust,estab,school_laestab,school_urn,academy_type,"
                "academy_open_date,all_through,num_schools,enrolments,sess_possible,"
                "sess_overall,sess_authorised,sess_unauthorised,sess_overall_percent,"
                "sess_authorised_percent,sess_unauthorised_percent,enrolments_pa_10_exact,"
                "enrolments_pa_10_exact_percent").split(",")  # fmt: skip
ABSENCE_2324 = ["education_phase" if c == "school_type" else c for c in ABSENCE_2122]


def _ks2_ees_rows() -> list[list[object]]:
    def row(urn, topic, breakdown, subject, percent):
        return [202425, "Academic year", "School", "E92000001", "England", "Final", urn,
                9162000, "School", topic, breakdown, subject, percent, 10, "z", "z", "z",
                "z", 0, "z", "z", "z", "z"]  # fmt: skip

    return [
        row(URN_A, "All pupils", "Total", "Reading, writing and maths", 77),
        row(URN_A, "All pupils", "Total", "Reading", 93),
        row(URN_A, "Sex", "Boys", "Reading, writing and maths", 70),
        row(URN_B, "All pupils", "Total", "Reading, writing and maths", "c"),
        row(OTHER_LA_URN, "All pupils", "Total", "Reading, writing and maths", 80),
    ]


def _ks4_ees_rows() -> list[list[object]]:
    def row(urn, topic, breakdown, sex, count, att8):
        return [urn, "School", 202425, topic, breakdown, sex, "Total", "Total", "Total",
                "Total", count, 100, att8, 0.1]  # fmt: skip

    return [
        row(URN_A, "Total", "Total", "Total", 180, 45.5),
        row(URN_A, "Sex", "Girls", "Girls", 90, 48.0),
        row(URN_B, "Total", "Total", "Total", 120, "c"),
        row(OTHER_LA_URN, "Total", "Total", "Total", 150, 50.0),
    ]


def _absence_rows(phase: str, period: int) -> list[list[object]]:
    standard = [period, "Academic year", "School", "E92000001", "England", "E12000009",
                "South West", LA, LA_CODE, LA_NAME, phase]  # fmt: skip
    return [
        [*standard, "School", "z", 2000, 9162000, URN_A, "", "", "No", 1, 200, 60000, 3000,
         2000, 1000, 5, 3.3, 1.7, 20, 10],
        [*standard, "School", "z", 2002, 9162002, URN_B, "", "", "No", 1, 100, 30000, "c",
         "c", "c", "c", "c", "c", "c", "c"],
    ]  # fmt: skip


def _gias_rows() -> list[list[object]]:
    register = spine()[spine()["LA"].eq(str(LA))]
    return [
        [r.URN, LA, LA_NAME, r.ESTAB, r.SCHNAME, r.NFTYPE, r.MINORGROUP, "Open", "", r.AGEL,
         r.AGEH, "", "", r.POSTCODE, "", "", "", ""]
        for r in register.itertuples()
    ]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from queries.prepare import build_warehouse

    for path in (KS4_PROVISIONAL, ABS_PERF, KS2_TRIMMED, KS4_TRIMMED, ABSENCE_BY_TERM):
        real_file(path)
    data = tmp_path_factory.mktemp("real_ks") / "data"
    raw = data / "raw"
    (raw / "2018-2019").mkdir(parents=True)
    (raw / "trimmed" / "2018-2019").mkdir(parents=True)
    (data / "config.toml").write_text(
        council_toml(LA_NAME, LA, LA_CODE, "E12000009", "South West"), encoding="utf-8"
    )
    shutil.copy(KS4_PROVISIONAL, raw / "2018-2019" / KS4_PROVISIONAL.name)
    shutil.copy(ABS_PERF, raw / "2018-2019" / ABS_PERF.name)
    shutil.copy(KS2_TRIMMED, raw / "trimmed" / "2018-2019" / KS2_TRIMMED.name)
    shutil.copy(KS4_TRIMMED, raw / "trimmed" / "2018-2019" / KS4_TRIMMED.name)
    shutil.copy(ABSENCE_BY_TERM, raw / ABSENCE_BY_TERM.name)
    write_csv(raw / "ks2_institution_level.csv", KS2_EES, _ks2_ees_rows())
    write_csv(raw / "ks4_institution_level.csv", KS4_EES, _ks4_ees_rows())
    write_csv(raw / "absence_2122.csv", ABSENCE_2122, _absence_rows("State-funded primary", 202122))
    write_csv(raw / "absence_2324.csv", ABSENCE_2324, _absence_rows("State-funded primary", 202324))
    rows = _gias_rows()
    write_csv(raw / "edubasealldata20180101.csv", GIAS_HEADER, rows, "cp1252")
    write_membership(
        raw,
        [[int(r[0]), f"School {r[0]}", "P", "L", pd.Timestamp("2000-09-01").to_pydatetime(),
          None] for r in rows],
    )  # fmt: skip
    result = build_warehouse(data_dir=data, progress=lambda _m: None)
    return data, result


def _report(built, name: str) -> dict:
    return next(f for f in built[1].report["files"] if f["file"] == name)


def _sql(built, query: str) -> pd.DataFrame:
    warehouse = built[0] / "warehouse"
    con = duckdb.connect()
    for table in ("ks2", "ks4", "absence", "benchmarks", "rejects"):
        con.register(
            table, duckdb.read_parquet(str(warehouse / f"{table}.parquet"), connection=con)
        )
    return con.sql(query).df()


def test_every_file_reconciles_and_is_recognised(built) -> None:
    sources = {f["file"]: f["source"] for f in built[1].report["files"]}
    assert sources["2018-2019/england_ks4provisional.csv"] == "ks4"
    assert sources["ks2_institution_level.csv"] == "ks2"
    assert sources["ks4_institution_level.csv"] == "ks4"
    assert sources["absence_2122.csv"] == sources["absence_2324.csv"] == "absence"
    assert sources["absence_by_term.csv"] == "absence"
    for entry in built[1].report["files"]:
        parts = entry["rows_loaded"] + entry["rows_benchmark"] + entry["rows_out_of_scope"]
        assert entry["rows_read"] == parts + entry["rows_rejected"], entry


def test_ks4_performance_tables_la_total_matches_its_schools(built) -> None:
    published = pd.read_csv(KS4_PROVISIONAL, dtype=str, keep_default_na=False)
    published.columns = [c.lstrip("\ufeff") for c in published.columns]
    mine = published[published["LEA"].eq(str(LA))]
    report = _report(built, "2018-2019/england_ks4provisional.csv")
    assert report["rows_loaded"] == mine["RECTYPE"].isin(["1", "2"]).sum() == 69
    # LA rows of every LA and England's state-funded row (RECTYPE 7); RECTYPE 5 out of scope.
    assert report["rows_benchmark"] == published["RECTYPE"].isin(["4", "7"]).sum()
    schools = _sql(built, "SELECT * FROM ks4 WHERE time_period = 201819")
    assert len(schools) == 69 and schools["pupils_flag"].eq("na").sum() == 18
    la = _sql(built, "SELECT * FROM benchmarks WHERE old_la_code = 916 AND time_period = 201819"
                     " AND measure = 'ks4_attainment8'")  # fmt: skip
    assert la["denominator"].tolist() == [6390] and la["numerator"].tolist() == [6390 * 49.5]
    # The schools' pupils add up to the LA's within 0.5% (6,405 against 6,390), and their
    # Attainment 8 (total points / pupils) to its 49.5 within rounding of one decimal.
    assert abs(schools["pupils"].sum() - 6390) <= 0.005 * 6390
    known = schools["att8_total"].notna()
    mean = schools["att8_total"][known].sum() / schools["pupils"][known].sum()
    assert abs(mean - 49.5) < 0.25


def test_trimmed_downloads_and_percent_only_absence_are_rejected_with_the_reason(built) -> None:
    rejects = _sql(built, "SELECT source_file, reason FROM rejects WHERE rule = 'file_signature'")
    reasons = dict(zip(rejects["source_file"], rejects["reason"], strict=True))
    assert "PERCTOT" in reasons["2018-2019/england_abs.csv"]
    assert "no sessions" in reasons["2018-2019/england_abs.csv"]
    assert "TELIG and PTRWM_EXP" in reasons["trimmed/2018-2019/england_ks2final.csv"]
    assert "without TPUP" in reasons["trimmed/2018-2019/england_ks4final.csv"]
    assert _report(built, "2018-2019/england_abs.csv")["rows_rejected"] == 21217


def test_ees_ks2_institution_file_keeps_the_percentage_of_the_las_schools(built) -> None:
    ks2 = _sql(built, "SELECT * FROM ks2 ORDER BY urn")
    assert ks2["urn"].tolist() == [URN_A, URN_B]  # City of London's school out of scope
    assert ks2["rwm_expected_percent"].tolist()[0] == 77
    assert ks2["rwm_expected_percent_flag"].tolist()[1] == "c"
    assert ks2["pupils_eligible"].isna().all() and ks2["rwm_expected"].isna().all()
    report = _report(built, "ks2_institution_level.csv")
    assert (report["rows_loaded"], report["rows_out_of_scope"]) == (2, 3)


def test_ees_ks4_institution_file_loads_total_rows(built) -> None:
    ks4 = _sql(built, "SELECT * FROM ks4 WHERE time_period = 202425 ORDER BY urn")
    assert ks4["urn"].tolist() == [URN_A, URN_B]
    assert ks4["pupils"].tolist() == [180, 120]
    assert ks4["att8_total"].tolist()[0] == 180 * 45.5 and ks4["att8_total_flag"][1] == "c"


def test_school_level_absence_headers_as_published_load(built) -> None:
    absence = _sql(built, "SELECT * FROM absence ORDER BY time_period, urn")
    assert absence["time_period"].tolist() == [202122, 202122, 202324, 202324]
    first = absence.iloc[0]
    assert (first["urn"], first["sess_possible"], first["sess_overall"]) == (URN_A, 60000, 3000)
    assert first["enrolments_pa_10"] == 20 and absence["sess_overall_flag"].iloc[1] == "c"


def test_la_termly_absence_gives_full_year_benchmarks_summed_over_school_types(built) -> None:
    published = pd.read_csv(ABSENCE_BY_TERM, dtype=str, keep_default_na=False)
    mine = published[published["old_la_code"].eq(str(LA)) & published["time_period"].eq("201617")]
    sessions = ["sess_possible", "sess_overall", "sess_authorised", "sess_unauthorised"]
    values = mine.assign(**{c: pd.to_numeric(mine[c]) for c in sessions})
    total = values[values["term"].eq("Total")][sessions].sum()
    # Sessions add up across terms: the Total term row is the sum of the three terms.
    terms = values[values["term"].ne("Total")][sessions].sum()
    assert (total == terms).all()
    bench = _sql(built, "SELECT * FROM benchmarks WHERE old_la_code = 916 AND time_period = "
                        "201617 AND measure = 'overall_absence_rate'")  # fmt: skip
    assert bench["numerator"].tolist() == [total["sess_overall"]]
    assert bench["denominator"].tolist() == [total["sess_possible"]]
    report = _report(built, "absence_by_term.csv")
    assert report["rows_out_of_scope"] == published["term"].ne("Total").sum()
    assert report["rows_benchmark"] == published["term"].eq("Total").sum()


def test_a_performance_tables_file_needs_its_year_in_the_path(tmp_path) -> None:
    from contract.settings import load_config
    from etl.layouts_ks import adapt_layout
    from etl.readers import read_raw
    from etl.validate import validate_file

    path = write_csv(
        tmp_path / "england_ks2final.csv",
        ["RECTYPE", "LEA", "URN", "SCHNAME", "TELIG", "PTRWM_EXP"],
        [[1, LA, URN_A, "A", 33, "72.7%"], [1, LA, URN_B, "B", 40, "SUPP"],
         [4, LA, "", "", 73, "NE"]],
    )  # fmt: skip
    config_path = tmp_path / "config.toml"
    config_path.write_text(council_toml(LA_NAME, LA, LA_CODE, "E12000009", "South West"))
    config = load_config(config_path)
    raw, layout = adapt_layout(read_raw(path), config, "england_ks2final.csv")
    assert layout == "ks2_performance_tables" and raw.detection.source is None
    assert "folder named after its academic year" in raw.detection.error
    raw, layout = adapt_layout(read_raw(path), config, "2018-2019/england_ks2final.csv")
    result = validate_file(raw, 0, config)
    rows = result.rows.sort_values("urn")
    assert rows["time_period"].tolist() == [201819, 201819]
    assert rows["rwm_expected"].tolist()[0] == 24  # round(72.7 x 33 / 100) = round(23.99)
    assert rows["rwm_expected_flag"].tolist()[1] == "supp"
    assert result.bench["rwm_expected_flag"].tolist() == ["ne"]
