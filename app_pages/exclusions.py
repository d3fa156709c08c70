"""Exclusions explorer: permanent exclusions and suspensions from the county down to a school.

For analysts: trend, reasons, pupil characteristics, school phases and the ranked list of
the areas one level down, for any year. Every selection (level, locality, partnership,
school, year, measure, characteristic group) lives in the page address, and the path back
up (county > locality > partnership > school) is always one click away.
"""

from __future__ import annotations

import streamlit as st

from explorer import exclusions, exclusions_drill, exclusions_sections
from explorer.data import query
from explorer.layout import lazy_tabs, page_header
from explorer.text import md

page_header(
    "Exclusions explorer",
    "Permanent exclusions and suspensions in the council's schools, from the whole county "
    "down to a single school. Choose where to look and a year: the page shows the trend, "
    "the reasons given, which groups of pupils are excluded most, the school phases, and the "
    "areas one level down, ranked, each in its own tab. Click an area in the last tab's "
    "table to look inside it.",
)

# ---------------------------------------------------------------- where and when (in the URL)
council = str(query("council_settings")["council_name"])
measures = query("list_measures", subject="Exclusions").set_index("measure")
county_trend = query("exclusion_trend", level="County", area=council)
if county_trend.empty:
    st.info("This warehouse holds no exclusions data. Add the DfE exclusions files and rebuild.")
    st.page_link("app_pages/data_and_definitions.py", label="See which data the warehouse holds")
    st.stop()

place = exclusions_drill.pick_place(council, county_trend)
if place.area is None:
    exclusions_drill.nothing_to_show(council, place)
    st.stop()
rate = exclusions.pick_rate(measures)  # the measure every chart below draws
exclusions_drill.breadcrumbs(council, place)  # the way back up
view = exclusions.open_view(place, council, rate, measures, county_trend)

# ---------------------------------------------------------------- headline figures
exclusions.headline(view)
exclusions.measures_explained(measures)

# ---------------------------------------------------------------- the sections, as tabs
# Only the open tab is drawn (and its queries run): all five sections at once were ~50
# elements and 6 charts, and the browser drew the page's first chart ~0.5 s later.
lazy_tabs(exclusions_sections.sections(view))

# ---------------------------------------------------------------- elsewhere in the explorer
st.subheader("Related pages")
links = st.columns(3)
if view.locality:
    links[0].page_link(
        "app_pages/locality.py",
        label=f"Locality profile: {md(view.locality)}",
        icon=":material/location_on:",
        query_params={"locality": view.locality, "year": str(view.time_period)},
    )
if view.partnership:
    links[1].page_link(
        "app_pages/partnership.py",
        label=f"Partnership profile: {md(view.partnership)}",
        icon=":material/groups:",
        query_params={
            "partnership": view.partnership,
            "locality": view.locality,
            "year": str(view.time_period),
        },
    )
links[2].page_link(
    "app_pages/statistical_comparisons.py",
    # short enough for a third of the page: a longer label was cut off mid-word
    label="Is a difference more than chance?",
    help="Statistical comparisons: funnel plots and trend tests for this measure",
    icon=":material/scatter_plot:",
    query_params={
        "measure": view.rate,
        "year": str(view.time_period),
        "level": view.child_level or "School",
    },
)
if not view.locality:
    links[0].page_link(
        "app_pages/compare_localities.py",
        label="Compare the localities on any measure",
        icon=":material/bar_chart:",
        query_params={"measure": view.rate, "year": str(view.time_period)},
    )
