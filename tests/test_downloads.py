"""Downloads neutralise spreadsheet formula injection (explorer/downloads.py), including
names that reach the warehouse unchanged from the raw files."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from broken_files import (
    CASES_BY_NAME,
    EPSILON_URN,
    FORMULA_NAME,
    FORMULA_NAME_2,
    FORMULA_URN,
    good_raw,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import queries
from etl import build_warehouse, warehouse_path
from explorer.downloads import neutralise_formula, neutralise_frame, safe_csv_bytes

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def read_back(data: bytes) -> pd.DataFrame:
    """The CSV as a spreadsheet user would get it: every cell as text."""
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows accents and £
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert all(len(row) == len(header) for row in rows)
    return pd.DataFrame(rows, columns=header, dtype="str")


def is_inert(cell: str) -> bool:
    """Not read as a formula: no formula start, or a plain number like -3."""
    if not cell.startswith(FORMULA_STARTS):
        return True
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-3", "-3"),  # a negative number written as text is data
        ("+44", "+44"),
        ("Alpha Primary School", "Alpha Primary School"),
        ("St Thérèse’s = best", "St Thérèse’s = best"),  # "=" not at the start
        ("", ""),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise_formula(value: object, expected: object) -> None:
    assert neutralise_formula(value) == expected


def test_every_text_column_kind_and_the_headers_are_neutralised() -> None:
    frame = pd.DataFrame(
        {
            "object": pd.Series(["=1+1", "ok", None], dtype=object),
            "string": pd.array(["@A1", None, "ok"], dtype="string"),
            "category": pd.Categorical(["+1+1", "ok", "+1+1"]),
            "=header": [1, 2, 3],
            "number": [-3.5, 0.0, 2.0],
        }
    )
    back = read_back(safe_csv_bytes(frame))
    assert back.columns.tolist() == ["object", "string", "category", "'=header", "number"]
    assert back["object"].tolist() == ["'=1+1", "ok", ""]
    assert back["string"].tolist() == ["'@A1", "", "ok"]
    assert back["category"].tolist() == ["'+1+1", "ok", "'+1+1"]
    assert back["number"].tolist() == ["-3.5", "0.0", "2.0"]  # numbers untouched
    assert frame["object"].iloc[0] == "=1+1"  # the caller's frame is not changed
    assert neutralise_frame(frame)["category"].tolist() == ["'+1+1", "ok", "'+1+1"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=15), min_size=1, max_size=10))
def test_no_downloaded_cell_can_start_a_formula(cells: list[str]) -> None:
    back = read_back(safe_csv_bytes(pd.DataFrame({"name": cells})))
    assert len(back) == len(cells)  # no cell splits into extra rows (CR, LF, quotes)
    for original, cell in zip(cells, back["name"], strict=True):
        assert is_inert(cell), cell
        assert cell in (original, "'" + original)  # only a quote is added: the text is kept


def test_a_carriage_return_cannot_smuggle_a_formula_into_a_new_row() -> None:
    """Excel starts a new row at a bare CR outside quotes: the cell must be quoted."""
    data = safe_csv_bytes(pd.DataFrame({"name": ['x\r=HYPERLINK("http://x","y")', "ok"]}))
    assert b'"x\r=HYPERLINK(""http://x"",""y"")"' in data
    assert read_back(data)["name"].tolist() == ['x\r=HYPERLINK("http://x","y")', "ok"]


# --------------------------------------------------------------------------------------
# Names from the warehouse
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def formula_warehouse(tmp_path_factory: pytest.TempPathFactory):
    """A warehouse whose GIAS and census names look like formulas, and whose rejects hold
    a formula-like value (a count column holding '=1+2')."""
    data = tmp_path_factory.mktemp("formula_names")
    raw = good_raw(data)
    CASES_BY_NAME["census_names.csv"].write(raw)
    (raw / "census_formula_value.csv").write_text(
        (raw / "census_names.csv").read_text(encoding="utf-8").splitlines()[0]
        + "\n201819,Academic year,School,E92000001,England,E12000008,South East,931,"
        'E10000025,Oxfordshire,100001,Alpha,State-funded primary,"=1+2",3,4\n',
        encoding="utf-8",
    )
    build_warehouse(data_dir=data, config=data / "config.toml", progress=lambda _m: None)
    con = queries.connect(warehouse_path(data), data / "config.toml")
    yield con
    con.close()


def test_names_are_stored_as_given_and_downloaded_neutralised(formula_warehouse) -> None:
    schools = queries.list_schools(formula_warehouse, time_period=201718)
    names = schools.set_index("urn")["school_name"]
    assert names[EPSILON_URN] == FORMULA_NAME  # the warehouse keeps the data as it was
    assert names[FORMULA_URN] == FORMULA_NAME_2
    back = read_back(safe_csv_bytes(schools)).set_index("urn")
    assert back.loc[str(EPSILON_URN), "school_name"] == "'" + FORMULA_NAME
    assert back.loc[str(FORMULA_URN), "school_name"] == "'" + FORMULA_NAME_2
    for column in back.reset_index().columns:
        assert all(is_inert(cell) for cell in back.reset_index()[column]), column


def test_rejects_download_neutralises_the_rejected_value(formula_warehouse) -> None:
    rejects = queries.rejects(formula_warehouse)
    bad = rejects[rejects["source_file"].eq("census_formula_value.csv")]
    assert bad["value"].tolist() == ["=1+2"]
    assert bad["rule"].tolist() == ["not_a_number"]
    back = read_back(safe_csv_bytes(rejects))
    assert "'=1+2" in back["value"].tolist()
    for column in back.columns:
        assert all(is_inert(cell) for cell in back[column]), column
