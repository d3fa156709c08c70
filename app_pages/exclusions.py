"""Exclusions explorer: permanent exclusions and suspensions from the county down to a school.

For analysts: trend, reasons, pupil characteristics, school phases and the ranked list of
the areas one level down, for any year. Every selection (level, locality, partnership,
school, year, measure, characteristic group) lives in the page address, and the path back
up (county > locality > partnership > school) is always one click away.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import altair as alt
import altair as alt_module  # where a parameter named alt (the alt text) hides the module
import pandas as pd
import streamlit as st

from analysis.breakdowns import REMAINDER_LABEL, with_totals
from explorer import layout
from explorer.charts import HIGHLIGHT, display_height, ranked_bar, trend_chart
from explorer.data import query
from explorer.downloads import download_csv
from explorer.formatting import (
    ESTIMATE_MARK,
    SUPPRESSED_LABEL,
    estimate_note,
    format_value,
    year_label,
)
from explorer.layout import (
    SECTION_PARAM,
    definition_box,
    definition_text,
    lazy_tabs,
    measure_help,
    page_header,
    suppression_note,
)
from explorer.text import md
from explorer.url_state import url_radio, url_selectbox

LEVELS = ["County", "Locality", "Partnership", "School"]
CHILD_LEVEL = {"County": "Locality", "Locality": "Partnership", "Partnership": "School"}
URL_PARAM = {"Locality": "locality", "Partnership": "partnership", "School": "school"}
#: The tab of the areas one level down, named for them; its URL value is its label.
CHILD_TAB = {"Locality": "Localities", "Partnership": "Partnerships", "School": "Schools"}
FIRST_SECTION = "Over the years"
RATES = ["susp_rate", "perm_excl_rate", "one_plus_susp_rate"]
COUNT_OF_RATE = {
    "susp_rate": "susp",
    "perm_excl_rate": "perm_excl",
    "one_plus_susp_rate": "one_plus_susp",
}
COUNTS = ["perm_excl", "susp", "one_plus_susp"]
# Reasons are recorded for suspensions and permanent exclusions only (not for pupils).
REASON_RATE = {
    "susp_rate": "susp_rate",
    "perm_excl_rate": "perm_excl_rate",
    "one_plus_susp_rate": "susp_rate",
}
EXCLUSION_COLUMNS = {
    "headcount": st.column_config.NumberColumn("Pupils on roll", format="%,d"),
    "perm_excl": st.column_config.NumberColumn("Permanent exclusions", format="%,d"),
    "perm_excl_rate": st.column_config.NumberColumn(
        "Perm. excl. per 100", format="%.2f", help="Permanent exclusions per 100 pupils"
    ),
    "susp": st.column_config.NumberColumn("Suspensions", format="%,d"),
    "susp_rate": st.column_config.NumberColumn(
        "Susp. per 100", format="%.2f", help="Suspensions per 100 pupils"
    ),
    "one_plus_susp": st.column_config.NumberColumn(
        "Pupils suspended", format="%,d", help="Pupils suspended at least once"
    ),
    "one_plus_susp_rate": st.column_config.NumberColumn(
        "% suspended", format="%.2f", help="% of pupils suspended at least once"
    ),
    "n_schools": st.column_config.NumberColumn("Schools counted", format="%d"),
    "n_schools_missing": st.column_config.NumberColumn(
        "Withheld", format="%d", help="Schools with some figures withheld by the DfE"
    ),
}
VALUE_COLUMNS = ["headcount", *COUNTS, *RATES]
# Why breakdowns need not add up to the headline totals (shown under each breakdown).
BREAKDOWN_NOTE = (
    "Reasons and groups of pupils come from the council's exclusions log (one row for each "
    "suspension or permanent exclusion a school notified): the DfE publishes them for the "
    "LA, region and England only. Each event counts once, under its main reason. Pupils in "
    "each group come from the school census, which gives them by FSM eligibility, SEN "
    "provision and year group but not by sex or ethnicity, so those rates are not available. "
    "The table's last rows make the parts add up: **All** is the area's own figure, and "
    f"**{REMAINDER_LABEL}** is that figure less the parts shown (the suppressed ones "
    "together: a suppressed figure is never 0, and others are hidden with it so that none "
    "can be worked out by subtraction)."
)
# Characteristic groups as words in a sentence ("Suspension rate by ...").
GROUP_WORDS = {
    "Gender": "gender",
    "SEN provision": "SEN provision",
    "FSM eligibility": "free school meals eligibility",
    "Ethnicity major": "ethnicity (major group)",
    "NC year": "national curriculum year group",
}


def slug(text: str) -> str:
    """A file-name-safe form of an area name (for download file names and keys)."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def with_suppressed(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy for downloads: each suppressed cell reads 'Suppressed', never blank or zero."""
    out = frame.copy()
    for column in columns:
        flag = f"{column}_suppressed"
        if column in out.columns and flag in out.columns:
            hidden = out[flag].fillna(False).astype(bool)
            out[column] = out[column].astype(object).where(~hidden, SUPPRESSED_LABEL)
    return out.drop(columns=[c for c in out.columns if c.endswith("_suppressed")])


def estimate_columns(frame: pd.DataFrame) -> list[str]:
    """For a download: each figure's estimate flag and range where it has them (a figure
    with school cells the DfE withheld), so no estimate leaves as a bare number."""
    return [
        f"{column}_{part}"
        for column in [*COUNTS, *RATES]
        for part in ("estimated", "low", "high")
        if f"{column}_{part}" in frame.columns
    ]


def as_bars(frame: pd.DataFrame, category: str, value: str) -> pd.DataFrame:
    """The columns ranked_bar draws: the category, the value and whether it is suppressed."""
    return pd.DataFrame(
        {
            category: frame[category].astype(str),
            "value": frame[value].astype(float),
            "suppressed": frame[f"{value}_suppressed"].fillna(False).astype(bool),
        }
    )


def rate_decimals(values: pd.Series) -> int:
    """Decimals a column of rates needs so no non-zero rate reads as 0.00: 2 as a rule, 3
    when some rate is under 0.01 (e.g. 3 permanent exclusions among 100,000 pupils)."""
    numbers = pd.to_numeric(values, errors="coerce")
    return 3 if ((numbers > 0) & (numbers < 0.01)).any() else 2


NOT_PUBLISHED_LABEL = "Not published"


def _not_published_as_text(frame: pd.DataFrame, config: dict) -> pd.DataFrame:
    """A column with a figure that does not exist (NULL and not suppressed: pupils
    suspended at least once in a year summed from terms) is written out as text, so that
    cell reads 'Not published' while a hidden one still reads 'Suppressed'."""
    out = frame
    for column in [*COUNTS, *RATES, "headcount"]:
        flag = f"{column}_suppressed"
        if column not in frame or flag not in frame:
            continue
        missing = frame[column].isna() & ~frame[flag].fillna(False).astype(bool)
        estimated = (
            frame[f"{column}_estimated"].fillna(False).astype(bool)
            if f"{column}_estimated" in frame
            else pd.Series(False, index=frame.index)
        )
        if not missing.any() and not estimated.any():
            continue
        decimals = 0 if column in (*COUNTS, "headcount") else rate_decimals(frame[column])
        out = out.copy() if out is frame else out
        # an estimate (school figures withheld by the DfE) reads '≈ 37', never a bare sum
        out[column] = [
            NOT_PUBLISHED_LABEL
            if gone
            else SUPPRESSED_LABEL
            if pd.isna(value)
            else f"{ESTIMATE_MARK} {value:,.{decimals}f}"
            if guess
            else f"{value:,.{decimals}f}"
            for value, gone, guess in zip(frame[column], missing, estimated, strict=True)
        ]
        base = config.get(column, {})
        config[column] = st.column_config.TextColumn(base.get("label"), help=base.get("help"))
    return out


def show_table(frame: pd.DataFrame, first: dict, alt_text: str, key: str | None = None, **kw):
    """A table with labelled columns; a suppressed cell (NULL) reads 'Suppressed', a
    figure that was never published 'Not published'."""
    columns = [*first, *[c for c in EXCLUSION_COLUMNS if c in frame.columns]]
    config = dict(EXCLUSION_COLUMNS)
    for rate_column in RATES:
        if rate_column in frame.columns and rate_decimals(frame[rate_column]) == 3:
            config[rate_column] = {
                **EXCLUSION_COLUMNS[rate_column],
                "type_config": {**EXCLUSION_COLUMNS[rate_column]["type_config"], "format": "%.3f"},
            }
    frame = _not_published_as_text(frame, config)
    return st.dataframe(
        frame[columns],
        column_config={**first, **config},
        hide_index=True,
        placeholder=SUPPRESSED_LABEL,
        alt=alt_text,
        key=key,
        **kw,
    )


def level_years(chart: alt.Chart) -> alt.Chart:
    """Year labels written level (2017/18 fits without turning it on its side)."""
    chart.encoding.x.axis = alt.Axis(labelAngle=0)
    return chart


def relabel_rates(chart: alt.LayerChart, decimals: int) -> alt.LayerChart:
    """Bar labels and the value axis of a ranked_bar with ``decimals`` places, so a tiny
    rate reads 0.003, not 0.00 (which looks like none)."""
    for layer in chart.layer:
        data = layer.data
        if isinstance(data, pd.DataFrame) and {"label", "shown"} <= set(data.columns):
            layer.data = data.assign(
                label=[
                    SUPPRESSED_LABEL if pd.isna(v) else f"{v:,.{decimals}f}" for v in data["shown"]
                ]
            )
        x = getattr(layer.encoding, "x", alt.Undefined)
        if x is not alt.Undefined and getattr(x, "axis", alt.Undefined) is not alt.Undefined:
            x.axis = alt.Axis(format=f",.{decimals}~f")
    return chart


def draw(chart: alt.TopLevelMixin, alt: str, label_limit: int = 260) -> None:
    """Draw a chart with its alt text, tall enough for every bar label (long reason names)."""
    st.altair_chart(
        chart.configure_axisY(labelLimit=label_limit).configure_legend(orient="bottom"),
        alt=alt,
        # Streamlit's height is the whole chart: the plot plus title, axis and legend,
        # which the chart builders record (the legend moved below adds a little).
        height=display_height(chart) + 40,
    )


def draw_bars(
    frame: pd.DataFrame,
    category: str,
    value: str,
    title: str,
    alt: str,
    references: dict[str, float | None] | None = None,
    category_title: str | None = None,
    axis_title: bool = True,
    label_limit: int = 260,
) -> None:
    """A ranked bar chart of one rate, or a sentence when there is nothing to draw (every
    figure 0 or suppressed, as in most breakdowns of a single school). Without
    ``axis_title`` the category axis has no title (its labels say what they are)."""
    data = as_bars(frame, category, value)
    if not (data["value"] > 0).any():
        st.info(
            f"{md(title)}: every figure is 0 or suppressed, so there is no chart. See the table."
        )
        return
    label = str(measures.loc[value, "label"])
    unit = str(measures.loc[value, "unit"])
    chart = relabel_rates(
        ranked_bar(
            data,
            category,
            label,
            unit,
            title,
            references=references,
            category_title=category_title,
        ),
        rate_decimals(data["value"]),
    )
    if not axis_title:
        for layer in chart.layer:
            y = getattr(layer.encoding, "y", alt_module.Undefined)
            if y is not alt_module.Undefined:
                y.title = None
    draw(chart, alt=alt, label_limit=label_limit)


def figure(row: pd.Series | None, column: str, unit: str) -> str:
    if row is None:
        return "No data"
    return format_value(row[column], unit, suppressed=bool(row[f"{column}_suppressed"]))


def tile_value(row: pd.Series, column: str) -> str:
    """A headline number without its unit (the tile's label carries it), or 'Suppressed';
    '≈ 23' when estimated from withheld cells."""
    if bool(row[f"{column}_suppressed"]):
        return SUPPRESSED_LABEL
    if pd.isna(row[column]):
        return "No data"
    text = f"{row[column]:,.0f}" if column in COUNTS else f"{row[column]:,.2f}"
    return f"{ESTIMATE_MARK} {text}" if bool(row.get(f"{column}_estimated", False)) else text


def tile_help(row: pd.Series, column: str, unit: str, definition: str) -> str:
    """A tile's help: the definition, and for an estimate the range it lies in."""
    if not bool(row.get(f"{column}_estimated", False)):
        return definition
    withheld = row.get("susp_withheld" if column.startswith("susp") else "perm_excl_withheld")
    note = estimate_note(row[f"{column}_low"], row[f"{column}_high"], unit, withheld)
    return f"{note[0].upper()}{note[1:]}.\n\n{definition}"


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


page_header(
    "Exclusions explorer",
    "Permanent exclusions and suspensions in the council's schools, from the whole county "
    "down to a single school. Choose where to look and a year: the page shows the trend, "
    "the reasons given, which groups of pupils are excluded most, the school phases, and the "
    "areas one level down, ranked, each in its own tab. Click an area in the last tab's "
    "table to look inside it.",
)

# ---------------------------------------------------------------- where and when (in the URL)
settings = query("council_settings")
council = str(settings["council_name"])
measures = query("list_measures", subject="Exclusions").set_index("measure")
county_trend = query("exclusion_trend", level="County", area=council)
if county_trend.empty:
    st.info("This warehouse holds no exclusions data. Add the DfE exclusions files and rebuild.")
    st.page_link("app_pages/data_and_definitions.py", label="See which data the warehouse holds")
    st.stop()

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
year = year_label(time_period)

locality = partnership = school = None
home_locality = None
area, area_label = council, council
if level == "School":
    schools = query("list_schools", time_period=time_period)
    by_urn = schools.set_index("urn")
    school = url_selectbox(
        f"School (open in {year}): type a name or URN",
        schools["urn"].tolist(),
        "school",
        format_func=lambda urn: (
            f"{by_urn.at[urn, 'school_name']} ({urn}), "
            f"{by_urn.at[urn, 'partnership'] or 'no partnership'}"
        ),
        container=pick_school,
    )
    if school is not None:
        locality, partnership = by_urn.at[school, "locality"], by_urn.at[school, "partnership"]
        area, area_label = str(school), str(by_urn.at[school, "school_name"])
        # the school's areas are in the address too, so the links up the tree name them
        for param, value in (("locality", locality), ("partnership", partnership)):
            if value is not None and st.query_params.get(param) != value:
                st.query_params[param] = value
    else:
        area, area_label = None, None
elif level != "County":
    # A link that names only a partnership still opens in the right locality.
    all_partnerships = query("list_partnerships")
    url_partnership = st.query_params.get("partnership")
    match = all_partnerships[all_partnerships["partnership"] == url_partnership]
    if not match.empty:
        home_locality = match.iloc[0]["locality"]
    locality = url_selectbox(
        "Locality",
        query("list_localities")["locality"].tolist(),
        "locality",
        default=home_locality,
        container=pick_locality,
    )
    area, area_label = locality, locality
    if level == "Partnership" and locality is not None:
        partnership = url_selectbox(
            "Partnership",
            query("list_partnerships", locality=locality)["partnership"].tolist(),
            "partnership",
            container=pick_partnership,
        )
        area, area_label = partnership, partnership
if area is None:
    st.info(f"There is nothing to show at this level for {year}: choose another area or year.")
    st.button(
        f"Back to {council}", on_click=go_to, args=("County",), icon=":material/arrow_upward:"
    )
    st.stop()

rate = url_radio(
    "Measure",
    RATES,
    "measure",
    default="susp_rate",
    format_func=lambda m: str(measures.loc[m, "label"]),
    help="Used by every chart below. Tables show all three measures.",
)
rate_info = {"measure": rate, **measures.loc[rate].to_dict()}
rate_label, rate_unit = str(rate_info["label"]), str(rate_info["unit"])
count = COUNT_OF_RATE[rate]
count_label, count_unit = str(measures.loc[count, "label"]), str(measures.loc[count, "unit"])
definition_box(rate_info)  # the measure every chart below draws

# ---------------------------------------------------------------- breadcrumbs: the way back up
trail = [("County", council, {})]
if locality:
    trail.append(("Locality", locality, {"locality": locality}))
if partnership:
    trail.append(("Partnership", partnership, {"partnership": partnership}))
if school is not None:
    trail.append(("School", area_label, {}))
crumbs = st.container(horizontal=True, vertical_alignment="center", gap="small")
if len(trail) > 1:
    crumbs.markdown("You are here:")
for position, (crumb_level, crumb_name, crumb_areas) in enumerate(trail):
    if crumb_level == level:
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

with st.spinner("Adding up the schools' exclusions…"):
    trend = query("exclusion_trend", level=level, area=area)

this_year = trend[trend["time_period"] == time_period]
now = this_year.iloc[0] if not this_year.empty else None
county_now = county_trend[county_trend["time_period"] == time_period].iloc[0]

# ---------------------------------------------------------------- headline figures
st.header(f"{md(area_label)}, {year}")
if now is None:
    st.info(f"{md(area_label)} has no exclusions figures for {year}. Try another year.")
else:
    # Three columns, each a count above its rate: the same two rows of three tiles as two
    # rows of columns, with half the layout blocks for the browser to draw.
    for holder, count_id in zip(st.columns(3), COUNTS, strict=True):
        for measure_id in (count_id, f"{count_id}_rate"):
            unit = str(measures.loc[measure_id, "unit"])
            holder.metric(
                f"{measures.loc[measure_id, 'label']} ({unit})",
                tile_value(now, measure_id),
                help=tile_help(now, measure_id, unit, measure_help(measures.loc[measure_id])),
            )
    note = (
        f"Out of {figure(now, 'headcount', 'pupils')} on roll in {int(now['n_schools'])} "
        f"school{'' if now['n_schools'] == 1 else 's'}."
    )
    if bool(now["dfe_la_figure"]):
        note += f" These are the DfE's own figures for {council} as a local authority."
        published, total = now["perm_excl_schools"], now["perm_excl"]
        if not pd.isna(published) and not pd.isna(total) and round(published) != total:
            withheld = int(now["perm_excl_withheld"] or 0)
            note += (
                f" Its schools' published permanent exclusions add up to {published:,.0f};"
                f" the DfE's total for the LA is {total:,.0f}: the other"
                f" {total - published:,.0f} are in {withheld} school"
                f"{'' if withheld == 1 else 's'} whose figures were withheld"
                " (or in schools not in this warehouse)."
            )
    elif bool(now["perm_excl_estimated"]) or bool(now["susp_estimated"]):
        note += (
            " Some schools' figures were withheld by the DfE (small numbers, never zero):"
            f" figures marked {ESTIMATE_MARK} are estimates, each within the range in its"
            " help; the pupils at those schools stay in the rates."
        )
    elif now["n_schools_missing"]:
        note += (
            f" {int(now['n_schools_missing'])} schools had some figures the DfE did not"
            " publish; they are left out of both the counts and the pupils behind the rates."
        )
    if level != "County":
        note += (
            f" {council}: {figure(county_now, 'perm_excl_rate', 'per 100 pupils')} permanent "
            f"exclusions and {figure(county_now, 'susp_rate', 'per 100 pupils')} suspensions."
        )
    st.caption(md(note))

with st.expander("What these measures mean", icon=":material/menu_book:"):
    st.caption(
        "\n\n".join(
            definition_text(measures.loc[measure_id])
            for measure_id in (
                "perm_excl",
                "susp",
                "perm_excl_rate",
                "susp_rate",
                "one_plus_susp_rate",
            )
        )
    )
    st.markdown(
        "A **permanent exclusion** removes a pupil from the school's roll for good; a "
        "**suspension** (formerly a fixed-period exclusion) keeps them away for a set number "
        "of days. Rates are worked out from totals: all the exclusions in the area's schools "
        "divided by all their pupils, times 100, never an average of school rates. "
        "A rate of 5 per 100 pupils means 5 suspensions for every 100 pupils on roll; the "
        "same pupil can be suspended several times, which is why the share of pupils "
        "suspended at least once is shown as well."
    )
    st.caption(suppression_note())

# ---------------------------------------------------------------- the sections, as tabs


def show_trend() -> None:
    """Over the years: the rate beside the county and England, and the counts."""
    rate_trend = query("area_measure_trend", level=level, area=area, measure=rate)
    st.subheader("Over the years")
    trend_left, trend_right = st.columns(2)
    with trend_left:
        series = rate_trend.copy()
        # The area's own line is named after it (at county level the view calls it 'County').
        series.loc[~series["is_reference"], "series"] = area_label
        title = f"{rate_label}, {area_label}" + ("" if level == "County" else f" and {council}")
        draw(
            level_years(trend_chart(series, rate_label, rate_unit, title, series="series")),
            alt=(
                f"Line chart of the {rate_label.lower()} ({rate_unit}) each year for {area_label}, "
                "with dashed reference lines for the county and England."
            ),
        )
        gaps = series[series["suppressed"] & ~series["is_reference"]]["year"].tolist()
        st.caption(
            definition_text(rate_info)
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
        counts = trend[["year", count, f"{count}_suppressed"]].copy()
        counts["label"] = [
            SUPPRESSED_LABEL if hidden else ("No data" if pd.isna(n) else f"{n:,.0f}")
            for n, hidden in zip(
                counts[count], counts[f"{count}_suppressed"].fillna(False), strict=True
            )
        ]
        counts["value"] = counts[count].astype(float)
        count_axis = f"{count_label} ({count_unit})"
        base = alt.Chart(counts).encode(
            x=alt.X("year:O", title="Academic year", axis=alt.Axis(labelAngle=0))
        )
        count_chart = alt.layer(
            base.mark_bar(color=HIGHLIGHT).encode(
                y=alt.Y("value:Q", title=count_axis, axis=alt.Axis(format=",.0f")),
                tooltip=[
                    alt.Tooltip("year:O", title="Academic year"),
                    alt.Tooltip("label:N", title=count_axis),
                ],
            ),
            base.mark_text(dy=-6, fontSize=11).encode(
                y=alt.Y("value:Q", impute=None), text="label:N"
            ),
            base.transform_filter("datum.value == null")
            .mark_text(fontStyle="italic", color="#505a5f", baseline="bottom")
            .encode(y=alt.value(295), text="label:N"),
        ).properties(title=f"{count_label} each year, {area_label}", height=300, width="container")
        draw(
            count_chart,
            alt=f"Bar chart of the number of {count_label.lower()} each year in {area_label}.",
        )
        definition_box({"measure": count, **measures.loc[count].to_dict()})
        download_csv(
            with_suppressed(counts.drop(columns=["label", "value"]), [count]),
            f"exclusions-counts-{count}-{slug(area_label)}",
            "Download the chart's figures (CSV)",
        )
    show_table(
        trend,
        {"year": st.column_config.TextColumn("Academic year")},
        f"Exclusions each year in {area_label}",
    )
    download_csv(
        with_suppressed(trend, VALUE_COLUMNS)[
            ["area_name", "year", *VALUE_COLUMNS, "n_schools", "n_schools_missing"]
            + estimate_columns(trend)
        ],
        f"exclusions-by-year-{slug(area_label)}",
    )


def show_reasons() -> None:
    """The reasons recorded for suspensions and permanent exclusions, in the year."""
    reasons = query("exclusions_by_reason", level=level, area=area, time_period=time_period)
    reason_rate = REASON_RATE[rate]
    reason_label = str(measures.loc[reason_rate, "label"])
    st.subheader(f"Reasons, {year}")
    if reasons.empty:
        st.info(f"No reasons are recorded for {md(area_label)} in {year}.")
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
        )
        st.caption(
            "Rates are per 100 pupils on roll in the area. "
            + BREAKDOWN_NOTE
            + (
                " Reasons are recorded for suspensions, so this chart shows suspensions."
                if rate == "one_plus_susp_rate"
                else ""
            )
        )
        # the parts add up: the suppressed reasons together, then all exclusions
        reasons = with_totals(reasons, "reason", now, ["perm_excl", "susp"])
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
            f"exclusions-by-reason-{slug(area_label)}-{time_period}",
        )
    if level == "County":
        show_reason_benchmarks()


def show_reason_benchmarks() -> None:
    """The DfE's reasons for the county (its LA row), its region and England: the share of
    each area's suspensions (or permanent exclusions) given each reason."""
    benchmarks = query("reason_benchmarks", time_period=time_period)
    if benchmarks.empty:
        return
    permanent = rate == "perm_excl_rate"
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
        alt=f"Share of {kind} by reason in {council}, its region and England, {year}",
    )
    st.caption(
        f"The DfE's own figures for {council} (its Local authority row), the region and "
        f"England, from the exclusions by reason file: each reason's share of the area's "
        f"{kind} that year. The DfE rounds these area counts to the nearest 5 and withholds "
        "the smallest ('Suppressed' here)."
    )
    download_csv(
        benchmarks[["year", "level", "area_name", "reason", "perm_excl", "susp", share]],
        f"exclusions-by-reason-benchmarks-{time_period}",
    )


def show_groups() -> None:
    """The rate for each group of pupils (SEN provision, FSM, ethnicity …) in the year."""
    st.subheader(f"Groups of pupils, {year}")
    groups = query("characteristic_groups")["characteristic_group"].tolist()
    group = url_selectbox(
        "Pupil characteristic",
        groups,
        "group",
        default="SEN provision" if "SEN provision" in groups else None,
    )
    if group is not None:
        group_words = GROUP_WORDS.get(group, group)
        by_group = query(
            "exclusions_by_characteristic",
            level=level,
            area=area,
            characteristic_group=group,
            time_period=time_period,
        )
        # no pupils by this group in the census: counts only, no rates to chart
        counts_only = (
            not by_group.empty
            and by_group["headcount"].isna().all()
            and not by_group["headcount_suppressed"].any()
        )
        if by_group.empty:
            st.info(f"No {group_words} breakdown for {md(area_label)} in {year}.")
        else:
            overall = None if now is None or now[f"{rate}_suppressed"] else now[rate]
            if not counts_only:
                draw_bars(
                    by_group,
                    "characteristic",
                    rate,
                    f"{rate_label} by {group_words}, {area_label}, {year}",
                    references={"All pupils": overall},
                    category_title=group,
                    alt=(
                        f"Bar chart of the {rate_label.lower()} for each {group_words} group, "
                        "with a dashed line for all pupils."
                    ),
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
                f"exclusions-by-{slug(group)}-{slug(area_label)}-{time_period}",
            )


def show_phases() -> None:
    """The rate in each school phase of the area (not for a single school)."""
    phases = query("exclusions_by_phase", level=level, area=area, time_period=time_period)
    st.subheader(f"School phase, {year}")
    if phases.empty:
        st.info(f"No figures by phase for {md(area_label)} in {year}.")
    else:
        draw_bars(
            phases,
            "phase",
            rate,
            f"{rate_label} by school phase, {area_label}, {year}",
            references={"All pupils": None if now is None else now[rate]},
            category_title="School phase",
            alt=f"Bar chart of the {rate_label.lower()} in each school phase in {area_label}.",
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
            f"exclusions-by-phase-{slug(area_label)}-{time_period}",
        )


def show_child_areas() -> None:
    """The areas one level down, ranked, each a click away."""
    child_level = CHILD_LEVEL[level]
    child_plural = {"Locality": "localities", "Partnership": "partnerships", "School": "schools"}
    st.subheader(f"The {child_plural[child_level]} of {md(area_label)}, {year}")
    children = query(
        "exclusions_child_areas",
        level=child_level,
        time_period=time_period,
        parent=None if level == "County" else area,
    )
    if children.empty:
        st.info(f"No {child_plural[child_level]} in {md(area_label)} have figures for {year}.")
    else:
        children = children.sort_values(
            [f"{rate}_suppressed", rate, "area_name"], ascending=[True, False, True]
        ).reset_index(drop=True)
        duplicated = children["area_name"].duplicated(keep=False)
        children["name"] = children["area_name"].where(
            ~duplicated, children["area_name"] + " (" + children["area"] + ")"
        )
        children["rank"] = range(1, len(children) + 1)
        references = {"County": county_now[rate]}
        if level != "County" and now is not None:
            references[area_label] = now[rate]
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
        plural = child_plural[child_level]
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
            f"The {child_plural[child_level]} of {area_label} ranked by {rate_label.lower()}",
            key=table_key,
            on_select=drill_from_table(table_key, child_level, children["area"].tolist()),
            selection_mode="single-row",
        )
        download_csv(
            with_suppressed(children, VALUE_COLUMNS)[
                ["rank", "level", "area", "area_name", "parent_area", "year", *VALUE_COLUMNS]
                + estimate_columns(children)
            ],
            f"exclusions-{slug(child_plural[child_level])}-of-{slug(area_label)}-{time_period}",
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


# Only the open tab is drawn (and its queries run): all five sections at once were ~50
# elements and 6 charts, and the browser drew the page's first chart ~0.5 s later.
child_level = CHILD_LEVEL.get(level)
sections = {FIRST_SECTION: show_trend, "Reasons": show_reasons, "Groups of pupils": show_groups}
if level != "School":
    sections["School phase"] = show_phases
if child_level is not None:
    sections[CHILD_TAB[child_level]] = show_child_areas
lazy_tabs(sections)

# ---------------------------------------------------------------- elsewhere in the explorer
st.subheader("Related pages")
links = st.columns(3)
if locality:
    links[0].page_link(
        "app_pages/locality.py",
        label=f"Locality profile: {md(locality)}",
        icon=":material/location_on:",
        query_params={"locality": locality, "year": str(time_period)},
    )
if partnership:
    links[1].page_link(
        "app_pages/partnership.py",
        label=f"Partnership profile: {md(partnership)}",
        icon=":material/groups:",
        query_params={"partnership": partnership, "locality": locality, "year": str(time_period)},
    )
links[2].page_link(
    "app_pages/statistical_comparisons.py",
    # short enough for a third of the page: a longer label was cut off mid-word
    label="Is a difference more than chance?",
    help="Statistical comparisons: funnel plots and trend tests for this measure",
    icon=":material/scatter_plot:",
    query_params={"measure": rate, "year": str(time_period), "level": child_level or "School"},
)
if not locality:
    links[0].page_link(
        "app_pages/compare_localities.py",
        label="Compare the localities on any measure",
        icon=":material/bar_chart:",
        query_params={"measure": rate, "year": str(time_period)},
    )
