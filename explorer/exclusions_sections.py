"""The exclusions explorer's tabs, each drawn from one View (explorer.exclusions): the
trend, the reasons (with the DfE's county, region and England shares), the groups of
pupils, the school phases, and the areas one level down, ranked and a click away."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from analysis.breakdowns import REMAINDER_LABEL, with_totals
from explorer import access, layout
from explorer.charts import trend_chart
from explorer.data import query
from explorer.downloads import download_csv, slug
from explorer.exclusions import (
    BREAKDOWN_NOTE,
    CHILD_TAB,
    COUNTS,
    FIRST_SECTION,
    GROUP_WORDS,
    RATES,
    REASON_RATE,
    URL_PARAM,
    VALUE_COLUMNS,
    View,
    count_chart,
    draw,
    draw_bars,
    estimate_columns,
    level_years,
    show_table,
    with_suppressed,
)
from explorer.exclusions_drill import drill_from_table, go_to
from explorer.formatting import SUPPRESSED_LABEL
from explorer.layout import definition_box, definition_text
from explorer.text import md
from explorer.url_state import url_selectbox

CHILD_PLURAL = {"Locality": "localities", "Partnership": "partnerships", "School": "schools"}


def sections(view: View) -> dict[str, Callable[[], None]]:
    """The tabs for this level, in order (no phases for a school, no areas below one)."""
    tabs = {
        FIRST_SECTION: partial(show_trend, view),
        "Reasons": partial(show_reasons, view),
        "Groups of pupils": partial(show_groups, view),
    }
    if view.level != "School":
        tabs["School phase"] = partial(show_phases, view)
    if view.child_level is not None:
        tabs[CHILD_TAB[view.child_level]] = partial(show_child_areas, view)
    return tabs


def show_trend(view: View) -> None:
    """Over the years: the rate beside the county and England, and the counts."""
    rate, area_label = view.rate, view.area_label
    rate_label, rate_unit = view.rate_label, view.rate_unit
    rate_trend = query("area_measure_trend", level=view.level, area=view.area, measure=rate)
    st.subheader("Over the years")
    trend_left, trend_right = st.columns(2)
    with trend_left:
        series = rate_trend.copy()
        # The area's own line is named after it (at county level the view calls it 'County').
        series.loc[~series["is_reference"], "series"] = area_label
        title = f"{rate_label}, {area_label}" + (
            "" if view.level == "County" else f" and {view.council}"
        )
        draw(
            level_years(trend_chart(series, rate_label, rate_unit, title, series="series")),
            alt=(
                f"Line chart of the {rate_label.lower()} ({rate_unit}) each year for {area_label}, "
                "with dashed reference lines for the county and England."
            ),
        )
        gaps = series[series["suppressed"] & ~series["is_reference"]]["year"].tolist()
        st.caption(
            definition_text(view.rate_info)
            + (f"\n\nSuppressed (not drawn): {', '.join(gaps)}." if gaps else "")
        )
        download_csv(
            with_suppressed(
                series.rename(columns={"value": rate, "suppressed": f"{rate}_suppressed"}), [rate]
            )[["series", "level", "area_name", "year", rate, "numerator", "denominator"]],
            f"exclusions-trend-{rate}-{slug(area_label)}",
            "Download the chart's figures (CSV)",
        )
    with trend_right:
        count = view.count
        count_label = str(view.measures.loc[count, "label"])
        counts = view.trend[["year", count, f"{count}_suppressed"]].copy()
        counts["label"] = [
            SUPPRESSED_LABEL if hidden else ("No data" if pd.isna(n) else f"{n:,.0f}")
            for n, hidden in zip(
                counts[count], counts[f"{count}_suppressed"].fillna(False), strict=True
            )
        ]
        counts["value"] = counts[count].astype(float)
        draw(
            count_chart(counts, count_label, str(view.measures.loc[count, "unit"]), area_label),
            alt=f"Bar chart of the number of {count_label.lower()} each year in {area_label}.",
        )
        definition_box({"measure": count, **view.measures.loc[count].to_dict()})
        download_csv(
            with_suppressed(counts.drop(columns=["label", "value"]), [count]),
            f"exclusions-counts-{count}-{slug(area_label)}",
            "Download the chart's figures (CSV)",
        )
    show_table(
        view.trend,
        {"year": st.column_config.TextColumn("Academic year")},
        f"Exclusions each year in {area_label}",
    )
    download_csv(
        with_suppressed(view.trend, VALUE_COLUMNS)[
            ["area_name", "year", *VALUE_COLUMNS, "n_schools", "n_schools_missing"]
            + estimate_columns(view.trend)
        ],
        f"exclusions-by-year-{slug(area_label)}",
    )


def show_reasons(view: View) -> None:
    """The reasons recorded for suspensions and permanent exclusions, in the year."""
    area_label, year = view.area_label, view.year
    reasons = query(
        "exclusions_by_reason", level=view.level, area=view.area, time_period=view.time_period
    )
    reason_rate = REASON_RATE[view.rate]
    reason_label = str(view.measures.loc[reason_rate, "label"])
    st.subheader(f"Reasons, {year}")
    if reasons.empty:
        access.empty_council_section(
            view.level,
            str(view.area),
            f"No reasons are recorded for {md(area_label)} in {year}.",
            f"Reasons for {md(area_label)} (from the council's exclusions log)",
        )
    else:
        draw_bars(
            reasons,
            "reason",
            reason_rate,
            f"{reason_label} by reason, {area_label}, {year}",
            category_title="Reason",
            axis_title=False,
            label_limit=420,
            alt=f"Bar chart ranking the reasons for exclusion by {reason_label.lower()} in {year}.",
            measures=view.measures,
        )
        st.caption(
            "Rates are per 100 pupils on roll in the area. "
            + BREAKDOWN_NOTE
            + (
                " Reasons are recorded for suspensions, so this chart shows suspensions."
                if view.rate == "one_plus_susp_rate"
                else ""
            )
        )
        # the parts add up: the suppressed reasons together, then all exclusions
        reasons = with_totals(reasons, "reason", view.now, ["perm_excl", "susp"])
        show_table(
            reasons,
            {"reason": st.column_config.TextColumn("Reason", width="large")},
            f"Exclusions by reason in {area_label}, {year}",
            height="content",  # every reason and the rows that add them up, no scrolling
        )
        download_csv(
            with_suppressed(reasons.assign(year=year), VALUE_COLUMNS)[
                ["year", "reason", "perm_excl", "perm_excl_rate", "susp", "susp_rate"]
            ],
            f"exclusions-by-reason-{slug(area_label)}-{view.time_period}",
        )
    if view.level == "County":
        show_reason_benchmarks(view)


def show_reason_benchmarks(view: View) -> None:
    """The DfE's reasons for the county (its LA row), its region and England: the share of
    each area's suspensions (or permanent exclusions) given each reason."""
    benchmarks = query("reason_benchmarks", time_period=view.time_period)
    if benchmarks.empty:
        return
    council = view.council
    permanent = view.rate == "perm_excl_rate"
    kind = "permanent exclusions" if permanent else "suspensions"
    share = "share_of_perm" if permanent else "share_of_susp"
    st.markdown(f"**Compared with the region and England: share of {kind} by reason**")
    table = benchmarks.pivot_table(
        index="reason", columns="area_name", values=share, aggfunc="first", dropna=False
    )
    order = benchmarks.drop_duplicates("area_name").sort_values(
        "level", key=lambda s: s.map({"LA": 0, "Regional": 1, "National": 2})
    )["area_name"]
    table = table.reindex(columns=list(order)).sort_values(list(order)[0], ascending=False)
    st.dataframe(
        table.reset_index(),
        column_config={
            "reason": st.column_config.TextColumn("Reason", width="large"),
            **{name: st.column_config.NumberColumn(f"{name} %", format="%.1f") for name in order},
        },
        hide_index=True,
        placeholder=SUPPRESSED_LABEL,
        alt=f"Share of {kind} by reason in {council}, its region and England, {view.year}",
    )
    st.caption(
        f"The DfE's own figures for {council} (its Local authority row), the region and "
        f"England, from the exclusions by reason file: each reason's share of the area's "
        f"{kind} that year. The DfE rounds these area counts to the nearest 5 and withholds "
        "the smallest ('Suppressed' here)."
    )
    download_csv(
        benchmarks[["year", "level", "area_name", "reason", "perm_excl", "susp", share]],
        f"exclusions-by-reason-benchmarks-{view.time_period}",
    )


def show_groups(view: View) -> None:
    """The rate for each group of pupils (SEN provision, FSM, ethnicity …) in the year."""
    area_label, year, rate, now = view.area_label, view.year, view.rate, view.now
    st.subheader(f"Groups of pupils, {year}")
    groups = query("characteristic_groups")["characteristic_group"].tolist()
    group = url_selectbox(
        "Pupil characteristic",
        groups,
        "group",
        default="SEN provision" if "SEN provision" in groups else None,
    )
    if group is None:
        return
    group_words = GROUP_WORDS.get(group, group)
    by_group = query(
        "exclusions_by_characteristic",
        level=view.level,
        area=view.area,
        characteristic_group=group,
        time_period=view.time_period,
    )
    # no pupils by this group in the census: counts only, no rates to chart
    counts_only = (
        not by_group.empty
        and by_group["headcount"].isna().all()
        and not by_group["headcount_suppressed"].any()
    )
    if by_group.empty:
        access.empty_council_section(
            view.level,
            str(view.area),
            f"No {group_words} breakdown for {md(area_label)} in {year}.",
            f"Exclusions by {group_words} for {md(area_label)} (from the council's exclusions log)",
        )
        return
    overall = None if now is None or now[f"{rate}_suppressed"] else now[rate]
    if not counts_only:
        draw_bars(
            by_group,
            "characteristic",
            rate,
            f"{view.rate_label} by {group_words}, {area_label}, {year}",
            references={"All pupils": overall},
            category_title=group,
            alt=(
                f"Bar chart of the {view.rate_label.lower()} for each {group_words} group, "
                "with a dashed line for all pupils."
            ),
            measures=view.measures,
        )
    st.caption(
        f"**Each rate is per 100 pupils in that group**: for example, suspensions of "
        f"pupils with an EHC plan for every 100 pupils with an EHC plan on roll. The "
        f"'Pupils in group' column is that denominator. The dashed line is the rate for "
        f"all pupils in {md(area_label)}. " + BREAKDOWN_NOTE
    )
    # the parts add up: the suppressed groups together, then all pupils
    by_group = with_totals(
        by_group, "characteristic", now, list(COUNTS), others=(*RATES, "headcount")
    )
    table = by_group.rename(columns={"headcount": "pupils_in_group"})
    first = {
        "characteristic": st.column_config.TextColumn(group),
        "pupils_in_group": st.column_config.NumberColumn(
            "Pupils in group (the denominator)", format="%,d"
        ),
    }
    shown = VALUE_COLUMNS
    if counts_only:  # ("Suppressed" would be untrue: there is no figure to hide)
        shown = [c for c in VALUE_COLUMNS if c != "headcount" and c not in RATES]
        table = table.drop(columns=["pupils_in_group", *RATES], errors="ignore")
        first.pop("pupils_in_group")
        st.info(
            f"No rates by {group_words}: the school census gives no pupil numbers by "
            f"{group_words}, so the table shows the counts only."
        )
    show_table(
        table,
        first,
        f"Exclusions by {group_words} in {area_label}, {year}",
        height="content",
    )
    download_csv(
        with_suppressed(by_group.assign(year=year, characteristic_group=group), shown)[
            ["year", "characteristic_group", "characteristic", *shown]
        ],
        f"exclusions-by-{slug(group)}-{slug(area_label)}-{view.time_period}",
    )


def show_phases(view: View) -> None:
    """The rate in each school phase of the area (not for a single school)."""
    area_label, year, rate, now = view.area_label, view.year, view.rate, view.now
    phases = query(
        "exclusions_by_phase", level=view.level, area=view.area, time_period=view.time_period
    )
    st.subheader(f"School phase, {year}")
    if phases.empty:
        st.info(f"No figures by phase for {md(area_label)} in {year}.")
        return
    draw_bars(
        phases,
        "phase",
        rate,
        f"{view.rate_label} by school phase, {area_label}, {year}",
        references={"All pupils": None if now is None else now[rate]},
        category_title="School phase",
        alt=f"Bar chart of the {view.rate_label.lower()} in each school phase in {area_label}.",
        measures=view.measures,
    )
    st.caption(
        "Each rate is per 100 pupils on roll in the area's schools of that phase "
        "(primary, secondary, special schools, alternative provision …). The last rows "
        f"make the phases add up: **{REMAINDER_LABEL}** is the area's figure less the "
        "phases shown (suppressed figures, and schools whose figures the DfE withheld), "
        "**All** the area's own figure."
    )
    # the phases add up to the area: the suppressed ones (and any school whose figure
    # the DfE withheld) together, then all pupils
    phases = with_totals(phases, "phase", now, list(COUNTS), others=(*RATES, "headcount"))
    show_table(
        phases,
        {"phase": st.column_config.TextColumn("School phase")},
        f"Exclusions by school phase in {area_label}, {year}",
        height="content",
    )
    download_csv(
        with_suppressed(phases, VALUE_COLUMNS)[["year", "phase", *VALUE_COLUMNS]],
        f"exclusions-by-phase-{slug(area_label)}-{view.time_period}",
    )


def ranked_children(view: View) -> pd.DataFrame:
    """The areas one level down with figures this year, highest rate first (suppressed
    last), each with a rank and a name that is unique (a shared name gets its code)."""
    children = query(
        "exclusions_child_areas",
        level=view.child_level,
        time_period=view.time_period,
        parent=None if view.level == "County" else view.area,
    )
    if children.empty:
        return children
    rate = view.rate
    children = children.sort_values(
        [f"{rate}_suppressed", rate, "area_name"], ascending=[True, False, True]
    ).reset_index(drop=True)
    duplicated = children["area_name"].duplicated(keep=False)
    children["name"] = children["area_name"].where(
        ~duplicated, children["area_name"] + " (" + children["area"] + ")"
    )
    children["rank"] = range(1, len(children) + 1)
    return children


def show_child_areas(view: View) -> None:
    """The areas one level down, ranked, each a click away."""
    child_level, area_label, year, rate = view.child_level, view.area_label, view.year, view.rate
    rate_label, time_period = view.rate_label, view.time_period
    plural = CHILD_PLURAL[child_level]
    st.subheader(f"The {plural} of {md(area_label)}, {year}")
    children = ranked_children(view)
    if children.empty:
        st.info(f"No {plural} in {md(area_label)} have figures for {year}.")
        return
    references = {"County": view.county_now[rate]}
    if view.level != "County" and view.now is not None:
        references[area_label] = view.now[rate]
    # Above layout.MAX_LOCALITY_TILES areas (every LA nationally: 159) the chart shows
    # the two ends of the ranking, a third of that many each (10 and 10), and the table
    # every area (159 bars were a 4,000-pixel chart the browser drew before the first
    # chart on the page could appear).
    ranked = children[
        ~children[f"{rate}_suppressed"].fillna(False).astype(bool) & children[rate].notna()
    ]
    end_size = layout.MAX_LOCALITY_TILES // 3
    ends = len(children) > layout.MAX_LOCALITY_TILES and len(ranked) > 2 * end_size
    drawn = pd.concat([ranked.head(end_size), ranked.tail(end_size)]) if ends else children
    draw_bars(
        drawn,
        "name",
        rate,
        f"{rate_label} by {child_level.lower()}, {area_label}, {year}"
        + (f": the {end_size} highest and {end_size} lowest" if ends else ""),
        references=references,
        category_title=child_level,
        alt=(
            f"Bar chart of the {end_size} {plural} of {area_label} with the highest "
            f"{rate_label.lower()} and the {end_size} with the lowest, "
            "with dashed reference lines."
            if ends
            else f"Bar chart ranking the {plural} of {area_label} by "
            f"{rate_label.lower()}, with dashed reference lines."
        ),
        measures=view.measures,
    )
    st.caption(
        (
            f"The chart shows the two ends of the ranking; the table ranks all "
            f"{len(children):,} {plural}. "
            if ends
            else ""
        )
        + f"Ranked by {rate_label.lower()}; suppressed last. **Select a row** to look "
        f"inside that {child_level.lower()}, or choose it below."
    )
    table_key = f"children-{slug(area_label)}-{time_period}"
    show_table(
        children,
        {
            "rank": st.column_config.NumberColumn("Rank", format="%d"),
            "name": st.column_config.TextColumn(child_level),
        },
        f"The {plural} of {area_label} ranked by {rate_label.lower()}",
        key=table_key,
        on_select=drill_from_table(table_key, child_level, children["area"].tolist()),
        selection_mode="single-row",
    )
    download_csv(
        with_suppressed(children, VALUE_COLUMNS)[
            ["rank", "level", "area", "area_name", "parent_area", "year", *VALUE_COLUMNS]
            + estimate_columns(children)
        ],
        f"exclusions-{slug(plural)}-of-{slug(area_label)}-{time_period}",
    )
    names = dict(zip(children["area"], children["name"], strict=True))
    pick_child, open_child = st.columns([3, 1], vertical_alignment="bottom")
    pick_child.selectbox(
        f"Look inside a {child_level.lower()}",
        children["area"].tolist(),
        format_func=names.get,
        key="drill-choice",
    )
    open_child.button(
        f"Show this {child_level.lower()}",
        on_click=lambda: go_to(
            child_level,
            **{URL_PARAM[child_level]: st.session_state["drill-choice"]},
        ),
        key="drill-open",
        icon=":material/arrow_downward:",
    )
