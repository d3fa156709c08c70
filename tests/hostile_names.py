"""Names from data that are Markdown and HTML payloads (issue 21): each would fetch an
image, draw a live link or run LaTeX, a colour or an emoji if a page rendered it.

Each payload names its field in its addresses (http://evil.example/partnership.png), so a
leak says which name leaked. Used as the real names in the raw files, so the ETL, the
query layer and the pages all carry them as they would a council's own file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

EVIL_HOST = "evil.example"


def payload(field: str) -> str:
    """Markdown image, link, raw HTML image, bold, LaTeX, a Streamlit colour, an emoji
    shortcode and a bare web address, in one name."""
    return (
        f"![x](http://{EVIL_HOST}/{field}.png) [Click to re-login](http://{EVIL_HOST}/{field}) "
        f"<img src=http://{EVIL_HOST}/{field}-img.png> **bold** $x$ :red[red] :smile: "
        f"www.{EVIL_HOST}"
    )


def hostile(field: str, name: str) -> str:
    """``name`` behind the ``field`` payload (names stay distinct and recognisable)."""
    return f"{payload(field)} {name}"


def rename_membership(path: Path, header_row: int | None = None) -> dict[str, dict[str, str]]:
    """Give every partnership, locality and school name in a membership workbook its
    payload, in place. Returns {"partnership": {old: new}, "locality": ..., "school": ...}."""
    book = openpyxl.load_workbook(path)
    sheet = book["Membership"]
    rows = list(sheet.iter_rows())
    header_at = header_row
    if header_at is None:
        header_at = next(i for i, row in enumerate(rows) if row[0].value == "URN")
    columns = {cell.value: cell.column - 1 for cell in rows[header_at]}
    fields = {"partnership": "Partnership", "locality": "Locality", "school": "School name"}
    renamed: dict[str, dict[str, str]] = {field: {} for field in fields}
    for row in rows[header_at + 1 :]:
        for field, heading in fields.items():
            cell = row[columns[heading]]
            if isinstance(cell.value, str) and cell.value.strip():
                new = renamed[field].setdefault(cell.value, hostile(field, cell.value))
                cell.value = new
    book.save(path)
    return renamed


def rename_csv_columns(
    path: Path, encoding: str, renames: dict[str, str], keep: dict[str, set[str]] | None = None
) -> dict[str, dict[str, str]]:
    """Give the values of some columns of a CSV their payload (column -> field), in place;
    ``keep`` leaves some values as they are (column -> values, e.g. the council's own LA
    name). Returns {field: {old: new}}."""
    keep = keep or {}
    with io.StringIO(path.read_bytes().decode(encoding), newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    renamed: dict[str, dict[str, str]] = {field: {} for field in renames.values()}
    positions = {
        header.index(column): field for column, field in renames.items() if column in header
    }
    for row in rows:
        for position, field in positions.items():
            value = row[position]
            if value.strip() and value not in keep.get(header[position], set()):
                row[position] = renamed[field].setdefault(value, hostile(field, value))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return renamed


def write_hostile_demo_raw(raw: Path, council_la_name: str = "Oxfordshire") -> dict:
    """The demo's raw files (demo.generator) in ``raw``/demo with every name a payload: schools
    (GIAS EstablishmentName, the membership's School name, the DfE files' school_name),
    partnerships, localities, other LAs' names (GIAS LA (name), the DfE files' la_name)
    and region names. The council keeps its own name, which comes from data/config.toml.
    Returns the renames by field."""
    from demo import generate_demo

    out = raw / "demo"
    generate_demo(out)
    renames: dict[str, dict[str, str]] = {}

    def merge(found: dict[str, dict[str, str]]) -> None:
        for field, names in found.items():
            renames.setdefault(field, {}).update(names)

    merge(rename_membership(out / "partnership_membership.xlsx"))
    merge(
        rename_csv_columns(
            out / "edubasealldata20240901.csv",
            "cp1252",
            {"EstablishmentName": "school", "LA (name)": "la"},
            keep={"LA (name)": {council_la_name}},
        )
    )
    columns = {
        "school_name": "school",  # DfE files
        "SCHNAME": "school",  # performance tables
        "School name": "school",  # high needs top-ups
        "la_name": "la",
        "region_name": "region",
        "Reason": "reason",  # the council's exclusions log
    }
    for path in sorted(out.rglob("*.csv")):
        if path.name.startswith(("edubase", "links_")):
            continue
        try:
            path.read_bytes().decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
        merge(rename_csv_columns(path, encoding, columns, keep={"la_name": {council_la_name}}))
    return renames
