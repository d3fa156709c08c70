"""Statistical comparisons: which areas really differ from the county, which are changing,
and how the county compares with England and its statistical neighbours.

Funnel plots (Spiegelhalter) put every locality, partnership or school against its size,
so a small partnership is not flagged for noise; trend tests say whether a rate is rising
or falling beyond chance; the DfE's published LA figures set the county beside its
neighbours. Every selection (measure, year, level, locality) lives in the page address.
"""

from __future__ import annotations

import streamlit as st

from explorer import comparisons
from explorer.data import query
from explorer.layout import definition_box, lazy_tabs, page_header

page_header(
    "Statistical comparisons",
    "Is a locality, partnership or school really different from the county, or just small? "
    "The **funnel plot** answers that: each area is a dot placed by its size, and the "
    "funnel-shaped lines show how far from the county rate an area of that size could land "
    "by chance alone. The next tabs show which areas are **rising or falling** over the "
    "years, and how the county compares with **England and its statistical neighbours**.",
)

# ---------------------------------------------------------------- choices (in the URL)
measure_ids, measures = comparisons.rate_measures()
years = query("list_years")["time_period"].tolist()
if not years:
    st.info("The warehouse holds no school data yet. Add the DfE files and rebuild.")
    st.page_link("app_pages/data_and_definitions.py", label="See which data the warehouse holds")
    st.stop()
choice = comparisons.pick(measure_ids, measures, years)
definition_box(choice.info)
comparisons.mixed_phases_note(choice)

# ---------------------------------------------------------------- the areas this year (every tab)
comparison = comparisons.open_comparison(choice)

# Only the open tab is drawn: the three analyses at once were ~40 elements and 3 charts,
# and the browser drew the page's first chart about a second after the last arrived.
lazy_tabs(comparisons.sections(comparison))

st.divider()
nav = st.columns(3)
with nav[0]:
    st.page_link(
        "app_pages/compare_localities.py",
        label="Compare the localities side by side",
        icon=":material/bar_chart:",
        query_params={"measure": choice.measure, "year": str(choice.time_period)},
    )
with nav[1]:
    st.page_link(
        "app_pages/exclusions.py",
        label="Explore exclusions in detail",
        icon=":material/query_stats:",
        query_params={"year": str(choice.time_period)},
    )
with nav[2]:
    st.page_link(
        "app_pages/data_and_definitions.py",
        label="Data sources and definitions",
        icon=":material/menu_book:",
    )
