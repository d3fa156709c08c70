"""Data packs: one area's report for one year, as Excel, printable HTML and PDF.

``build_pack(con, level, area, year)`` gathers the numbers (through the query layer,
so already suppressed), sentences and tables; ``write_excel``, ``render_html`` and
``write_pdf`` (headless Chromium) turn a pack into a file. ``python -m packs`` builds
packs for every area at a level. ``build_board_summary`` is the SEND board on one page
(``render_board_html``, ``write_board_pdf``), as in the county pack.
"""

from packs.excel import write_excel
from packs.html import render_board_html, render_html
from packs.model import (
    PACK_LEVELS,
    SECTIONS,
    SUPPRESSED,
    Figure,
    Pack,
    Section,
    Table,
    available_areas,
    build_board_summary,
    build_pack,
)
from packs.pdf import PdfUnavailable, pdf_available, write_board_pdf, write_pdf

__all__ = [
    "PACK_LEVELS",
    "PdfUnavailable",
    "SECTIONS",
    "SUPPRESSED",
    "Figure",
    "Pack",
    "Section",
    "Table",
    "available_areas",
    "build_board_summary",
    "build_pack",
    "pdf_available",
    "render_board_html",
    "render_html",
    "write_board_pdf",
    "write_excel",
    "write_pdf",
]
