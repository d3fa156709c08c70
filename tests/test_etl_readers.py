"""Reading raw files as text (etl/readers.py): encodings, header rows, line numbers, periods."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from etl_raw_files import (
    CENSUS_COLUMNS,
    EES_STANDARD,
    GIAS_HEADER,
    GIAS_ROWS,
    MEMBERSHIP_HEADER,
    csv_bytes,
    standard,
    write_csv,
    write_gias,
    write_membership,
    write_topups,
    write_xlsx,
)

from etl.readers import SOURCE_ROW, ReadError, normalise_time_period, parse_time_period, read_raw


def column(raw, name: str) -> list:
    return raw.table.column(name).to_pylist()


def test_cp1252_csv_keeps_pound_sign_accent_and_curly_apostrophe(tmp_path: Path) -> None:
    gias = read_raw(write_gias(tmp_path))
    assert gias.encoding == "cp1252"
    assert gias.detection.source.name == "gias"
    assert column(gias, "EstablishmentName")[0] == "Alpha Primary School, St Thérèse’s"
    topups = read_raw(write_topups(tmp_path))
    assert topups.encoding == "cp1252"
    assert "Top-up amount (£)" in topups.header
    assert topups.detection.source.name == "topups"


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "census.csv"
    row = [*standard("School"), 100001, "Ysgol Gymraeg – Café", "State-funded primary", 10, 1, 1]
    path.write_bytes(b"\xef\xbb\xbf" + csv_bytes(EES_STANDARD + CENSUS_COLUMNS, [row]))
    raw = read_raw(path)
    assert raw.encoding == "utf-8-sig"
    assert raw.header[0] == "time_period"  # no BOM glued to the first column name
    assert raw.detection.source.name == "census"
    assert column(raw, "school_name") == ["Ysgol Gymraeg – Café"]


def test_plain_utf8(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", EES_STANDARD + CENSUS_COLUMNS,
                     [[*standard("School"), 1, "Café", "x", 1, 0, 0]])  # fmt: skip
    assert read_raw(path).encoding == "utf-8"


def test_cp1252_detected_beyond_the_first_block(tmp_path: Path) -> None:
    """The first 256 KB are ASCII; a cp1252 byte further down still decodes right."""
    rows = [[*r] for r in GIAS_ROWS] * 3000
    rows.append([*GIAS_ROWS[0][:4], "Ecole Sainte-Thérèse", *GIAS_ROWS[0][5:]])
    path = write_csv(tmp_path / "gias.csv", GIAS_HEADER, rows, "cp1252")
    raw = read_raw(path)
    assert raw.encoding == "cp1252"
    assert column(raw, "EstablishmentName")[-1] == "Ecole Sainte-Thérèse"


def test_csv_rows_keep_their_line_numbers_and_cells_stay_text(tmp_path: Path) -> None:
    rows = [
        [*standard("School"), "100001", "A", "p", "0012", "c", ""],
        [*standard("School"), "100002", 'Quoted, "with" comma\nand newline', "p", "x1", "1", "2"],
        [*standard("School"), "100003", "C", "p", "3", "1", "2"],
    ]
    raw = read_raw(write_csv(tmp_path / "c.csv", EES_STANDARD + CENSUS_COLUMNS, rows))
    assert column(raw, SOURCE_ROW) == [2, 3, 4]  # header = 1; a record spanning lines is one row
    assert column(raw, "headcount_of_pupils") == ["0012", "x1", "3"]  # never parsed here
    assert column(raw, "number_of_fsm_eligible_pupils")[0] == "c"
    assert column(raw, "number_of_pupils_with_eal")[0] == ""


def test_csv_rows_with_wrong_field_count_are_set_aside_with_line_numbers(tmp_path: Path) -> None:
    text = "\n".join([
        ",".join(EES_STANDARD + CENSUS_COLUMNS),
        ",".join([*standard("School"), "100001", "A", "p", "1", "0", "0"]),
        ",".join([*standard("School"), "100002", "B", "p", "1"]),  # too few fields
        ",".join([*standard("School"), "100003", "C", "p", "1", "0", "0"]),
    ]) + "\n"  # fmt: skip
    path = tmp_path / "short.csv"
    path.write_text(text, encoding="utf-8")
    raw = read_raw(path)
    assert column(raw, SOURCE_ROW) == [2, 4]
    assert [line for line, _ in raw.bad_rows] == [3]
    assert raw.rows_read == 3


def test_mapped_only_keeps_the_source_columns_and_the_same_rows(tmp_path: Path) -> None:
    """The ETL reads only the columns a source maps; rows, lines and bad rows are the
    same as reading every column."""
    header = [*EES_STANDARD, *CENSUS_COLUMNS, "an_unmapped_note"]
    text = "\n".join([
        ",".join(header),
        ",".join([*standard("School"), "100001", "A", "p", "1", "0", "0", "note"]),
        ",".join([*standard("School"), "100002", "B", "p", "1"]),  # too few fields
        ",".join([*standard("School"), "100003", '"C, quoted"', "p", "3", "1", "2", "n"]),
    ]) + "\n"  # fmt: skip
    path = tmp_path / "census.csv"
    path.write_text(text, encoding="utf-8")
    every = read_raw(path)
    mapped = read_raw(path, mapped_only=True)
    assert "an_unmapped_note" in every.table.column_names
    assert "an_unmapped_note" not in mapped.table.column_names
    assert "headcount_of_pupils" in mapped.table.column_names
    assert mapped.header == every.header  # the file's own header, for messages
    assert column(mapped, SOURCE_ROW) == column(every, SOURCE_ROW) == [2, 4]
    assert mapped.bad_rows == every.bad_rows and [line for line, _ in mapped.bad_rows] == [3]
    assert mapped.rows_read == every.rows_read == 3
    for name in mapped.table.column_names:
        assert column(mapped, name) == column(every, name), name


def test_xlsx_header_found_below_title_rows_and_rows_are_sheet_rows(tmp_path: Path) -> None:
    raw = read_raw(write_membership(tmp_path))
    assert raw.format == "xlsx" and raw.sheet == "Membership"
    assert raw.header == MEMBERSHIP_HEADER
    assert raw.detection.source.name == "membership"
    lines = column(raw, SOURCE_ROW)
    assert lines[0] == 4  # title row 1, blank row 2, header row 3
    assert column(raw, "URN")[0] == "100001"  # a number cell, as CSV text
    assert column(raw, "Joined")[0] == "2013-09-01"  # a date cell, ISO
    assert column(raw, "Left")[0] == ""


def test_xlsx_other_sheet_first_and_blank_rows_skipped(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "places.xlsx"
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["These are the high needs places for 2022-23"])
    sheet = workbook.create_sheet("Places")
    sheet.append(["Commissioned places"])
    sheet.append(["Financial year", "URN", "School name", "Provision type", "Places",
                  "Place funding (£)"])  # fmt: skip
    sheet.append(["2022-23", 100004, "Delta", "Special school", 80.0, 800000.5])
    sheet.append([])
    sheet.append(["2022-23", 100001, "Alpha", "Resourced provision", 10, 60000])
    workbook.save(path)
    raw = read_raw(path)
    assert raw.sheet == "Places" and raw.detection.source.name == "places"
    assert column(raw, SOURCE_ROW) == [3, 5]
    assert column(raw, "Places") == ["80", "10"]
    assert column(raw, "Place funding (£)") == ["800000.5", "60000"]


def test_unreadable_files_raise_read_error(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf")
    for name in ("notes.pdf", "broken.xlsx", "empty.csv", "old.xls"):
        with pytest.raises(ReadError):
            read_raw(tmp_path / name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("202324", 202324),
        ("2023/24", 202324),
        ("2023-24", 202324),
        ("2023/2024", 202324),
        (" 2023 / 24 ", 202324),
        ("1999/00", 199900),
        ("1999-2000", 199900),
        ("2023-25", None),
        ("2023", None),
        ("202325", None),
        ("", None),
        ("next year", None),
    ],
)
def test_time_periods(text: str, expected: int | None) -> None:
    assert parse_time_period(text) == expected


def test_normalise_time_period_vectorised() -> None:
    values = pd.Series(["202324", "2022/23", "bad", "2023/24"], dtype="str")
    assert normalise_time_period(values).tolist() == [202324, 202223, pd.NA, 202324]


def test_xlsx_dates_and_numbers_as_text(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", "Membership", MEMBERSHIP_HEADER,
                      [[100001.0, "A", "P", "L", dt.datetime(2020, 1, 2, 0, 0), dt.date(2021, 3, 4)]])  # fmt: skip
    raw = read_raw(path)
    assert column(raw, "URN") == ["100001"]
    assert column(raw, "Joined") == ["2020-01-02"]
    assert column(raw, "Left") == ["2021-03-04"]


def test_stray_undefined_cp1252_byte_does_not_make_the_file_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_bytes(b"URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n"
                     b"1,2,Caf\xe9 \x81,Successor,01-01-2020\n")  # fmt: skip
    raw = read_raw(path)
    assert raw.encoding == "cp1252"
    assert column(raw, "LinkName") == ["Café \ufffd"]
