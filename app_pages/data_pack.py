"""Data packs: a locality's or partnership's data set for one year, to take into a meeting.

Choose the area and year, read the pack on screen, then download it as an Excel
workbook (one sheet per section), a printable web page or a PDF (made on request by
headless Chromium). All are built by the packs package from the query layer, so they
show exactly what the app shows.
"""

from __future__ import annotations

import streamlit as st

from explorer import pack_preview
from explorer.data import query
from explorer.layout import page_header
from explorer.pickers import year_picker
from explorer.text import md

page_header(
    "Data packs",
    "A printable data pack for a locality or a school partnership: numbers of children and "
    "their needs, attendance, exclusions, attainment, special educational needs and high "
    "needs funding, each compared with the county and over the years, with a plain-English "
    "sentence for every figure. Preview it here, then download it as an **Excel workbook**, "
    "a **web page you can print** or a **PDF**.",
)

years = query("list_years")
picker_level, picker_area, picker_year = st.columns([1, 2, 1])
level, area = pack_preview.pick_area(picker_level, picker_area)
year = year_picker(years, container=picker_year)
if level is None or area is None or year is None:
    st.stop()

pack, excel_bytes, html_bytes = pack_preview.built(level, area, year)
pack_preview.downloads(pack, excel_bytes, html_bytes, level, area, year)

links = st.columns(3)
page_params = {"year": str(year), level.lower(): area}
links[0].page_link(
    "app_pages/locality.py" if level == "Locality" else "app_pages/partnership.py",
    label="Locality page" if level == "Locality" else "Partnership profile",
    icon=":material/arrow_forward:",
    query_params=page_params,
    help=f"Open {md(area)} on the {level.lower()} page",
)
links[1].page_link(
    "app_pages/exclusions.py",
    label="Exclusions explorer",
    icon=":material/query_stats:",
    query_params={**page_params, "level": level},
    help=f"Exclusions in {md(area)} by reason, characteristic and school",
)
links[2].page_link(
    "app_pages/data_and_definitions.py",
    label="Data and definitions",
    icon=":material/menu_book:",
)

pack_preview.preview(pack)
pack_preview.notes(pack)
