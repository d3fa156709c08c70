"""SEND board: the SEND improvement board's KPIs for the council, one row each, beside
England, the region and the statistical neighbours of the year, with the council's targets.

For strategic leads and the board: the published LA-level figures (EHC plans, SEN2), never
a school's. Read top to bottom: the summary, a row per KPI, the table to download and the
board on one page to print, then ten-year projections with their backtest and a scenario
a lead sets.
"""

from __future__ import annotations

import streamlit as st

from explorer import send_board, send_projections
from explorer.data import unavailable_data_as_message
from explorer.layout import page_header

page_header(
    "SEND board",
    "How is the council doing on the SEND improvement board's measures? Each row gives the "
    "latest published figure, how it has moved over 3 and 5 years, England, the region and "
    "the council's statistical neighbours, and the council's target. Green, amber and red "
    "are always written as words too.",
)

# ---------------------------------------------------------------- figures
with unavailable_data_as_message():
    council, rows = send_board.load()
if all(row.value is None for row in rows):
    st.info(
        f"There are no EHC plan (SEN2) figures for {council.name} in this build. Add the "
        "DfE's SEN2 files to the raw folder and rebuild."
    )
    st.page_link("app_pages/data_and_definitions.py", label="See which files each source reads")
    st.stop()

st.markdown(send_board.headline_sentence(rows, council))
st.caption(send_board.RULES_TEXT)

# ---------------------------------------------------------------- one row per KPI
st.header("The measures")
send_board.note_council_kpis()
for row in rows:
    send_board.render_row(row, council.name)

# ---------------------------------------------------------------- the table
st.header("The board as a table")
send_board.render_table(rows)
st.caption(send_board.NEXT_UPDATE)
send_board.render_one_page()

# ---------------------------------------------------------------- ten years on
st.header("Projections: EHC plans and top-up funding over the next ten years")
send_projections.render(council.name, rows)
st.subheader("A scenario: new plans, independent placements and cost")
send_projections.render_scenario(council.name, rows)

# ---------------------------------------------------------------- where next
st.header("Look closer")
st.page_link(
    "app_pages/data_and_definitions.py",
    label="Where the data comes from and how each measure is defined",
    icon=":material/menu_book:",
)
