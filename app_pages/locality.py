"""Locality: the 2017 High Needs Review's "locality data set" for one locality, live.

A map of the locality's partnerships and schools, a table of its partnerships, then the
data set (numbers of children, profile of needs, absence, exclusions, attainment,
funding), each measure against the county and England this year and over time.
"""

from __future__ import annotations

import streamlit as st

from analysis.sentences import membership_sentence
from explorer import dataset
from explorer.data import query
from explorer.downloads import download_csv
from explorer.formatting import year_label
from explorer.layout import page_header, suppression_note
from explorer.pickers import year_picker
from explorer.text import md
from explorer.url_state import url_selectbox

page_header(
    "Locality",
    "Everything about one locality's schools in one place: how many children, their needs, "
    "absence, exclusions, attainment and high needs funding, each compared with the county "
    "and England, this year and over time. It is the *locality data set* first put together "
    "for the 2017 Oxfordshire High Needs Review, kept up to date.",
)

localities = query("list_localities")
years = query("list_years")
picker_locality, picker_year = st.columns(2)
locality = url_selectbox(
    "Locality", localities["locality"].tolist(), "locality", container=picker_locality
)
year = year_picker(years, container=picker_year)
if locality is None or year is None:
    st.stop()

with st.spinner(f"Loading {md(locality)}'s figures…"):
    comparison = query("locality_vs_county", locality=locality, time_period=year)
    partnerships = query("locality_partnerships", locality=locality, time_period=year)
if comparison.empty:
    st.info(
        f"There are no figures for {md(locality)} in {year_label(year)}. Choose another year; "
        "localities are listed from the schools' partnership membership."
    )
    st.stop()

stem = f"locality-{dataset.slug(locality)}"
area = dataset.Area(
    level="Locality",
    name=locality,
    year=int(year),
    comparators=(
        dataset.Comparator("County", "county_value", "county_suppressed", "percent_of_county"),
        dataset.Comparator("England", "national_value"),
    ),
    file_stem=stem,
)

st.markdown(
    "**On this page:** [Partnerships and schools](#partnerships) · "
    "[The data set: every measure, then a tab per section](#dataset) · "
    "[Explore further](#further)"
)
st.caption(suppression_note())

# --------------------------------------------------------------------------- partnerships
st.header(f"Partnerships and schools in {md(locality)}", anchor="partnerships")
dataset.render_partnership_map(locality, int(year), None, f"{stem}-schools-{year}")

st.subheader(f"{md(locality)}'s partnerships in {year_label(year)}")
if partnerships.empty:
    st.info(f"No partnership figures for {md(locality)} in {year_label(year)}.")
else:
    screen, download = dataset.wide_tables(
        partnerships,
        [("partnership", "Partnership"), ("n_schools", "Schools")],
        dataset.catalogue(),
    )
    dataset.render_wide_table(
        screen, ["Partnership", "Schools"], pinned="Partnership", key=f"{stem}-partnerships"
    )
    download.insert(0, "year", year_label(year))
    download_csv(download, f"{stem}-partnerships-{year}")
    st.caption(
        "Rates are for all the partnership's schools together (total pupils counted, divided by "
        "total pupils), so larger schools count for more. Open a partnership's profile:"
    )
    link_columns = st.columns(min(len(partnerships), 3))
    for index, name in enumerate(partnerships["partnership"]):
        link_columns[index % len(link_columns)].page_link(
            "app_pages/partnership.py",
            label=md(name),
            icon=":material/groups:",
            query_params={"partnership": name, "locality": locality, "year": str(year)},
        )

# --------------------------------------------------------------------------- the data set
changes = query("membership_changes", level="Locality", area=locality)
changes = changes[changes["time_period"] <= year]
if not changes.empty:
    st.info(md(membership_sentence(changes, locality)), icon=":material/swap_horiz:")
dataset.render_dataset(comparison, area)

# --------------------------------------------------------------------------- onward
st.header("Explore further", anchor="further")
st.page_link(
    "app_pages/exclusions.py",
    label=f"Exclusions explorer for {md(locality)}: reasons, pupil groups and schools",
    icon=":material/query_stats:",
    query_params={"level": "Locality", "locality": locality, "year": str(year)},
)
st.page_link(
    "app_pages/compare_localities.py",
    label="Compare all nine localities",
    icon=":material/bar_chart:",
    query_params={"locality": locality, "year": str(year)},
)
st.page_link(
    "app_pages/data_pack.py",
    label=f"Data pack for {md(locality)} (to print or share)",
    icon=":material/description:",
    query_params={"level": "Locality", "locality": locality, "year": str(year)},
)
