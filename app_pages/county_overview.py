"""County overview: the nine localities on one screen for a chosen measure and year.

For strategic leads and partnership chairs: a map, one tile per locality with the change
since the year before, the county and England figures, and a ranked table that says which
localities are highest and lowest without relying on colour.
"""

from __future__ import annotations

import streamlit as st

from explorer import overview
from explorer.data import query
from explorer.layout import definition_box, page_header
from explorer.pickers import MeasureYear, measure_picker, year_picker

page_header(
    "County overview",
    "How do the county's nine localities compare? Choose a measure and a year: the map, "
    "the tiles and the table show every locality's figure beside the county and England, "
    "and how it changed since the year before.",
)

# ---------------------------------------------------------------- choices (kept in the URL)
measures = query("list_measures")
years = query("list_years")
pick_measure, pick_year = st.columns([3, 1])
measure_id = measure_picker(measures, overview.DEFAULT_MEASURE, container=pick_measure)
time_period = year_picker(years, container=pick_year)
if measure_id is None or time_period is None:
    st.stop()
chosen = MeasureYear.of(measures, measure_id, time_period)
definition_box(chosen.info)

# ---------------------------------------------------------------- figures
view = overview.load(chosen, years)
if view.localities.empty:
    st.info(
        f"There are no locality figures for {view.label.lower()} in {view.year}. "
        "Try another year: not every source covers every year."
    )
    st.page_link("app_pages/data_and_definitions.py", label="See which years each source covers")
    st.stop()

st.markdown(overview.county_sentence(view))
overview.tiles(view)
overview.locality_map(view)
overview.ranked_table(view)

# ---------------------------------------------------------------- where next
st.header("Look closer")
st.page_link(
    "app_pages/compare_localities.py",
    label="Compare the localities side by side, with trends over every year",
    icon=":material/bar_chart:",
    query_params={"measure": view.measure_id, "year": str(view.time_period)},
)
st.page_link(
    "app_pages/data_and_definitions.py",
    label="Where the data comes from and how each measure is defined",
    icon=":material/menu_book:",
)
