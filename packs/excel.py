"""A data pack as an Excel workbook: contents, one sheet per section, definitions, notes.

Numbers are written as numbers (formatted by unit, with the unit in the header);
a suppressed figure is the text "Suppressed"; every text cell is written as a
string and neutralised, so nothing in the workbook can run as a formula.
"""

from __future__ import annotations

import io
from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from contract import formats
from contract.catalogue import unit_format
from contract.safe_export import neutralise_formula
from packs.model import DEMO_NOTICE, Pack, Table

CONTENTS_SHEET = "Contents"
DEFINITIONS_SHEET = "Definitions"
BOARD_SHEET = "SEND board"
NOTES_SHEET = "Notes"


def number_format(unit: str | None) -> str:
    """The Excel number format for a unit (decimals as the app shows them)."""
    return unit_format(unit).excel


def sheet_name(title: str) -> str:
    """A valid, readable sheet name (at most 31 characters, none of []:*?/\\)."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:31].rstrip()


def _text(value: object) -> str:
    return str(neutralise_formula(str(value)))


class _Writer:
    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 16})
        self.heading = book.add_format({"bold": True, "font_size": 12})
        self.header = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "bg_color": "#DDEBF7"}
        )
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.warning = book.add_format(
            {"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"}
        )
        self.link = book.add_format({"font_color": "#0563C1", "underline": 1})
        self.suppressed = book.add_format({"italic": True, "align": "right"})
        self._numbers: dict[str, object] = {}

    def number(self, unit: str | None) -> object:
        fmt = number_format(unit)
        if fmt not in self._numbers:
            self._numbers[fmt] = self.book.add_format({"num_format": fmt})
        return self._numbers[fmt]

    def table(self, sheet: Worksheet, row: int, table: Table) -> int:
        """Write a table's title, caption, header and rows from ``row``; return the next free row."""
        sheet.write_string(row, 0, _text(table.title), self.heading)
        sheet.write_string(row + 1, 0, _text(table.caption), self.wrap)
        row += 2
        for col, column in enumerate(table.columns):
            sheet.write_string(row, col, _text(column.header), self.header)
        row += 1
        for r, cells in enumerate(table.rows):
            for col, cell in enumerate(cells):
                if cell is None:
                    continue  # no data: an empty cell, never a zero
                if isinstance(cell, bool):
                    sheet.write_string(row, col, "Yes" if cell else "No")
                elif isinstance(cell, int | float):
                    sheet.write_number(row, col, float(cell), self.number(table.cell_unit(r, col)))
                elif cell == formats.SUPPRESSED:
                    sheet.write_string(row, col, cell, self.suppressed)
                else:
                    sheet.write_string(row, col, _text(cell))
            row += 1
        return row + 1


def write_excel(pack: Pack, target: Path | str | None = None) -> bytes:
    """The pack as .xlsx bytes; also written to ``target`` when given."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties(
        {"title": pack.title, "subject": f"{pack.level} data pack", "comments": pack.build_id}
    )
    w = _Writer(book)
    section_sheets = [sheet_name(f"{i}. {s.title}") for i, s in enumerate(pack.sections, start=1)]

    contents = book.add_worksheet(CONTENTS_SHEET)
    contents.set_column(0, 0, 38)
    contents.set_column(1, 1, 90)
    contents.write_string(0, 0, _text(pack.title), w.title)
    row = 2
    for label, value in (
        ("Area", pack.area),
        ("Level", pack.level),
        ("School year", pack.year),
        ("Compared with", pack.comparator_name),
        ("Generated", pack.generated_at),
        ("Data build", pack.build_id),
    ):
        contents.write_string(row, 0, label, w.header)
        contents.write_string(row, 1, _text(value))
        row += 1
    if pack.demo:
        contents.write_string(row, 0, DEMO_NOTICE, w.warning)
        row += 1
    row += 1
    contents.write_string(row, 0, "Contents", w.heading)
    row += 1
    for name, section in zip(section_sheets, pack.sections, strict=True):
        contents.write_url(row, 0, f"internal:'{name}'!A1", w.link, string=name)
        contents.write_string(row, 1, _text(section.intro), w.wrap)
        row += 1
    if pack.board is not None:
        contents.write_url(row, 0, f"internal:'{BOARD_SHEET}'!A1", w.link, string=BOARD_SHEET)
        contents.write_string(row, 1, _text(pack.board.covers + " " + pack.board.counts), w.wrap)
        row += 1
    for name, about in (
        (DEFINITIONS_SHEET, "What each measure counts, its unit and source."),
        (NOTES_SHEET, "Suppression rules, methods and the data build."),
    ):
        contents.write_url(row, 0, f"internal:'{name}'!A1", w.link, string=name)
        contents.write_string(row, 1, about, w.wrap)
        row += 1

    for name, section in zip(section_sheets, pack.sections, strict=True):
        sheet = book.add_worksheet(name)
        sheet.set_column(0, 0, 44)
        sheet.set_column(1, 8, 18)
        sheet.write_string(0, 0, _text(f"{section.title}: {pack.area}, {pack.year}"), w.title)
        sheet.write_string(1, 0, _text(section.intro))
        row = 3
        sheet.write_string(row, 0, "In plain English", w.heading)
        row += 1
        for sentence in section.sentences + ([section.caveat] if section.caveat else []):
            sheet.write_string(row, 0, _text(sentence))
            row += 1
        row += 1
        for table in section.tables:
            row = w.table(sheet, row, table)
        sheet.freeze_panes(1, 0)

    if pack.board is not None:
        sheet = book.add_worksheet(BOARD_SHEET)
        sheet.set_column(0, 0, 50)
        sheet.set_column(1, len(pack.board.table.columns) - 1, 24)
        sheet.write_string(0, 0, _text(f"{BOARD_SHEET}: {pack.board.covers}"), w.title)
        sheet.write_string(1, 0, _text(pack.board.counts))
        row = w.table(sheet, 3, pack.board.table)
        for text in (pack.board.rules, pack.board.next_update):
            sheet.write_string(row, 0, _text(text))
            row += 1
        sheet.freeze_panes(1, 0)

    definitions = book.add_worksheet(DEFINITIONS_SHEET)
    definitions.set_column(0, 0, 36)
    definitions.set_column(1, 5, 22)
    definitions.set_column(6, 6, 80, w.wrap)
    definitions.set_column(7, 8, 40, w.wrap)
    w.table(definitions, 0, pack.definitions)
    definitions.freeze_panes(3, 1)

    notes = book.add_worksheet(NOTES_SHEET)
    notes.set_column(0, 0, 120, w.wrap)
    notes.write_string(0, 0, "Notes", w.title)
    row = 2
    if pack.demo:
        notes.write_string(row, 0, DEMO_NOTICE, w.warning)
        row += 1
    for note in pack.notes:
        notes.write_string(row, 0, _text(note), w.wrap)
        row += 1
    notes.write_string(row + 1, 0, _text(f"Generated {pack.generated_at}."))

    book.close()
    data = buffer.getvalue()
    if target is not None:
        Path(target).write_bytes(data)
    return data
