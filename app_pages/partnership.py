"""Partnership profile: the locality data set for one school partnership.

The partnership against its locality, the county and England (this year and over time),
school by school, and its share of the county's high needs top-up funding beside its
share of pupils and of pupils with an EHC plan.
"""

from __future__ import annotations

import streamlit as st

from analysis.sentences import membership_sentence
from explorer import dataset, funding_share
from explorer.data import query
from explorer.downloads import download_csv
from explorer.formatting import year_label
from explorer.layout import page_header, suppression_note
from explorer.pickers import year_picker
from explorer.text import md
from explorer.url_state import url_selectbox

ALL_LOCALITIES = ""  # the locality picker's "no filter" option ('locality=' in the URL)

page_header(
    "Partnership profile",
    "The data set for one school partnership: its children, their needs, absence, exclusions, "
    "attainment and high needs funding, compared with its locality, the county and England. "
    "Then each school in the partnership, and the partnership's fair share of top-up funding.",
)

all_partnerships = query("list_partnerships", locality=None)
localities = query("list_localities")["locality"].tolist()
years = query("list_years")
picker_locality, picker_partnership, picker_year = st.columns([1, 2, 1])
# A link (the address changed since this page last wrote it) opens the partnership it
# names, with a locality that contains it, even if another one was chosen here before.
LAST_SHOWN = "partnership-page-last-shown"
linked = st.query_params.get("partnership")
linked_locality = all_partnerships.loc[all_partnerships["partnership"] == linked, "locality"]
if not linked_locality.empty and linked != st.session_state.get(LAST_SHOWN):
    asked = st.query_params.get("locality")
    st.session_state["url-locality"] = (
        asked if asked in (ALL_LOCALITIES, linked_locality.iloc[0]) else linked_locality.iloc[0]
    )
    st.session_state["url-partnership"] = linked
locality_choice = url_selectbox(
    "Locality",
    [ALL_LOCALITIES, *localities],
    "locality",
    default=linked_locality.iloc[0] if not linked_locality.empty else ALL_LOCALITIES,
    format_func=lambda name: name or "All localities",
    help="Choose a locality to narrow the list of partnerships.",
    container=picker_locality,
)
in_locality = query("list_partnerships", locality=locality_choice or None)
partnership = url_selectbox(
    "Partnership",
    in_locality["partnership"].tolist(),
    "partnership",
    format_func=(
        (lambda name: name)
        if locality_choice
        else (lambda name: f"{name} ({in_locality.set_index('partnership').at[name, 'locality']})")
    ),
    container=picker_partnership,
)
year = year_picker(years, container=picker_year)
st.session_state[LAST_SHOWN] = partnership
if partnership is None or year is None:
    st.stop()

with st.spinner(f"Loading {md(partnership)}'s figures…"):
    comparison = query("partnership_vs_locality", partnership=partnership, time_period=year)
if comparison.empty:
    st.info(
        f"{md(partnership)} has no figures in {year_label(year)}: it may not have existed that year. "
        "Choose another year."
    )
    st.stop()
locality = str(comparison["locality"].iloc[0])

stem = f"partnership-{dataset.slug(partnership)}"
area = dataset.Area(
    level="Partnership",
    name=partnership,
    year=int(year),
    comparators=(
        dataset.Comparator(
            locality, "locality_value", "locality_suppressed", "percent_of_locality"
        ),
        dataset.Comparator("County", "county_value", "county_suppressed", "percent_of_county"),
        dataset.Comparator("England", "national_value"),
    ),
    trend_areas=(("Locality", locality),),
    file_stem=stem,
)

st.markdown(
    f"**{md(partnership)}** is one of the partnerships of **{md(locality)}** locality in "
    f"{year_label(year)}. **On this page:** [Schools](#schools) · "
    "[The data set: every measure, then a tab per section](#dataset) · "
    "[Share of funding](#funding-share) · [Explore further](#further)"
)
st.caption(suppression_note())
found = query("search_index")
found = found[
    (found["kind"] == "School") & (found["urn"].astype("string") == st.query_params.get("school"))
]
if not found.empty and found.iloc[0]["partnership"] == partnership:
    school = found.iloc[0]
    st.success(
        f"**{md(school['name'])}** (URN {school['urn']}) is one of this partnership's schools: "
        "its own figures are in the table of schools below.",
        icon=":material/school:",
    )
    st.page_link(
        "app_pages/exclusions.py",
        label=f"Exclusions at {md(school['name'])}, year by year",
        icon=":material/query_stats:",
        query_params={"level": "School", "school": str(school["urn"]), "year": str(year)},
    )

# --------------------------------------------------------------------------- schools
st.header(f"Schools in {md(partnership)}", anchor="schools")
dataset.render_partnership_map(locality, int(year), partnership, f"{stem}-map-{year}")

schools = query("school_profile", partnership=partnership, time_period=year)
st.subheader(f"School by school, {year_label(year)}")
if schools.empty:
    st.info(f"No school figures for {md(partnership)} in {year_label(year)}.")
else:
    screen, download = dataset.wide_tables(
        schools,
        [("school_name", "School"), ("urn", "URN"), ("phase", "Phase")],
        dataset.catalogue(),
    )
    dataset.render_wide_table(
        screen, ["School", "URN", "Phase"], pinned="School", key=f"{stem}-schools"
    )
    download.insert(0, "year", year_label(year))
    download_csv(download, f"{stem}-schools-{year}")
    st.caption(
        "**Suppressed**: the school's number is too small to publish. **Not available**: the "
        "figure does not apply (for example key stage 2 at a secondary school) or was not "
        "published. The partnership's figures below add up its schools' pupils, not their rates."
    )

# --------------------------------------------------------------------------- the data set
changes = query("membership_changes", level="Partnership", area=partnership)
changes = changes[changes["time_period"] <= year]
if not changes.empty:
    st.info(md(membership_sentence(changes, partnership)), icon=":material/swap_horiz:")
dataset.render_dataset(comparison, area)

# --------------------------------------------------------------------------- funding share
funding_share.show_funding_share(partnership, locality, year, stem)

# --------------------------------------------------------------------------- onward
st.header("Explore further", anchor="further")
st.page_link(
    "app_pages/exclusions.py",
    label=f"Exclusions explorer for {md(partnership)}: reasons, pupil groups and schools",
    icon=":material/query_stats:",
    query_params={
        "level": "Partnership",
        "partnership": partnership,
        "locality": locality,
        "year": str(year),
    },
)
st.page_link(
    "app_pages/data_pack.py",
    label=f"Data pack for {md(partnership)} (to print or share)",
    icon=":material/description:",
    query_params={"level": "Partnership", "partnership": partnership, "year": str(year)},
)
st.page_link(
    "app_pages/locality.py",
    label=f"The whole of {md(locality)} locality",
    icon=":material/location_on:",
    query_params={"locality": locality, "year": str(year)},
)
