"""The statistical comparisons page's pickers, the Comparison they choose (with the areas'
figures this year) and its three tabs: which areas stand out on a funnel plot, which are
rising or falling, and the county against England and its statistical neighbours.

The charts, tables and sentences themselves are built in explorer.funnel_chart; this
module lays them out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import partial

import pandas as pd
import streamlit as st

from analysis.funnel import DEFAULT_Z_LEVELS
from contract.catalogue import unit_format, unit_model
from explorer.charts import show_chart
from explorer.data import query
from explorer.downloads import download_csv, slug
from explorer.formatting import SUPPRESSED_LABEL, format_value, year_label
from explorer.funnel_chart import (
    INNER_LABEL,
    OUTER_LABEL,
    UNIT_NOUNS,
    Funnel,
    build_funnel,
    chart_limits,
    chart_points,
    comparator_chart,
    comparator_series,
    comparator_summary,
    comparator_wide,
    funnel_alt_text,
    funnel_chart,
    measure_kind,
    outlier_table,
    overdispersion_is_clear,
    overdispersion_note,
    trend_change_chart,
    trend_table,
)
from explorer.layout import measure_help, suppression_note
from explorer.text import md
from explorer.url_state import url_radio, url_selectbox, url_toggle

LEVELS = ["Locality", "Partnership", "School"]
ALL_LOCALITIES = "All localities"
ALL_PHASES = "All phases"
# The measures a chair asks about first; any other rate in the catalogue follows them.
FIRST_MEASURES = [
    "susp_rate",
    "perm_excl_rate",
    "one_plus_susp_rate",
    "overall_absence_rate",
    "persistent_absence_rate",
    "ehc_plan_percent",
]
PROFILE_PAGE = {"Locality": "app_pages/locality.py", "Partnership": "app_pages/partnership.py"}


@st.cache_data(show_spinner=False, max_entries=64)
def cached_funnel(units: pd.DataFrame, target: float, kind: str, adjust: bool) -> Funnel:
    """build_funnel, cached: exact limits for some hundreds of schools take a moment."""
    return build_funnel(units, target, kind, adjust_for_overdispersion=adjust)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_trend_table(trends: pd.DataFrame, kind: str, label: str, higher_is: str) -> pd.DataFrame:
    """trend_table, cached: one test per school is most of a second on every rerun."""
    return trend_table(trends, kind, label, higher_is)


def denominator_noun(unit: str) -> str:
    """'possible sessions' for shares of sessions (the catalogue's over-dispersed binomial
    measures: absence), else 'pupils' (for the plain-English lines)."""
    return "possible sessions" if unit_model(unit)[1] else "pupils"


# ---------------------------------------------------------------- what is compared


def rate_measures() -> tuple[list[str], pd.DataFrame]:
    """The catalogue's rates (a funnel compares a rate with its base): the first-asked
    ones first, then the rest in catalogue order; and the rates by measure id."""
    catalogue = query("list_measures")
    rates = catalogue[catalogue["kind"] == "rate"]
    measure_ids = [m for m in FIRST_MEASURES if m in set(rates["measure"])]
    measure_ids += [m for m in rates["measure"] if m not in measure_ids]
    return measure_ids, rates.set_index("measure")


@dataclass(frozen=True)
class Choice:
    """What the pickers chose: a rate, a year, the level compared, and optionally one
    locality's areas and one phase's schools."""

    measure: str
    time_period: int
    level: str
    locality: str | None
    phase: str | None
    info: pd.Series

    @property
    def label(self) -> str:
        return str(self.info["label"])

    @property
    def unit(self) -> str:
        return str(self.info["unit"])

    @property
    def kind(self) -> str:
        return measure_kind(self.unit)

    @property
    def year(self) -> str:
        return year_label(self.time_period)

    @property
    def noun(self) -> str:
        """What is compared, in a sentence: 'partnerships', 'secondary schools'."""
        return f"{self.phase.lower()} schools" if self.phase else UNIT_NOUNS[self.level]

    @property
    def where(self) -> str:
        return f" in {self.locality}" if self.locality else ""

    @property
    def denominator_label(self) -> str:
        return str(self.info["denominator_label"])


def pick(measure_ids: list[str], measures: pd.DataFrame, years: list[int]) -> Choice:
    """The measure, year, level, locality and phase pickers (all in the address)."""
    pick_measure, pick_year = st.columns([2, 1])
    measure = url_selectbox(
        "Measure",
        measure_ids,
        "measure",
        default="susp_rate",
        format_func=lambda m: str(measures.loc[m, "label"]),
        help="Rates only: a funnel plot compares a rate with the size of the group it is out of.",
        container=pick_measure,
    )
    time_period = url_selectbox(
        "Academic year",
        years,
        "year",
        default=years[0],
        format_func=year_label,
        container=pick_year,
    )
    pick_level, pick_locality = st.columns([2, 1])
    level = url_radio(
        "Compare",
        LEVELS,
        "level",
        default="Partnership",
        format_func=lambda lv: UNIT_NOUNS[lv].capitalize(),
        container=pick_level,
    )
    locality_choice = None
    if level != "Locality":
        locality_choice = url_selectbox(
            "Which localities",
            [ALL_LOCALITIES, *query("list_localities")["locality"].tolist()],
            "locality",
            default=ALL_LOCALITIES,
            help="Show the areas in one locality only; they are still compared with the county.",
            container=pick_locality,
        )
    phase = None
    if level == "School":
        phase_choice = url_selectbox(
            "Compare like with like: school phase",
            [ALL_PHASES, *query("funnel_phases", time_period=time_period)["phase"].tolist()],
            "phase",
            default=ALL_PHASES,
            help="Primary, secondary and special schools have very different rates. Choose a "
            "phase to compare each school with the county rate for schools of that phase.",
        )
        phase = None if phase_choice in (None, ALL_PHASES) else phase_choice
    locality = None if locality_choice in (None, ALL_LOCALITIES) else locality_choice
    return Choice(measure, time_period, level, locality, phase, measures.loc[measure])


def mixed_phases_note(choice: Choice) -> None:
    """Under the pickers when every school is compared with one county rate."""
    if choice.level == "School" and not choice.phase:
        st.caption(
            "Comparing schools of every phase with one county rate mixes like with unlike: "
            "special schools and pupil referral units often sit outside the limits because of "
            "whom they serve. Choose a phase above to compare like with like."
        )


@dataclass(frozen=True)
class Comparison(Choice):
    """A choice with this year's figures: every area's (``areas``) and the county's."""

    units: pd.DataFrame | None = None

    @property
    def areas(self) -> pd.DataFrame:
        return self.units[~self.units["is_county"]]

    @property
    def county(self) -> pd.Series | None:
        county_rows = self.units[self.units["is_county"]]
        return county_rows.iloc[0] if len(county_rows) else None

    @property
    def county_name(self) -> str:
        county = self.county
        return str(county["area_name"]) if county is not None else "the county"

    @property
    def file_stem(self) -> str:
        return (
            f"funnel-{self.measure}-{self.time_period}-{slug(self.level)}"
            + (f"-{slug(self.phase)}" if self.phase else "")
            + (f"-{slug(self.locality)}" if self.locality else "")
        )


def open_comparison(choice: Choice) -> Comparison:
    """The areas compared this year and the county (one phase's schools, if chosen)."""
    with st.spinner("Working out the control limits…"):
        if choice.phase:
            units = query(
                "funnel_phase_units",
                measure=choice.measure,
                time_period=choice.time_period,
                phase=choice.phase,
                locality=choice.locality,
            )
        else:
            units = query(
                "funnel_units",
                level=choice.level,
                measure=choice.measure,
                time_period=choice.time_period,
                locality=choice.locality,
            )
    chosen = {field.name: getattr(choice, field.name) for field in fields(Choice)}
    return Comparison(**chosen, units=units)


def sections(comparison: Comparison) -> dict[str, Callable[[], None]]:
    """The three tabs, in order."""
    return {
        "Which stand out?": partial(show_funnel, comparison),
        "Rising or falling?": partial(show_trends, comparison),
        "Against England and neighbours": partial(show_comparators, comparison),
    }


# ---------------------------------------------------------------- which stand out


def show_funnel(c: Comparison) -> None:
    """Which areas stand out this year: the funnel plot and the areas outside its limits."""
    st.header(f"Which {c.noun} stand out in {c.year}?", help=measure_help(c.info))
    county = c.county
    if county is None or pd.isna(county["value"]) or c.areas.empty:
        st.info(
            f"There are no published figures for {c.label.lower()} in {c.year}"
            + (
                " for the county"
                if county is None or pd.isna(county["value"])
                else f" for {c.noun}"
            )
            + ". Choose another year or measure."
        )
        return
    funnel = cached_funnel(c.areas, float(county["value"]), c.kind, True)
    if overdispersion_is_clear(funnel.overdispersion):
        adjust = url_toggle(
            "Allow for the usual variation between areas (recommended)",
            "usual_variation",
            default=True,
            help="These areas differ more than chance alone explains, so the limits are "
            "widened by that extra variation. Turn off to see limits built on chance alone.",
        )
        if not adjust:
            funnel = cached_funnel(c.areas, float(county["value"]), c.kind, False)
    funnel_summary(c, funnel)
    if funnel.points.empty:
        st.info(
            f"Every one of these {c.noun} has a suppressed figure in {c.year}, so there is "
            "nothing that can safely be plotted. Try a larger unit (partnerships or "
            "localities) or another year."
        )
        return
    funnel_plot(c, funnel)
    st.subheader(f"{c.noun.capitalize()} outside the limits")
    outliers(c, funnel)


def funnel_summary(c: Comparison, funnel: Funnel) -> None:
    """The county rate, what each dot is, and the areas left off the plot and why."""
    phase, noun, n_areas = c.phase, c.noun, len(c.areas)
    st.markdown(
        f"The county rate{' for ' + noun if phase else ''} in {c.year} is "
        f"**{format_value(funnel.target, c.unit)}** "
        f"({md(c.county_name)}, {'all ' + phase.lower() + ' schools' if phase else 'all schools'}). "
        f"Each dot is one of {n_areas} {noun}{c.where}; "
        f"dots outside the dashed lines are outside the {INNER_LABEL} limits, outside the "
        f"solid lines the {OUTER_LABEL} limits."
    )
    left_out = []
    if funnel.n_suppressed:
        left_out.append(
            f"**{funnel.n_suppressed} of {n_areas} {noun}** are not plotted because their "
            "figure is suppressed (small numbers): a rate drawn against the number of pupils "
            "would give the hidden count away"
        )
    if funnel.n_no_data:
        left_out.append(
            f"{funnel.n_no_data} {noun} have no published figure for {c.year} and are not plotted"
        )
    if left_out:
        st.caption(". ".join(left_out) + ".")


def funnel_plot(c: Comparison, funnel: Funnel) -> None:
    """The funnel plot, its downloads, the over-dispersion note and how to read it."""
    label, unit, noun = c.label, c.unit, c.noun
    title = f"{label}, {c.year}: {noun}{c.where} against the county rate"
    show_chart(
        funnel_chart(
            funnel,
            label,
            unit,
            title,
            denominator_label=c.denominator_label,
            unit_label=c.level,
            target_label=f"County rate {format_value(funnel.target, unit)}",
        ),
        width="stretch",
        # Streamlit squeezes a chart to its own default height: give the 420 px plot
        # room for its title, axis, the key above it and the key below it.
        height=720,
        alt=funnel_alt_text(funnel, label, unit, c.year, noun)
        + (
            f" {funnel.n_suppressed} {noun} with suppressed figures are not plotted."
            if funnel.n_suppressed
            else ""
        ),
    )
    down_points, down_limits = st.columns(2)
    with down_points:
        download_csv(
            chart_points(funnel), f"{c.file_stem}-points", "Download the plotted points (CSV)"
        )
    with down_limits:
        download_csv(
            chart_limits(funnel), f"{c.file_stem}-limits", "Download the control limits (CSV)"
        )
    note = overdispersion_note(funnel, noun)
    if note:
        st.info(note, icon=":material/info:")
    with st.expander("How to read a funnel plot"):
        z_inner, z_outer = DEFAULT_Z_LEVELS
        method_note = (
            "a share of the group"
            if c.kind == "proportion"
            else "events per 100 pupils, which can be more than one per pupil"
        )
        st.markdown(
            f"""
    - **Across**: the size of each area ({c.denominator_label.lower()}). **Up**: its {label.lower()}
      ({unit}). The green line is the county rate.
    - **The funnel**: an area whose true rate is the county's lands inside the dashed
      {INNER_LABEL} lines 19 times in 20, and inside the solid {OUTER_LABEL} lines 998 times in
      1,000. The lines are wide on the left because a small area's rate jumps about with a
      handful of pupils, and narrow on the right where a large area's rate is steady.
    - **Triangles** point up or down for areas outside the {INNER_LABEL} lines; areas outside
      the {OUTER_LABEL} lines are named on the chart. Colour repeats what the shape says.
    - **Method**: Spiegelhalter's funnel plot with exact
      {"binomial" if c.kind == "proportion" else "Poisson"} limits
      ({method_note});
      z = {z_inner:.2f} and {z_outer:.2f}. When areas differ more than chance allows
      (over-dispersion), the limits are widened by the between-area variance.
    - {suppression_note()}
    """
        )


def outlier_columns(c: Comparison) -> dict[str, object]:
    """Short labels (the full wording in each heading's help) so the table fits without
    sideways scrolling; the long explanations are listed below it."""
    label, unit = c.label, c.unit
    fmt = f"%.{unit_format(unit).decimals}f"
    return {
        "area_name": st.column_config.TextColumn(c.level, pinned=True),
        "parent_area": st.column_config.TextColumn("Part of"),
        "flag": st.column_config.TextColumn("Flag"),
        "value": st.column_config.NumberColumn(
            f"Value ({unit})", format=fmt, help=f"{label} ({unit})"
        ),
        "county_rate": st.column_config.NumberColumn(
            "County", format=fmt, help=f"The county's {label.lower()} ({unit})"
        ),
        "denominator": st.column_config.NumberColumn(
            "Base",
            format="%,d",
            help=f"What the rate is out of: {c.denominator_label}",
        ),
        "lower_99_8": st.column_config.NumberColumn(
            "Lowest expected",
            format=fmt,
            help=f"The lower {OUTER_LABEL} limit for an area of this size",
        ),
        "upper_99_8": st.column_config.NumberColumn(
            "Highest expected",
            format=fmt,
            help=f"The upper {OUTER_LABEL} limit for an area of this size",
        ),
    }


def outliers(c: Comparison, funnel: Funnel) -> None:
    """The areas outside the limits: how many, a table, what each flag means, and links."""
    noun = c.noun
    flagged = outlier_table(funnel, c.unit, denominator_noun(c.unit), c.info["higher_is"])
    if flagged.empty:
        st.success(
            f"No {c.level.lower()} is outside the {INNER_LABEL} limits: every "
            f"difference from the county rate in {c.year} is within what chance alone "
            "would produce.",
            icon=":material/check_circle:",
        )
        return
    n_out = int(flagged["flag"].str.startswith("Outlier").sum())
    st.markdown(
        f"**{n_out}** outside the {OUTER_LABEL} limits (a real difference) and "
        f"**{len(flagged) - n_out}** between the {INNER_LABEL} and {OUTER_LABEL} "
        "limits (worth watching: one area in twenty lands there by chance)."
    )
    st.dataframe(
        flagged,
        column_order=[
            "area_name",
            "parent_area",
            "flag",
            "value",
            "county_rate",
            "denominator",
            "lower_99_8",
            "upper_99_8",
        ],
        column_config=outlier_columns(c),
        hide_index=True,
        placeholder=SUPPRESSED_LABEL,
        alt=f"Table of the {len(flagged)} {noun} outside the {INNER_LABEL} limits.",
    )
    explanations = "\n".join(
        f"- **{md(name)}**: {md(text)}"
        for name, text in zip(flagged["area_name"], flagged["explanation"], strict=True)
    )
    if len(flagged) <= 8:
        st.markdown(explanations)
    else:
        with st.expander(f"What each flag means ({len(flagged)} {noun})"):
            st.markdown(explanations)
    download_csv(flagged, f"{c.file_stem}-outliers", "Download the flagged areas (CSV)")
    links = st.columns(min(3, len(flagged)))
    if c.level in PROFILE_PAGE:
        for slot, name in zip(links, flagged["area"].head(3), strict=False):
            with slot:
                st.page_link(
                    PROFILE_PAGE[c.level],
                    label=f"Open {md(name)}",
                    icon=":material/arrow_forward:",
                    query_params={c.level.lower(): name, "year": str(c.time_period)},
                )
    else:
        for slot, (_, row) in zip(links, flagged.head(3).iterrows(), strict=False):
            with slot:
                st.page_link(
                    "app_pages/partnership.py",
                    label=f"Open {md(row['area_name'])}",
                    icon=":material/arrow_forward:",
                    query_params={
                        "partnership": str(row["parent_area"]),
                        "school": str(row["area"]),
                        "year": str(c.time_period),
                    },
                )


# ---------------------------------------------------------------- rising or falling


def trend_counts_sentence(c: Comparison, table: pd.DataFrame) -> str:
    """'Of the 24 partnerships with figures in any year: 3 rising, 2 falling, 19 ...'."""
    counts = table[~table["is_county"]]["direction"].value_counts()
    return (
        f"Of the {int(counts.sum())} {c.noun}{c.where} with figures in any year: "
        f"**{int(counts.get('Rising', 0))} rising**, "
        f"**{int(counts.get('Falling', 0))} falling**, "
        f"{int(counts.get('No clear trend', 0))} with no clear trend"
        + (
            f", {int(counts.get('Not tested', 0))} without enough published years to test"
            if counts.get("Not tested", 0)
            else ""
        )
        + "."
    )


def show_trends(c: Comparison) -> None:
    """Rising or falling: a trend test for every area over the published years."""
    label, noun = c.label, c.noun
    st.header(f"Rising or falling? {label} over the years")
    with st.spinner("Testing each area for a trend…"):
        trends = query("funnel_trends", level=c.level, measure=c.measure, locality=c.locality)
        if c.phase:
            # The schools of the chosen phase this year; the county line stays all schools.
            in_phase = set(c.areas["area"])
            trends = trends[trends["is_county"] | trends["area"].isin(in_phase)]
    if trends.empty:
        st.info(f"There are no published figures for {label.lower()} in any year.")
        return
    table = cached_trend_table(trends, c.kind, label, str(c.info["higher_is"]))
    county_trend = table[table["is_county"]]
    if not county_trend.empty:
        st.markdown(f"**{md(c.county_name)}:** {md(county_trend.iloc[0]['sentence'])}")
    st.markdown(trend_counts_sentence(c, table))
    stem_end = f"{c.measure}-{slug(c.level)}" + (f"-{slug(c.locality)}" if c.locality else "")
    clear = table[table["direction"].isin(["Rising", "Falling"])]
    if clear.empty:
        st.caption(f"No {c.level.lower()} has a clear rising or falling trend.")
    else:
        change_title = f"{label}: yearly change where the trend is clear"
        chart_rows = pd.concat([county_trend, clear[~clear["is_county"]]])
        show_chart(
            trend_change_chart(chart_rows, c.kind, change_title, c.level),
            width="stretch",
            alt=(
                f"Dot chart of the yearly change in {label.lower()} for the "
                f"{len(clear[~clear['is_county']])} {noun} with a clear trend"
                f" and for the county. "
                + "; ".join(
                    f"{r.area_name}: {r.direction.lower()} {r.change_text}"
                    for r in chart_rows.itertuples()
                )
            ),
        )
        download_csv(
            chart_rows[["area_name", "direction", "annual_change", "p_value", "n_years"]],
            f"trend-change-{stem_end}",
            "Download the chart's numbers (CSV)",
        )
    st.dataframe(
        table,
        column_order=[
            "area_name",
            "parent_area",
            "direction",
            "change_text",
            "p_text",
            "n_years",
            "years_suppressed",
            "sentence",
            "method",
        ],
        column_config={
            "area_name": st.column_config.TextColumn("Area"),
            "parent_area": st.column_config.TextColumn("Part of"),
            "direction": st.column_config.TextColumn("Trend"),
            "change_text": st.column_config.TextColumn("Average change"),
            "p_text": st.column_config.TextColumn(
                "p-value", help="How likely a trend this steep is by chance alone."
            ),
            "n_years": st.column_config.NumberColumn("Years tested", format="%d"),
            "years_suppressed": st.column_config.NumberColumn(
                "Years suppressed (left out)", format="%d"
            ),
            "sentence": st.column_config.TextColumn("In plain English", width="large"),
            "method": st.column_config.TextColumn("Test used"),
        },
        hide_index=True,
        alt=f"Trend test for {label.lower()} for the county and each of the {noun}{c.where}.",
    )
    download_csv(
        table.drop(columns=["is_county"]),
        f"trends-{stem_end}",
        "Download the trend tests (CSV)",
    )
    with st.expander("How the trend test works, and what the p-value means"):
        st.markdown(
            f"""
    - The test asks whether the yearly {label.lower()} moves steadily up or down, using every
      published year. It is the **{
                "Cochran-Armitage test for trend"
                if c.kind == "proportion"
                else "Poisson score test for trend in rates"
            }**, allowing for year-to-year ups and downs
      bigger than chance (over-dispersion), so one unusual year does not make a trend.
    - The **p-value** is the chance of seeing a trend at least this steep if the rate were
      really flat. Below 0.05 (1 in 20) we call the trend **rising** or **falling**; otherwise
      **no clear trend**. p = 0.03 means a flat rate would show a trend this steep about 3
      times in 100.
    - The **average change** is the steady yearly change the test measured (percentage points
      for shares, per 100 pupils for rates).
    - Years with a suppressed figure are left out of the test, never counted as zero.
    """
        )


# ---------------------------------------------------------------- against England


def show_comparators(c: Comparison) -> None:
    """The county beside England, its region and its statistical neighbours (DfE figures)."""
    label, unit, county_name = c.label, c.unit, c.county_name
    st.header(f"{md(county_name)} against England and its statistical neighbours")
    with st.spinner("Fetching the published figures…"):
        comparators = query("comparator_trend", measure=c.measure)
        coverage = query("comparator_coverage")
    published = comparators[comparators["role"] != "County (our schools)"]
    if published.empty:
        st.info(
            f"The warehouse holds no DfE figures for England, the region or other local "
            f"authorities for {label.lower()}, so the county cannot be set beside them here. "
            "They come from the National, Regional and Local authority rows of the DfE files: "
            "download the full files (all local authorities) from Explore Education Statistics "
            "and rebuild.",
            icon=":material/info:",
        )
        return
    series = comparator_series(comparators, county_name)
    neighbours = coverage[coverage["has_rows"]]
    missing = coverage[~coverage["has_rows"]]
    st.markdown(
        f"Statistical neighbours are the local authorities most like {md(county_name)} "
        "(set in the council's configuration). These figures are the DfE's published ones, "
        f"so {md(county_name)}'s line here is its official figure"
        + (
            ""
            if (comparators["role"] == "County (DfE)").any()
            else " (not published: summed from the council's own schools instead)"
        )
        + "."
    )
    if coverage.empty:
        st.caption("No statistical neighbours are configured (data/config.toml).")
    elif not missing.empty:
        st.caption(
            f"{len(neighbours)} of {len(coverage)} configured neighbours have figures in "
            "this warehouse. Missing: old LA codes "
            f"{', '.join(str(code) for code in missing['old_la_code'])}"
            " (their Local authority rows are not in the DfE files that were loaded)."
        )
    summary = comparator_summary(series, county_name, label, unit, str(c.info["higher_is"]))
    if summary:
        st.markdown(md(summary))
    title = f"{label}: {county_name}, England and statistical neighbours"
    last_year = series.dropna(subset=["value"]).sort_values("time_period")["year"].iloc[-1:]
    latest = series[series["year"].isin(last_year)].dropna(subset=["value"])
    show_chart(
        comparator_chart(series, county_name, label, unit, title),
        width="stretch",
        height=520,
        alt=(
            f"Line chart of {label.lower()} over the years for {county_name}, England, the "
            "region and each statistical neighbour. Latest year: "
            + "; ".join(
                f"{r.series} {format_value(r.value, unit)}"
                for r in latest.sort_values("value", ascending=False).itertuples()
            )
        ),
    )
    series_years = series.sort_values("time_period")["year"].drop_duplicates().tolist()
    st.dataframe(
        comparator_wide(series, unit, series_years),
        hide_index=True,
        column_config={"Area": st.column_config.TextColumn("Area")},
        alt=f"Table of {label.lower()} by year for {county_name} and its comparators.",
    )
    download = comparators.assign(
        value=comparators["value"].astype(object).where(~comparators["suppressed"], "Suppressed")
    )
    download_csv(
        download[
            [
                "role",
                "area_name",
                "area_code",
                "old_la_code",
                "year",
                "value",
                "numerator",
                "denominator",
            ]
        ],
        f"comparators-{c.measure}",
        "Download the comparison (CSV)",
    )
