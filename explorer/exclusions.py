"""The exclusions explorer's building blocks: what the page is looking at (the View), its
tables (suppressed and never-published cells in words), its tiles and headline sentence,
and its charts (ranked bars with enough decimals, the counts each year).

The page (app_pages/exclusions.py) composes these; its tabs are in
explorer.exclusions_sections and its level and area pickers in explorer.exclusions_drill.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import altair as alt
import altair as alt_module  # where a parameter named alt (the alt text) hides the module
import pandas as pd
import streamlit as st

from analysis.breakdowns import REMAINDER_LABEL
from explorer.charts import HIGHLIGHT, display_height, ranked_bar, show_chart
from explorer.data import query
from explorer.formatting import (
    ESTIMATE_MARK,
    SUPPRESSED_LABEL,
    estimate_note,
    format_value,
    year_label,
)
from explorer.layout import definition_box, definition_text, measure_help, suppression_note
from explorer.text import md
from explorer.url_state import url_radio

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
NOT_PUBLISHED_LABEL = "Not published"
# The measures "What these measures mean" defines, in its order.
EXPLAINED = ("perm_excl", "susp", "perm_excl_rate", "susp_rate", "one_plus_susp_rate")


# ---------------------------------------------------------------- what the page looks at


@dataclass(frozen=True)
class Place:
    """Where the page looks: a level, the year, the area at that level (None: nothing to
    show) with its name, and the areas above it (for the links and breadcrumbs up)."""

    level: str
    time_period: int
    area: str | None
    area_label: str | None
    locality: str | None = None
    partnership: str | None = None
    school: int | None = None

    @property
    def year(self) -> str:
        return year_label(self.time_period)


@dataclass(frozen=True)
class View(Place):
    """A place with the measure every chart draws and the area's figures: its trend, this
    year's row (None: no figures that year) and the county's row that year."""

    council: str = ""
    rate: str = ""
    measures: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None
    now: pd.Series | None = None
    county_now: pd.Series | None = None

    @property
    def rate_info(self) -> dict:
        return {"measure": self.rate, **self.measures.loc[self.rate].to_dict()}

    @property
    def rate_label(self) -> str:
        return str(self.measures.loc[self.rate, "label"])

    @property
    def rate_unit(self) -> str:
        return str(self.measures.loc[self.rate, "unit"])

    @property
    def count(self) -> str:
        """The count behind the rate (suspensions behind the suspension rate)."""
        return COUNT_OF_RATE[self.rate]

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.level)


def pick_rate(measures: pd.DataFrame) -> str:
    """The measure every chart draws (``?measure=``), with its definition below it."""
    rate = url_radio(
        "Measure",
        RATES,
        "measure",
        default="susp_rate",
        format_func=lambda m: str(measures.loc[m, "label"]),
        help="Used by every chart below. Tables show all three measures.",
    )
    definition_box({"measure": rate, **measures.loc[rate].to_dict()})
    return rate


def open_view(
    place: Place, council: str, rate: str, measures: pd.DataFrame, county_trend: pd.DataFrame
) -> View:
    """The place with its figures: the area's trend and this year's rows."""
    with st.spinner("Adding up the schools' exclusions…"):
        trend = query("exclusion_trend", level=place.level, area=place.area)
    this_year = trend[trend["time_period"] == place.time_period]
    county_now = county_trend[county_trend["time_period"] == place.time_period].iloc[0]
    return View(
        **{field.name: getattr(place, field.name) for field in fields(Place)},
        council=council,
        rate=rate,
        measures=measures,
        trend=trend,
        now=this_year.iloc[0] if not this_year.empty else None,
        county_now=county_now,
    )


# ---------------------------------------------------------------- tables and downloads


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


def rate_decimals(values: pd.Series) -> int:
    """Decimals a column of rates needs so no non-zero rate reads as 0.00: 2 as a rule, 3
    when some rate is under 0.01 (e.g. 3 permanent exclusions among 100,000 pupils)."""
    numbers = pd.to_numeric(values, errors="coerce")
    return 3 if ((numbers > 0) & (numbers < 0.01)).any() else 2


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


def show_table(
    frame: pd.DataFrame, first: dict, alt_text: str, key: str | None = None, **kw
) -> object:
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


# ---------------------------------------------------------------- charts


def as_bars(frame: pd.DataFrame, category: str, value: str) -> pd.DataFrame:
    """The columns ranked_bar draws: the category, the value and whether it is suppressed."""
    return pd.DataFrame(
        {
            category: frame[category].astype(str),
            "value": frame[value].astype(float),
            "suppressed": frame[f"{value}_suppressed"].fillna(False).astype(bool),
        }
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
    show_chart(
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
    measures: pd.DataFrame,
    references: dict[str, float | None] | None = None,
    category_title: str | None = None,
    axis_title: bool = True,
    label_limit: int = 260,
) -> None:
    """A ranked bar chart of one rate (labelled from ``measures``, the exclusions
    catalogue), or a sentence when there is nothing to draw (every figure 0 or suppressed,
    as in most breakdowns of a single school). Without ``axis_title`` the category axis
    has no title (its labels say what they are)."""
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


def count_chart(counts: pd.DataFrame, label: str, unit: str, area_label: str) -> alt.LayerChart:
    """The count each year as bars labelled with their numbers ('Suppressed' where hidden,
    written where the bar would be). ``counts``: year, value and label."""
    count_axis = f"{label} ({unit})"
    base = alt.Chart(counts).encode(
        x=alt.X("year:O", title="Academic year", axis=alt.Axis(labelAngle=0))
    )
    return alt.layer(
        base.mark_bar(color=HIGHLIGHT).encode(
            y=alt.Y("value:Q", title=count_axis, axis=alt.Axis(format=",.0f")),
            tooltip=[
                alt.Tooltip("year:O", title="Academic year"),
                alt.Tooltip("label:N", title=count_axis),
            ],
        ),
        base.mark_text(dy=-6, fontSize=11).encode(y=alt.Y("value:Q", impute=None), text="label:N"),
        base.transform_filter("datum.value == null")
        .mark_text(fontStyle="italic", color="#505a5f", baseline="bottom")
        .encode(y=alt.value(295), text="label:N"),
    ).properties(title=f"{label} each year, {area_label}", height=300, width="container")


# ---------------------------------------------------------------- tiles and sentences


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


def headline_note(view: View) -> str:
    """The line under the tiles: pupils and schools counted, whose figures these are (the
    DfE's for the LA, or estimates where schools' figures were withheld) and, below the
    county, the county's own rates. Plain text (headline escapes it for Markdown)."""
    now, county_now, council = view.now, view.county_now, view.council
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
    if view.level != "County":
        note += (
            f" {council}: {figure(county_now, 'perm_excl_rate', 'per 100 pupils')} permanent "
            f"exclusions and {figure(county_now, 'susp_rate', 'per 100 pupils')} suspensions."
        )
    return note


def headline(view: View) -> None:
    """The area and year as a heading, then each count above its rate, then the note."""
    st.header(f"{md(view.area_label)}, {view.year}")
    if view.now is None:
        st.info(
            f"{md(view.area_label)} has no exclusions figures for {view.year}. Try another year."
        )
        return
    # Three columns, each a count above its rate: the same two rows of three tiles as two
    # rows of columns, with half the layout blocks for the browser to draw.
    measures = view.measures
    for holder, count_id in zip(st.columns(3), COUNTS, strict=True):
        for measure_id in (count_id, f"{count_id}_rate"):
            unit = str(measures.loc[measure_id, "unit"])
            holder.metric(
                f"{measures.loc[measure_id, 'label']} ({unit})",
                tile_value(view.now, measure_id),
                help=tile_help(view.now, measure_id, unit, measure_help(measures.loc[measure_id])),
            )
    st.caption(md(headline_note(view)))


def measures_explained(measures: pd.DataFrame) -> None:
    """The expander defining every exclusions measure, with the suppression rule."""
    with st.expander("What these measures mean", icon=":material/menu_book:"):
        st.caption("\n\n".join(definition_text(measures.loc[m]) for m in EXPLAINED))
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
