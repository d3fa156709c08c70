"""Compare localities: the nine localities side by side for any measure and year.

Two tabs, only the open one drawn. The year: a ranked bar chart against the county, England
and the region, and the full table of figures (numerators, denominators, coverage,
suppression) to download. The trends: small multiples of every
locality's trend with the county line in each panel (above ``layout.MAX_LOCALITY_TILES``
localities, every LA nationally, one heatmap instead: 159 panels took the browser over a
second to draw). Charts are sent only the columns they draw.
"""

from __future__ import annotations

import streamlit as st

from explorer import localities
from explorer.data import query
from explorer.layout import definition_box, lazy_tabs, page_header
from explorer.pickers import MeasureYear, measure_picker, year_picker
from explorer.text import md

page_header(
    "Compare localities",
    "Put the nine localities side by side for any measure: which are highest and lowest this "
    "year, how each has changed over time, and how they compare with the county and England. "
    "Pick a locality to highlight it in every chart.",
)

# ---------------------------------------------------------------- choices (kept in the URL)
measures = query("list_measures")
years = query("list_years")
pick_measure, pick_year, pick_locality = st.columns([3, 1, 2])
measure_id = measure_picker(measures, localities.DEFAULT_MEASURE, container=pick_measure)
time_period = year_picker(years, container=pick_year)
highlight = localities.highlight_picker(
    query("list_localities")["locality"].tolist(), container=pick_locality
)
if measure_id is None or time_period is None:
    st.stop()
chosen = MeasureYear.of(measures, measure_id, time_period)
definition_box(chosen.info)

figures = localities.load(chosen, highlight)
if figures.localities.empty:
    st.info(
        f"There are no locality figures for {chosen.label.lower()} in {chosen.year}: not every "
        "source covers every year. Choose another year, or see the Trends tab."
    )

# ---------------------------------------------------------------- the two views, as tabs
# Only the open tab is drawn: the ranking and the trends at once were 3 charts, and the
# national trend heatmap alone delayed the page's first chart.
lazy_tabs(localities.sections(figures))

# ---------------------------------------------------------------- where next
st.header("Look closer")
links = {"measure": figures.measure_id, "year": str(figures.time_period)}
if figures.highlight:
    st.page_link(
        "app_pages/locality.py",
        label=f"Everything about {md(figures.highlight)}",
        icon=":material/location_on:",
        query_params={**links, "locality": figures.highlight},
    )
st.page_link(
    "app_pages/statistical_comparisons.py",
    label="Are the differences bigger than chance? See the statistical comparisons",
    icon=":material/scatter_plot:",
    query_params={**links, "level": "Locality"},
)
st.page_link(
    "app_pages/county_overview.py",
    label="See this measure on the county map",
    icon=":material/map:",
    query_params=links,
)
if figures.measure["subject"] == "Exclusions":
    st.page_link(
        "app_pages/exclusions.py",
        label="Explore exclusions by reason and pupil characteristic",
        icon=":material/query_stats:",
        query_params={**links, **({"locality": figures.highlight} if figures.highlight else {})},
    )
