"""Where the exclusions explorer looks, and the way between levels: the level, year and
area pickers (all kept in the address), the breadcrumbs back up, and the callbacks that
move to another level (they run before the widgets are drawn again)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from explorer.data import query
from explorer.exclusions import CHILD_LEVEL, CHILD_TAB, FIRST_SECTION, LEVELS, URL_PARAM, Place
from explorer.formatting import year_label
from explorer.layout import SECTION_PARAM
from explorer.text import md
from explorer.url_state import url_radio, url_selectbox


def go_to(level: str, **areas: str | int) -> None:
    """Callback: show another level (and area); runs before the widgets are drawn again."""
    st.session_state["url-level"] = level
    for param, area in areas.items():
        # the school picker's options are URNs (ints); other areas are names
        st.session_state[f"url-{param}"] = int(area) if param == "school" else area
    # The tab of the areas one level down is named for them: keep that view open
    # when moving to a level whose child areas are others (no such tab for a school).
    if st.session_state.get(SECTION_PARAM) in CHILD_TAB.values():
        child = CHILD_LEVEL.get(level)
        st.session_state[SECTION_PARAM] = CHILD_TAB[child] if child else FIRST_SECTION


def drill_from_table(table_key: str, child_level: str, areas: list) -> Callable[[], None]:
    """Callback for a click on a row of the child areas table: open that area."""

    def callback() -> None:
        rows = st.session_state[table_key].selection.rows
        if rows:
            go_to(child_level, **{URL_PARAM[child_level]: areas[rows[0]]})

    return callback


def pick_place(council: str, county_trend: pd.DataFrame) -> Place:
    """The level, the year and the area at that level (``?level=&year=&locality=...``).
    A school is found by typing and brings its locality and partnership into the address;
    a link that names only a partnership opens in its locality. The place's area is None
    when there is nothing to show at that level."""
    level = url_radio(
        "Look at",
        LEVELS,
        "level",
        default="County",
        format_func=lambda lv: {"County": f"The county ({council})"}.get(lv, f"A {lv.lower()}"),
    )
    if level == "School":  # every school in the county, found by typing; its areas follow
        pick_year, pick_school = st.columns([1, 3])
    else:
        pick_year, pick_locality, pick_partnership = st.columns([1, 1.5, 1.5])
    time_period = url_selectbox(
        "Academic year",
        county_trend["time_period"].sort_values(ascending=False).tolist(),
        "year",
        format_func=year_label,
        container=pick_year,
    )
    if level == "School":
        return _pick_school(time_period, pick_school)
    if level == "County":
        return Place(level, time_period, council, council)
    # A link that names only a partnership still opens in the right locality.
    all_partnerships = query("list_partnerships")
    match = all_partnerships[all_partnerships["partnership"] == st.query_params.get("partnership")]
    locality = url_selectbox(
        "Locality",
        query("list_localities")["locality"].tolist(),
        "locality",
        default=match.iloc[0]["locality"] if not match.empty else None,
        container=pick_locality,
    )
    if level == "Partnership" and locality is not None:
        partnership = url_selectbox(
            "Partnership",
            query("list_partnerships", locality=locality)["partnership"].tolist(),
            "partnership",
            container=pick_partnership,
        )
        return Place(level, time_period, partnership, partnership, locality, partnership)
    return Place(level, time_period, locality, locality, locality)


def _pick_school(time_period: int, container) -> Place:
    """Any school open in the year, by name or URN; its areas are written to the address."""
    schools = query("list_schools", time_period=time_period)
    by_urn = schools.set_index("urn")
    school = url_selectbox(
        f"School (open in {year_label(time_period)}): type a name or URN",
        schools["urn"].tolist(),
        "school",
        format_func=lambda urn: (
            f"{by_urn.at[urn, 'school_name']} ({urn}), "
            f"{by_urn.at[urn, 'partnership'] or 'no partnership'}"
        ),
        container=container,
    )
    if school is None:
        return Place("School", time_period, None, None)
    locality, partnership = by_urn.at[school, "locality"], by_urn.at[school, "partnership"]
    # the school's areas are in the address too, so the links up the tree name them
    for param, value in (("locality", locality), ("partnership", partnership)):
        if value is not None and st.query_params.get(param) != value:
            st.query_params[param] = value
    name = str(by_urn.at[school, "school_name"])
    return Place("School", time_period, str(school), name, locality, partnership, school)


def nothing_to_show(council: str, place: Place) -> None:
    """No area at this level (no school open that year): say so, with the way back up."""
    st.info(
        f"There is nothing to show at this level for {place.year}: choose another area or year."
    )
    st.button(
        f"Back to {council}", on_click=go_to, args=("County",), icon=":material/arrow_upward:"
    )


def breadcrumbs(council: str, place: Place) -> None:
    """County > locality > partnership > school, each level above this one a button."""
    trail = [("County", council, {})]
    if place.locality:
        trail.append(("Locality", place.locality, {"locality": place.locality}))
    if place.partnership:
        trail.append(("Partnership", place.partnership, {"partnership": place.partnership}))
    if place.school is not None:
        trail.append(("School", place.area_label, {}))
    crumbs = st.container(horizontal=True, vertical_alignment="center", gap="small")
    if len(trail) > 1:
        crumbs.markdown("You are here:")
    for position, (crumb_level, crumb_name, crumb_areas) in enumerate(trail):
        if crumb_level == place.level:
            here = "You are here: " if len(trail) == 1 else ""
            crumbs.markdown(f"{here}**{md(crumb_name)}** ({crumb_level.lower()})")
        else:
            crumbs.button(
                md(crumb_name),
                key=f"crumb-{crumb_level}",
                on_click=go_to,
                args=(crumb_level,),
                kwargs=crumb_areas,
                type="tertiary",
                icon=":material/arrow_upward:",
                help=f"Go back up to {crumb_level.lower()} level",
            )
        if position < len(trail) - 1:
            crumbs.markdown("›")
