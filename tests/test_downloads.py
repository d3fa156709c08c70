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
from etl import warehouse_path
from explorer.downloads import neutralise_formula, neutralise_frame, safe_csv_bytes
from queries.prepare import build_warehouse

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


# --------------------------------------------------------------------------------------
# CSVs written by DuckDB (big downloads: rows streamed to a file, never a DataFrame)
# --------------------------------------------------------------------------------------


def duckdb_csv(frame: pd.DataFrame, tmp_path) -> bytes:
    """``frame`` written through queries' DuckDB CSV writer (the big downloads' path)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("frame", frame)
        path = tmp_path / "out.csv"
        assert queries._copy_csv(con, "SELECT * FROM frame", {}, path) == len(frame)
        return path.read_bytes()
    finally:
        con.close()


def test_duckdb_csv_is_the_same_safe_csv_as_pandas(tmp_path) -> None:
    cells = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1",
             "\r=1+1", 'x\r=HYPERLINK("h")', "-3", "+44", "a,b", 'q"q', "line\nbreak", "£ café",
             None]  # fmt: skip
    frame = pd.DataFrame({"value": cells, "row": range(len(cells))})
    assert duckdb_csv(frame, tmp_path) == safe_csv_bytes(frame)
    # one difference: DuckDB quotes an empty text ("") to tell it from a blank (NULL)
    empty = pd.DataFrame({"value": ["", None], "row": [1, 2]})
    assert duckdb_csv(empty, tmp_path).endswith(b'value,row\r\n"",1\r\n,2\r\n')
    assert read_back(duckdb_csv(empty, tmp_path))["value"].tolist() == ["", ""]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=15), min_size=1, max_size=10))
def test_no_cell_duckdb_writes_can_start_a_formula(tmp_path_factory, cells: list[str]) -> None:
    cells = [cell.replace("\x00", "") for cell in cells]  # DuckDB text holds no NUL
    back = read_back(duckdb_csv(pd.DataFrame({"name": cells}), tmp_path_factory.mktemp("csv")))
    assert len(back) == len(cells)
    for original, cell in zip(cells, back["name"], strict=True):
        assert is_inert(cell), cell
        assert cell in (original, "'" + original)


def test_rejects_csv_file_neutralises_the_rejected_value(formula_warehouse, tmp_path) -> None:
    path = tmp_path / "rejects.csv"
    rows = queries.write_rejects_csv(formula_warehouse, path)
    back = read_back(path.read_bytes())
    assert rows == len(back) == len(queries.rejects(formula_warehouse))
    assert "'=1+2" in back["value"].tolist()
    assert back["source_row"].tolist() == [
        str(r) for r in queries.rejects(formula_warehouse)["source_row"]
    ]  # the order of the Data page


def test_a_big_rejects_csv_is_written_without_a_frame_in_memory(tmp_path) -> None:
    """200,000 rejects: the CSV (about 14 MB) is written by DuckDB to a file; Python never
    holds the rows (pandas' frame and CSV text of them would be tens of MB)."""
    import tracemalloc

    import duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE rejects AS SELECT 'census.csv' AS source_file, i + 2 AS source_row,"
        " 'headcount' AS column_name, CAST(-i AS VARCHAR) AS value, 'negative_count' AS rule,"
        " 'headcount is not a count of pupils' AS reason,"
        " CASE WHEN i % 10 = 0 THEN 'warning' ELSE 'reject' END AS severity"
        " FROM range(200000) t(i)"
    )
    path = tmp_path / "rejects.csv"
    tracemalloc.start()
    try:
        assert queries.write_rejects_csv(con, path) == 200_000
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        con.close()
    assert path.stat().st_size > 10_000_000
    assert peak < 4_000_000, peak
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert sum(1 for _ in csv.reader(handle)) == 200_001
