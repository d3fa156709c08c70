"""Row validation, suppression, scope and rejects (etl/validate.py) on tiny hand-written files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from etl_raw_files import (
    BUCKS,
    CENSUS_COLUMNS,
    EES_STANDARD,
    EXCLUSION_COLUMNS,
    Y1,
    Y2,
    standard,
    write_census,
    write_csv,
    write_xlsx,
)

from etl.benchmarks import benchmark_rows, canonical_levels
from etl.readers import read_raw
from etl.sources import SOURCES_BY_NAME
from etl.validate import (
    reject_duplicates,
    scope_prefilter,
    unread_columns,
    validate_file,
    warn_unknown_urns,
)

# source -> (the School row's cells after the EES standard ones, expected values, flags)
SAMPLES: dict[str, tuple[dict[str, str], dict[str, object], dict[str, str]]] = {
    "census": (
        {"urn": "100001", "school_name": "Alpha", "phase_type_grouping": "State-funded primary",
         "headcount_of_pupils": "200", "number_of_fsm_eligible_pupils": "c",
         "number_of_pupils_with_eal": "12"},
        {"headcount": 200, "fsm_eligible": None, "eal": 12},
        {"fsm_eligible": "c"},
    ),
    "census_long": (
        {"school_urn": "1.00001e+05", "school_name": "Alpha", "phase_type_grouping": "State-funded primary",
         "sex": "Total", "attendance_pattern": "Total", "breakdown_topic": "Year group",
         "breakdown": "Year 1", "pupil_count": " X ", "pupil_percent": "x"},
        {"breakdown": "Year 1", "pupil_count": None},
        {"pupil_count": "x"},
    ),
    "absence": (
        {"school_urn": "100001", "school_laestab": "9312001", "school_name": "Alpha",
         "school_type": "State-funded primary", "enrolments": "100", "sess_possible": "30000",
         "sess_overall": "1500", "sess_authorised": "1000", "sess_unauthorised": "low",
         "enrolments_pa_10_exact": "12", "sess_overall_percent": "5.0",
         "sess_authorised_percent": "3.3", "sess_unauthorised_percent": "low",
         "enrolments_pa_10_exact_percent": "12.0"},
        {"enrolments": 100, "sess_possible": 30000, "sess_overall": 1500, "sess_authorised": 1000,
         "sess_unauthorised": None, "enrolments_pa_10": 12},
        {"sess_unauthorised": "low"},
    ),
    "exclusions": (
        {"school_urn": "100001", "school_laestab": "9312001", "school_name": "Alpha",
         "school_type": "State-funded primary", "headcount": "100", "perm_excl": "0",
         "susp": "c", "one_plus_susp": "3", "perm_excl_rate": "0", "susp_rate": "c",
         "one_plus_susp_rate": "3"},
        {"headcount": 100, "perm_excl": 0, "susp": None, "one_plus_susp": 3},
        {"susp": "c"},
    ),
    "exclusions_characteristic": (
        {"school_urn": "100001", "school_name": "Alpha", "school_type": "State-funded primary",
         "characteristic_group": "Gender", "characteristic": "Boys", "headcount": "50",
         "perm_excl": "0", "susp": "z", "one_plus_susp": "2"},
        {"characteristic_group": "Gender", "characteristic": "Boys", "headcount": 50,
         "perm_excl": 0, "susp": None, "one_plus_susp": 2},
        {"susp": "z"},
    ),
    "sen": (
        {"urn": "100001", "school_name": "Alpha", "phase_type_grouping": "State-funded primary",
         "total_pupils": "200", "sen_support": "20", "ehc_plan": "c",
         "sen_support_percent": "10.0", "ehc_plan_percent": "c"},
        {"total_pupils": 200, "sen_support": 20, "ehc_plan": None},
        {"ehc_plan": "c"},
    ),
    "sen_need": (
        {"school_urn": "100001", "school_name": "Alpha",
         "phase_type_grouping": "State-funded primary",
         "specialist_provision_unit_type": "All pupils",
         "sen_provision": "Education, health and care plan",
         "sen_primary_need": "Autistic spectrum disorder", "pupil_count": "u"},
        {"sen_provision": "Education, health and care plan",
         "primary_need": "Autistic spectrum disorder", "pupils": None},
        {"pupils": "u"},
    ),
    "ks2": (
        {"school_urn": "100001", "school_name": "Alpha", "t_elig": "30",
         "t_rwm_met_expected": ":", "pt_rwm_met_expected": ":"},
        {"pupils_eligible": 30, "rwm_expected": None},
        {"rwm_expected": ":"},
    ),
    "ks4": (
        {"school_urn": "100001", "school_name": "Alpha", "t_pupils": "100", "avg_att8": "46.5"},
        {"pupils": 100, "att8_total": 4650.0},
        {},
    ),
}  # fmt: skip


def ees_file(tmp_path: Path, source: str, school: dict[str, str]) -> Path:
    """National, LA, one Oxfordshire School row (``school``) and one Bucks School row."""
    columns = list(school)
    benchmark = {c: ("" if c in ("urn", "school_urn", "school_laestab", "school_name",
                                 "school_type", "phase_type_grouping") else v)
                 for c, v in school.items()}  # fmt: skip
    bucks = {**school, columns[0]: "200001"}
    rows = [
        [*standard("National", Y2), *benchmark.values()],
        [*standard("Local authority", Y2), *benchmark.values()],
        [*standard("School", Y2), *school.values()],
        [*standard("School", Y2, BUCKS), *bucks.values()],
    ]
    return write_csv(tmp_path / f"{source}_whatever_name.csv", EES_STANDARD + columns, rows)


def validated(path: Path, config, order: int = 0):
    return validate_file(read_raw(path, scope_prefilter(config)), order, config)


@pytest.mark.parametrize("source", list(SAMPLES))
def test_each_ees_source_parses_its_school_row_with_suppression(
    tmp_path: Path, etl_config, source: str
) -> None:
    school, expected, flags = SAMPLES[source]
    result = validated(ees_file(tmp_path, source, school), etl_config)
    assert result.source is not None and result.source.name == source
    assert result.rows_rejected == 0, result.issues.frame()["reason"].tolist()
    assert result.rows_loaded == 1
    definition = SOURCES_BY_NAME[source]
    has_benchmarks = bool(definition.benchmarks or definition.breakdown)
    assert result.rows_benchmark == (2 if has_benchmarks else 0)
    assert result.rows_out_of_scope == (1 if has_benchmarks else 3)
    assert result.reconciles()
    row = result.rows.iloc[0]
    assert row["time_period"] == 202223 and row["urn"] == 100001 and row["source_row"] == 4
    for name, value in expected.items():
        if value is None:
            assert pd.isna(row[name]), name
        else:
            assert row[name] == value, name
    for name in expected:
        flag = row.get(f"{name}_flag")
        assert (flag if pd.notna(flag) else None) == flags.get(name), name


def test_council_files_parse_money_and_financial_years(tmp_path: Path, etl_config) -> None:
    header = ["Financial year", "URN", "School name", "Band", "Pupils funded", "Top-up amount (£)"]
    rows = [
        ["2021-22", "100001", "Alpha", "Band A", "3", "£10,500.25"],
        ["2022/23", "100004", "Delta", "Band D", "c", ""],
    ]
    result = validated(write_csv(tmp_path / "t.csv", header, rows, "cp1252"), etl_config)
    assert result.source.name == "topups" and result.rows_loaded == 2
    first, second = result.rows.iloc[0], result.rows.iloc[1]
    assert (first["time_period"], first["amount_gbp"], first["pupils_funded"]) == (
        202122,
        10500.25,
        3,
    )
    assert second["time_period"] == 202223 and pd.isna(second["pupils_funded"])
    assert second["pupils_funded_flag"] == "c"
    assert pd.isna(second["amount_gbp"]) and pd.isna(second["amount_gbp_flag"])  # blank: no flag

    places = write_xlsx(tmp_path / "p.xlsx", "Places",
                        ["Financial year", "URN", "School name", "Provision type", "Places", "Place funding (£)"],
                        [["2022-23", 100004, "Delta", "Special school", 80, 800000.5]])  # fmt: skip
    result = validated(places, etl_config)
    assert result.source.name == "places"
    assert result.rows.iloc[0][["places", "amount_gbp"]].tolist() == [80, 800000.5]


def test_national_file_keeps_only_the_la_schools_and_benchmarks(tmp_path: Path, etl_config) -> None:
    result = validated(write_census(tmp_path), etl_config)
    # 12 rows: National, Regional, 2 LA rows (benchmarks), 7 Oxfordshire schools, 1 Bucks.
    assert (result.rows_read, result.rows_loaded, result.rows_benchmark, result.rows_out_of_scope,
            result.rows_rejected) == (12, 7, 4, 1, 0)  # fmt: skip
    assert 200001 not in result.rows["urn"].tolist()
    bench = benchmark_rows(result.source, canonical_levels(result.bench))
    fsm = bench[bench["measure"].eq("fsm_percent")].set_index("geographic_level")
    assert fsm.loc["National", ["numerator", "denominator"]].tolist() == [240.0, 1000.0]
    assert fsm.loc["National", "area_code"] == "E92000001"
    assert fsm.loc["Regional", "area_code"] == "E12000008"
    las = fsm.loc["Local authority"].set_index("area_code")
    assert las.loc["E10000025", "old_la_code"] == 931
    assert las.loc["E10000002", ["area_name", "numerator"]].tolist() == ["Buckinghamshire", 10.0]
    assert set(bench["measure"]) == {"pupils", "fsm_count", "fsm_percent", "eal_percent"}
    assert bench.loc[bench["measure"].eq("pupils"), "denominator"].isna().all()


def test_new_la_code_alone_identifies_the_la(tmp_path: Path, etl_config) -> None:
    row = [*standard("School", Y1, ("", "E10000025", "Oxfordshire")), 100001, "A", "p", 10, 1, 1]
    result = validated(
        write_csv(tmp_path / "c.csv", EES_STANDARD + CENSUS_COLUMNS, [row]), etl_config
    )
    assert result.rows_loaded == 1


def rejects_of(result) -> pd.DataFrame:
    return result.issues.frame().sort_values(["source_row", "column_name"]).reset_index(drop=True)


def test_junk_negative_and_fractional_counts_are_rejected_with_reasons(
    tmp_path: Path, etl_config
) -> None:
    school = standard("School", Y2)
    rows = [
        [*school, 100001, "A", "p", "12x", 1, 1],  # row 2: junk
        [*school, 100002, "B", "p", 100, -3, 1],  # row 3: negative
        [*school, 100003, "C", "p", 100, 1.5, 1],  # row 4: not a whole number
        [*school, 100004, "D", "p", "", "", ""],  # row 5: blanks are NULL, no flag, kept
        [*school, "", "E", "p", 1, 0, 0],  # row 6: URN missing
        [*school, 100005, "E", "p", 100, "n/a", "-"],  # row 7: two junk cells, one row
        [*school, 100006, "F", "p", "1" * 25, 1, 1],  # row 8: too large to be a count
    ]
    path = write_csv(tmp_path / "census.csv", EES_STANDARD + CENSUS_COLUMNS, rows)
    result = validated(path, etl_config)
    rejects = rejects_of(result)
    assert result.rows_loaded == 1 and result.rows_rejected == 6 and result.reconciles()
    assert rejects["severity"].eq("reject").all()
    assert rejects["source_file"].eq("census.csv").all()
    first = rejects.iloc[0]
    assert (first["source_row"], first["column_name"], first["value"], first["rule"]) == (
        2,
        "headcount_of_pupils",
        "12x",
        "not_a_number",
    )
    assert first["reason"].startswith(
        "census.csv row 2, column 'headcount_of_pupils': '12x' is not a count"
    )
    assert "suppression symbol" in first["reason"]
    negative = rejects[rejects["rule"].eq("negative")].iloc[0]
    assert (negative["source_row"], negative["column_name"], negative["value"]) == (
        3,
        "number_of_fsm_eligible_pupils",
        "-3",
    )
    assert rejects[rejects["source_row"].eq(4)]["value"].tolist() == ["1.5"]
    missing = rejects[rejects["rule"].eq("missing_value")].iloc[0]
    assert (missing["source_row"], missing["column_name"]) == (6, "urn")
    assert rejects[rejects["source_row"].eq(7)]["column_name"].tolist() == [
        "number_of_fsm_eligible_pupils",
        "number_of_pupils_with_eal",
    ]
    kept = result.rows.iloc[0]
    assert kept["urn"] == 100004 and pd.isna(kept["headcount"]) and pd.isna(kept["headcount_flag"])


@pytest.mark.parametrize(
    ("source", "cells", "column", "shown"),
    [
        ("census", {"headcount_of_pupils": "10", "number_of_fsm_eligible_pupils": "11"},
         "number_of_fsm_eligible_pupils", "11 > 10"),
        ("sen", {"total_pupils": "10", "sen_support": "6", "ehc_plan": "5"}, "sen_support", "11 > 10"),
        ("absence", {"sess_possible": "100", "sess_overall": "101", "sess_authorised": "50",
                     "sess_unauthorised": "51"}, "sess_overall", "101 > 100"),
        ("absence", {"enrolments": "10", "enrolments_pa_10_exact": "12"}, "enrolments_pa_10_exact", "12 > 10"),
        ("exclusions", {"headcount": "10", "susp": "40", "one_plus_susp": "11"}, "one_plus_susp", "11 > 10"),
        ("ks2", {"t_elig": "20", "t_rwm_met_expected": "21"}, "t_rwm_met_expected", "21 > 20"),
    ],
)  # fmt: skip
def test_subset_larger_than_its_whole_is_warned_and_kept_as_published(
    tmp_path: Path, etl_config, source, cells, column, shown
) -> None:
    """A DfE file's figures are the DfE's: a part larger than its whole (the 2016/17
    exclusions release has a special school with 44 pupils suspended of 43) is warned and
    the row kept, never its other counts rejected."""
    school = {**SAMPLES[source][0], **cells}
    result = validated(ees_file(tmp_path, source, school), etl_config)
    rejects = result.issues.frame()
    school_rejects = rejects[rejects["source_row"].eq(4)]
    school_rejects = school_rejects[school_rejects["column_name"].eq(column)]
    assert school_rejects["rule"].tolist() == ["subset_exceeds_whole"]
    assert school_rejects["value"].tolist() == [shown]
    assert school_rejects["severity"].tolist() == ["warning"]
    assert "cannot exceed its whole" in school_rejects["reason"].iloc[0]
    assert "kept as the DfE published it" in school_rejects["reason"].iloc[0]
    assert result.rows_loaded == 1 and result.reconciles()


def test_exclusions_may_exceed_headcount(tmp_path: Path, etl_config) -> None:
    school = {**SAMPLES["exclusions"][0], "headcount": "10", "perm_excl": "12", "susp": "40"}
    result = validated(ees_file(tmp_path, "exclusions", school), etl_config)
    assert result.rows_rejected == 0 and result.rows_loaded == 1


def test_duplicate_keys_reject_the_later_rows_across_files(tmp_path: Path, etl_config) -> None:
    school = standard("School", Y2)
    header = EES_STANDARD + CENSUS_COLUMNS
    first = write_csv(tmp_path / "a.csv", header, [
        [*school, 100001, "A", "p", 10, 1, 1],
        [*school, 100001, "A again", "p", 11, 1, 1],  # row 3: duplicate within the file
    ])  # fmt: skip
    second = write_csv(tmp_path / "b.csv", header, [[*school, 100001, "A", "p", 12, 1, 1]])
    results = [validated(first, etl_config, 0), validated(second, etl_config, 1)]
    reject_duplicates(results, results[0].source.key)
    assert results[0].rows["headcount"].tolist() == [10]
    assert results[1].rows.empty
    within = results[0].issues.frame().iloc[0]
    assert (within["source_row"], within["rule"], within["value"]) == (
        3,
        "duplicate_key",
        "202223, 100001",
    )
    assert "duplicate of a.csv row 2" in within["reason"]
    across = results[1].issues.frame().iloc[0]
    assert (across["source_file"], across["source_row"]) == ("b.csv", 2)
    assert "duplicate of a.csv row 2" in across["reason"]
    assert all(r.reconciles() for r in results)


def test_unknown_urns_are_warnings_and_rows_are_kept(tmp_path: Path, etl_config) -> None:
    result = validated(write_census(tmp_path), etl_config)
    warn_unknown_urns(result, {100001, 100002, 100003, 100005}, "Oxfordshire (931)")
    warnings = result.issues.frame()
    assert warnings["severity"].eq("warning").all()
    assert warnings["value"].tolist() == ["100099"]
    assert warnings["rule"].tolist() == ["unknown_urn"]
    assert "not in GIAS for Oxfordshire (931)" in warnings["reason"].iloc[0]
    assert 100099 in result.rows["urn"].tolist()
    assert result.rows_rejected == 0 and result.reconciles()


@pytest.mark.parametrize("source", list(SAMPLES))
def test_columns_left_unread_change_no_row_or_reject(
    tmp_path: Path, etl_config, source: str
) -> None:
    """The ETL reads a file without the descriptive text validation skips (region and LA
    names of a source with no benchmark rows): the same rows, benchmarks and rejects as
    reading every mapped column, including a row rejected for its blank level."""
    school, _, _ = SAMPLES[source]
    path = ees_file(tmp_path, source, school)
    blank_level = standard("School", Y2)
    blank_level[2] = ""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(",".join([*blank_level, *school.values()]) + "\n")
    prefilter = scope_prefilter(etl_config)
    every = read_raw(path, prefilter, mapped_only=True)
    lean = read_raw(path, prefilter, mapped_only=True, unread=unread_columns)
    definition = SOURCES_BY_NAME[source]
    if definition.benchmarks or definition.breakdown:
        assert unread_columns(definition) == frozenset()
        assert lean.table.column_names == every.table.column_names
    else:
        assert {"region_name", "la_name", "country_name"} <= unread_columns(definition)
        assert "la_name" in every.table.column_names
        assert "la_name" not in lean.table.column_names
        assert {"geographic_level", "old_la_code", "new_la_code"} <= set(lean.table.column_names)
    results = [validate_file(raw, 0, etl_config) for raw in (every, lean)]
    for result in results:
        assert result.rows_loaded == 1 and result.rows_rejected == 1 and result.reconciles()
    pd.testing.assert_frame_equal(results[1].rows, results[0].rows)
    pd.testing.assert_frame_equal(results[1].bench, results[0].bench)
    pd.testing.assert_frame_equal(results[1].issues.frame(), results[0].issues.frame())
    assert [r.report() for r in results[1:]] == [results[0].report()]


def test_bad_time_period_and_blank_level(tmp_path: Path, etl_config) -> None:
    school = standard("School", Y2)
    rows = [
        ["2023", *school[1:], 100001, "A", "p", 1, 0, 0],
        [school[0], school[1], "", *school[3:], 100002, "B", "p", 1, 0, 0],
        [*standard("Local authority district", Y2), "", "", "", 10, 1, 1],
    ]
    result = validated(
        write_csv(tmp_path / "c.csv", EES_STANDARD + CENSUS_COLUMNS, rows), etl_config
    )
    rules = result.issues.frame().set_index("source_row")["rule"].to_dict()
    assert rules == {2: "bad_time_period", 3: "bad_level"}
    assert result.rows_out_of_scope == 1 and result.reconciles()


def test_membership_rows_checked(tmp_path: Path, etl_config) -> None:
    import datetime as dt

    header = ["URN", "School name", "Partnership", "Locality", "Joined", "Left"]
    rows = [
        [100001, "A", "P1", "L1", dt.datetime(2020, 9, 1), dt.datetime(2019, 1, 1)],
        [100002, "B", "", "L1", dt.datetime(2020, 9, 1), None],
        [100003, "C", "P1", "L1", "soon", None],
        [100004, "D", "P1", "L1", None, None],
    ]
    result = validated(write_xlsx(tmp_path / "m.xlsx", "Membership", header, rows), etl_config)
    frame = result.issues.frame().set_index("source_row")
    assert frame.loc[2, "rule"] == "end_before_start"
    assert frame.loc[3, "rule"] == "missing_value" and frame.loc[3, "column_name"] == "Partnership"
    assert frame.loc[4, "rule"] == "bad_date" and frame.loc[4, "value"] == "soon"
    assert (frame.loc[5, "rule"], frame.loc[5, "severity"]) == ("open_start", "warning")
    assert result.rows["urn"].tolist() == [100004] and result.reconciles()


def test_unknown_file_is_rejected_whole(tmp_path: Path, etl_config) -> None:
    path = write_csv(tmp_path / "notes.csv", ["what", "ever"], [["a", "b"], ["c", "d"]])
    result = validated(path, etl_config)
    assert result.file_rejected and result.rows_rejected == 2 and result.reconciles()
    reject = result.issues.frame().iloc[0]
    assert reject["rule"] == "file_signature" and pd.isna(reject["source_row"])
    assert "matches no known source" in reject["reason"] and "2 data rows" in reject["reason"]


def test_file_missing_required_columns_is_rejected_naming_them(tmp_path: Path, etl_config) -> None:
    header = EES_STANDARD + [c for c in EXCLUSION_COLUMNS if c != "perm_excl"]
    rows = [[*standard("School", Y2), 100001, 9312001, "A", "t", 10, 1, 1, 0, 0, 0]]
    result = validated(write_csv(tmp_path / "exc.csv", header, rows), etl_config)
    reject = result.issues.frame().iloc[0]
    assert result.file_rejected and result.rows_rejected == 1 and result.reconciles()
    assert reject["column_name"] == "perm_excl"
    assert (
        "looks like the exclusions file but is missing required columns: perm_excl"
        in reject["reason"]
    )


def test_misshapen_csv_rows_are_rejected_once(tmp_path: Path, etl_config) -> None:
    lines = [
        ",".join(EES_STANDARD + CENSUS_COLUMNS),
        ",".join([*standard("School", Y2), "100001", "A", "p", "10", "1", "1"]),
        ",".join([*standard("School", Y2), "100002", "B", "p", "10"]),  # two fields short
    ]
    path = tmp_path / "census.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validated(path, etl_config)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
    assert result.reconciles()
    reject = result.issues.frame().iloc[0]
    assert (reject["source_row"], reject["rule"]) == (3, "row_shape")
    assert "does not have 16 fields" in reject["reason"]


def test_a_value_beyond_its_warehouse_column_is_a_row_reject(tmp_path: Path, etl_config) -> None:
    """An age of 3,000,000,000 fits no INTEGER column: the row is rejected naming the file,
    row and column (it stopped the build with an ArrowInvalid naming nothing)."""
    from etl_raw_files import GIAS_ROWS, write_gias

    rows = [list(r) for r in GIAS_ROWS]
    rows[2][9] = 3000000000  # StatutoryLowAge of 100003, row 4
    result = validated(write_gias(tmp_path, rows), etl_config)
    rejects = result.issues.frame()
    assert rejects[["source_row", "column_name", "rule"]].values.tolist() == [
        [4, "StatutoryLowAge", "too_large"]
    ]
    assert (
        rejects["reason"]
        .iloc[0]
        .startswith(
            "edubasealldata20240901.csv row 4, column 'StatutoryLowAge': '3000000000' is too large "
            "for its column (expected a whole number up to 2,147,483,647"
        )
    )
    assert 100003 not in set(result.rows["urn"]) and result.reconciles()
