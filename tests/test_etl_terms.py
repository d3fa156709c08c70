"""Termly exclusions (the real 2023/24 "by term school level" header): an Autumn, Spring
and Summer row per school and year become one row for the year (etl.shape.sum_terms)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from etl.readers import read_raw
from etl.shape import shape_results
from etl.sources import SOURCES_BY_NAME
from etl.validate import scope_prefilter, validate_file

HEADER_FILE = (
    Path(__file__).parent / "fixtures" / "real_layouts" / "exclusions_school_termly_2023_24.csv"
)


def _row(term: str, period: str, urn: str, head: str, perm: str, susp: str, once: str) -> list[str]:
    header = HEADER_FILE.read_text(encoding="utf-8").splitlines()[0].split(",")
    cells = dict.fromkeys(header, "")
    cells.update(
        time_identifier=term, time_period=period, geographic_level="School",
        country_code="E92000001", country_name="England", region_code="E12000008",
        region_name="South East", old_la_code="931", new_la_code="E10000025",
        la_name="Oxfordshire", school_urn=urn, school_laestab="9312001",
        school_name="Alpha", education_phase="State-funded primary", headcount=head,
        perm_excl=perm, suspension=susp, one_plus_susp=once,
    )  # fmt: skip
    return [cells[h] for h in header]


def _result(tmp_path: Path, rows: list[list[str]], config):
    header = HEADER_FILE.read_text(encoding="utf-8").splitlines()[0].split(",")
    path = tmp_path / "termly.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    result = validate_file(read_raw(path, scope_prefilter(config)), 0, config)
    shape_results([result], None, SOURCES_BY_NAME["exclusions"])
    return result


def test_terms_add_up_into_the_year(tmp_path: Path, etl_config) -> None:
    result = _result(
        tmp_path,
        [
            _row("Autumn term", "202324", "100001", "200", "1", "10", "6"),
            _row("Spring term", "202324", "100001", "210", "0", "12", "8"),
            _row("Summer term", "202324", "100001", "210", "2", "5", "4"),
            # a school whose spring suspensions were withheld: the year is withheld too
            _row("Autumn term", "202324", "100003", "90", "0", "3", "2"),
            _row("Spring term", "202324", "100003", "90", "0", "c", "c"),
            _row("Summer term", "202324", "100003", "90", "0", "4", "3"),
            # the latest year of a spring release: two terms only
            _row("Autumn term", "202425", "100001", "205", "0", "9", "7"),
            _row("Spring term", "202425", "100001", "215", "1", "11", "9"),
        ],
        etl_config,
    )
    rows = result.rows.set_index(["time_period", "urn"])
    year = rows.loc[(202324, 100001)]
    assert (year["perm_excl"], year["susp"], year["headcount"]) == (3, 27, 210)  # spring roll
    assert pd.isna(year["one_plus_susp"]) and year["one_plus_susp_flag"] == "z"
    assert year["terms"] == "Autumn, Spring, Summer"
    withheld = rows.loc[(202324, 100003)]
    assert pd.isna(withheld["susp"]) and withheld["susp_flag"] == "c"
    assert withheld["perm_excl"] == 0 and pd.isna(withheld["perm_excl_flag"])
    short = rows.loc[(202425, 100001)]
    assert (short["susp"], short["terms"]) == (20, "Autumn, Spring")
    # every input row is accounted for: 8 term rows in 3 year rows, none rejected
    assert len(result.rows) == 3 and result.rows_loaded == 8 and result.rows_rejected == 0
    assert result.reconciles()
    warnings = result.issues.frame()
    short_years = warnings[warnings["rule"].eq("incomplete_year")]
    assert (
        len(short_years) == 1
        and "2024/25 holds the Autumn, Spring terms only" in (short_years["reason"].iloc[0])
    )


def test_a_full_year_row_is_the_years_figure_and_its_terms_are_out_of_scope(
    tmp_path: Path, etl_config
) -> None:
    result = _result(
        tmp_path,
        [
            _row("Academic year", "202324", "100001", "210", "3", "27", "15"),
            _row("Autumn term", "202324", "100001", "200", "1", "10", "6"),
            _row("Spring term", "202324", "100001", "210", "0", "12", "8"),
        ],
        etl_config,
    )
    assert len(result.rows) == 1
    row = result.rows.iloc[0]
    assert (row["susp"], row["one_plus_susp"]) == (27, 15) and pd.isna(row.get("terms"))
    assert result.rows_loaded == 1 and result.rows_out_of_scope == 2 and result.reconciles()
