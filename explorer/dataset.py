"""The "locality data set" (Oxfordshire High Needs Review, 2017) drawn for one area.

The Locality and Partnership pages show the same sections in the same order: numbers
of children, profile of needs, absence, exclusions, attainment and funding. Each
measure is shown against comparison areas (county, England; the locality too for a
partnership) for the chosen year and over time. The pages pass in the comparison
table from the query layer; this module only draws it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from analysis import differs_beyond_chance
from contract import catalogue as measure_catalogue
from contract import formats
from contract.catalogue import unit_format
from explorer import access, charts, layout, maps
from explorer.data import per_build, query
from explorer.downloads import download_csv
from explorer.formatting import ESTIMATE_MARK, bare_number, estimate_note, format_value, year_label
from explorer.layout import definition_box, measure_help
from explorer.text import md
from explorer.url_state import url_radio

NOT_AVAILABLE = formats.NOT_AVAILABLE
SUPPRESSED_LABEL = formats.SUPPRESSED


#: The data set's sections and their measures: the catalogue's (the packs' too).
SECTIONS = measure_catalogue.SECTIONS
Section = measure_catalogue.Section


@dataclass(frozen=True)
class Comparator:
    """A comparison area: its name and the comparison table's columns that hold its figure."""

    name: str
    value_column: str
    suppressed_column: str | None = None
    share_column: str | None = None  # counts and money: the area's share of this total (%)


@dataclass(frozen=True)
class Area:
    """The area the data set is drawn for, and the areas its trend lines are compared with."""

    level: str
    name: str
    year: int
    comparators: tuple[Comparator, ...]
    #: extra solid trend lines beside the area's own, e.g. ("Locality", "Banbury")
    trend_areas: tuple[tuple[str, str], ...] = ()
    file_stem: str = "area"


# --------------------------------------------------------------------------- formatting


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def shown(value: object, unit: str, suppressed: object = False) -> str:
    """A value as the page shows it: 'Suppressed' when hidden, 'Not available' when absent."""
    if bool(suppressed) and not _is_missing(suppressed):
        return SUPPRESSED_LABEL
    if _is_missing(value):
        return NOT_AVAILABLE
    return format_value(float(value), unit)


def slug(name: str) -> str:
    """A name made safe for file names and widget keys: 'Banbury North' -> 'banbury-north'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "area"


def funding_share_sentence(row: pd.Series | dict, markdown: bool = True) -> str:
    """The partnership's share of county top-up funding against its shares of pupils and of
    EHC plans, in one plain paragraph (one row of the funding_share query); as Markdown
    (the name escaped) unless ``markdown`` is False (alt text)."""
    name, year = row["partnership"], row["year"]
    name = md(name) if markdown else name
    if bool(row["topup_suppressed"]):
        return (
            f"{name}'s high needs top-up funding in {year} is **Suppressed**: so few pupils "
            "were funded that one child's funding could be identified."
        )
    amount = row["topup_amount"]
    if _is_missing(amount) or _is_missing(row["topup_share_percent"]):
        return f"There are no high needs top-up funding figures for {name} in {year}."
    text = (
        f"In {year} the council paid **£{float(amount):,.0f}** of high needs top-up funding "
        f"for pupils at {name}'s schools: **{float(row['topup_share_percent']):.1f}%** of the "
        "county's total."
    )
    pupils, ehc = row["pupil_share_percent"], row["ehc_plan_share_percent"]
    if not _is_missing(pupils):
        text += f" Its schools have **{float(pupils):.1f}%** of the county's pupils"
        text += (
            f" and **{float(ehc):.1f}%** of its pupils with an EHC plan."
            if not _is_missing(ehc)
            else "."
        )
    ratio = row["funding_to_pupil_share_ratio"]
    if not _is_missing(ratio):
        ratio = float(ratio)
        if 0.9 <= ratio <= 1.1:
            text += " So its share of the funding is about the same as its share of pupils."
        elif ratio > 1.1:
            text += (
                f" So its share of the funding is **{ratio:.1f} times** its share of pupils"
                " (more funding than its size alone would suggest)."
            )
        else:
            text += (
                f" So its share of the funding is **{ratio:.2f} times** its share of pupils"
                " (less funding than its size alone would suggest)."
            )
    return text


def table_value(value: object, unit: str, suppressed: object = False) -> str:
    """A value for a table cell whose heading gives the unit: '31.3', '£772,024', '2,074'."""
    if bool(suppressed) and not _is_missing(suppressed):
        return SUPPRESSED_LABEL
    if _is_missing(value):
        return NOT_AVAILABLE
    return bare_number(float(value), unit)


def download_value(value: object, suppressed: object = False) -> object:
    """A value for a CSV download: the number, 'Suppressed', or blank when not available."""
    if bool(suppressed) and not _is_missing(suppressed):
        return SUPPRESSED_LABEL
    return None if _is_missing(value) else value


def difference_text(difference: float, unit: str, name: str) -> str:
    """A short metric delta in the measure's own unit: '+1.3 vs County'."""
    return f"{difference:+,.{unit_format(unit).decimals}f} vs {name}"


def difference_sentence(difference: float, unit: str, name: str, reference: str) -> str:
    """'5.1 percentage points higher than County (23.3%)': the delta in words."""
    fmt = unit_format(unit)
    if round(difference, fmt.decimals) == 0:
        return f"The same as {name} ({reference})"
    side = "higher" if difference > 0 else "lower"
    return f"{fmt.difference(abs(difference), unit)} {side} than {name} ({reference})"


def axis_format(unit: str) -> str:
    """A d3 axis format with no needless zeros: ticks read 0, 5, 10 or 0.5, 1, 1.5, never
    0.0, 5.0, 10.0 (d3 has no £ symbol; the axis title carries it)."""
    return unit_format(unit).d3_axis


def metric_value(value: object, unit: str, suppressed: object = False) -> str:
    """A value short enough for a metric tile (the label carries the unit)."""
    if bool(suppressed) and not _is_missing(suppressed):
        return SUPPRESSED_LABEL
    if _is_missing(value):
        return NOT_AVAILABLE
    return unit_format(unit).tile(float(value))


def metric_label(label: str, unit: str) -> str:
    """The label with its unit when the value alone does not say it: 'Attainment 8 (points)'."""
    fmt = unit_format(unit)
    base_unit = unit.split(" (")[0]
    if fmt.prefix or fmt.suffix or base_unit.lower() in label.lower():
        return label  # '£1.2m' and '23.4%' say their unit
    return f"{label} ({base_unit})"


#: What the tiles' delta colours mean (the county page uses the same rule).
DELTA_COLOURS_NOTE = (
    "The small figure under each tile is the difference from {reference}, with an arrow for "
    "its direction. **Green** means better and **red** worse, only where higher is clearly "
    "better (attainment) or worse (exclusions) **and** the difference is beyond chance: "
    "outside the 95% limits of a funnel plot (the same test the data packs use). **Grey** "
    "means the difference could be chance, the measure describes the area rather than "
    "judging it (pupil numbers, needs, funding), or no such test applies (absence, "
    "Attainment 8). A figure marked {mark} is an estimate (some schools' figures were "
    "withheld by the DfE): its help gives the range. The sentence under each tile says the "
    "difference in words."
).replace("{mark}", ESTIMATE_MARK)


def _delta_colour(higher_is: str) -> str:
    # Green for better, red for worse; the arrow and the words carry the same news.
    return {"better": "normal", "worse": "inverse"}.get(higher_is, "off")


# --------------------------------------------------------------------------- catalogue


def catalogue() -> pd.DataFrame:
    """The measure catalogue indexed by measure id (labels, units, definitions)."""
    return query("list_measures", subject=None).set_index("measure", drop=False)


# --------------------------------------------------------------------------- comparison table


def comparison_rows(
    comparison: pd.DataFrame, measures: Sequence[str], area: Area
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(table shown on screen, table downloaded) for some measures: one row per measure
    with the area's figure and each comparator's figure."""
    rows = comparison.set_index("measure")
    shown_rows: list[dict] = []
    download_rows: list[dict] = []
    for measure in measures:
        if measure not in rows.index:
            continue
        row = rows.loc[measure]
        unit = row["unit"]
        screen = {"Measure": row["label"], area.name: shown(row["value"], unit, row["suppressed"])}
        csv = {
            "measure": measure,
            "label": row["label"],
            "unit": unit,
            "year": year_label(area.year),
            area.name: download_value(row["value"], row["suppressed"]),
        }
        for comparator in area.comparators:
            suppressed = (
                row[comparator.suppressed_column] if comparator.suppressed_column else False
            )
            value = row[comparator.value_column]
            screen[comparator.name] = shown(value, unit, suppressed)
            csv[comparator.name] = download_value(value, suppressed)
        shown_rows.append(screen)
        download_rows.append(csv)
    return pd.DataFrame(shown_rows), pd.DataFrame(download_rows)


def _metric(row: pd.Series, area: Area, catalogue_row: pd.Series) -> None:
    """The area's figure as a metric tile, compared with the first comparator in words too
    (the arrow and colour are never the only sign of the difference)."""
    unit = row["unit"]
    reference = area.comparators[0] if area.comparators else None
    delta = None
    colour = _delta_colour(row["higher_is"])
    caption = ""
    if reference is not None and not bool(row["suppressed"]) and not _is_missing(row["value"]):
        ref_value = row[reference.value_column]
        ref_hidden = (
            bool(row[reference.suppressed_column]) if reference.suppressed_column else False
        )
        if row["kind"] in ("rate", "mean") and not ref_hidden and not _is_missing(ref_value):
            difference = float(row["value"]) - float(ref_value)
            delta = difference_text(difference, unit, md(reference.name))
            denominator = row.get("denominator")
            beyond_chance = differs_beyond_chance(
                unit,
                float(row["value"]),
                None if _is_missing(denominator) else float(denominator),
                float(ref_value),
            )
            if not beyond_chance:
                colour = "off"  # colour only a difference beyond chance (the packs' test)
            caption = difference_sentence(difference, unit, reference.name, shown(ref_value, unit))
        elif reference.share_column and not _is_missing(row.get(reference.share_column)):
            caption = f"{float(row[reference.share_column]):.1f}% of the {reference.name} total"
    shown_value = metric_value(row["value"], unit, row["suppressed"])
    help_text = measure_help(catalogue_row)
    if bool(row.get("estimated", False)) and not bool(row["suppressed"]):
        shown_value = f"{ESTIMATE_MARK} {shown_value}"
        note = estimate_note(row["value_low"], row["value_high"], unit, row.get("n_withheld"))
        help_text = f"{note[0].upper()}{note[1:]}.\n\n{help_text}"
    st.metric(
        metric_label(row["label"], unit),
        shown_value,
        delta=delta,
        delta_color=colour,
        help=help_text,
        border=True,
    )
    if caption:
        st.caption(md(caption))


# --------------------------------------------------------------------------- trends


def trend_frame(area: Area, measure: str, kind: str) -> pd.DataFrame:
    """The area's series for one measure over the years, its trend areas' series and (for
    rates and means) the county's and England's, dashed. Counts and money are not drawn
    against the county: a part of a total on one axis with the whole says nothing."""
    with_references = kind in ("rate", "mean")
    frames = [
        query(
            "area_measure_trend",
            level=area.level,
            area=area.name,
            measure=measure,
            references=with_references,
        )
    ]
    for level, name in area.trend_areas:
        frames.append(
            query("area_measure_trend", level=level, area=name, measure=measure, references=False)
        )
    if area.level == "Partnership":
        # the partnership's schools changed: its line with today's schools in every year too
        like = query("like_for_like_trend", partnership=area.name, measure=measure)
        if not like.empty and like["like_for_like"].any():
            frames.append(
                like.assign(
                    series=f"{area.name} (today's schools)",
                    is_reference=False,
                    level="Partnership (today's schools)",
                    area=area.name,
                    area_name=area.name,
                ).drop(columns=["like_for_like"])
            )
    frame = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    if frame.empty:
        return frame
    # Own area first so it takes the first colour and leads the legend.
    frame["order"] = frame["is_reference"].astype(int)
    own = (frame["level"] == area.level) & (frame["area"] == area.name)
    frame.loc[own, "order"] = -1
    return frame.sort_values(["order", "series", "time_period"]).drop(columns="order")


def trend_alt_text(frame: pd.DataFrame, label: str, unit: str) -> str:
    """What the trend chart shows, in words, for screen readers."""
    years = frame["year"].drop_duplicates().tolist()
    latest = frame[frame["time_period"] == frame["time_period"].max()]
    parts = [
        f"{series}: {shown(value, unit, suppressed)}"
        for series, value, suppressed in zip(
            latest["series"], latest["value"], latest["suppressed"], strict=True
        )
    ]
    return (
        f"Line chart of {label} ({unit}) from {years[0]} to {years[-1]}. "
        f"In {years[-1]}: " + "; ".join(parts) + "."
    )


@per_build(max_entries=256)
def _trend(
    level: str,
    name: str,
    trend_areas: tuple[tuple[str, str], ...],
    measure: str,
    kind: str,
    label: str,
    unit: str,
) -> tuple[charts.VegaLiteSpec, str, pd.DataFrame] | None:
    """The trend chart's finished spec, its words for a screen reader and its figures
    (None: no figures in any year); worked out once per build for everyone."""
    area = Area(level, name, 0, (), trend_areas)
    frame = trend_frame(area, measure, kind)
    if frame.empty or frame["value"].isna().all() and not frame["suppressed"].any():
        return None
    others = [other for _, other in trend_areas]
    if kind in ("rate", "mean"):
        others += ["the county", "England"]
    against = "Compared with " + ", ".join(others[:-1]) + " and " + others[-1] if others else ""
    title = f"{label}: {name}"
    subtitle = f"{against}, by academic year" if against else "By academic year"
    chart = charts.trend_chart(frame, label, unit, title, series="series", year="year")
    # A long one-line title is cut off in a narrow column: name and measure, then the rest.
    chart = chart.properties(title=alt.TitleParams(text=title, subtitle=subtitle, anchor="start"))
    # The chart's height includes its titles and axes: give the lines room, keep years level,
    # and break the long y-axis title so it never pushes the chart title out of view.
    chart = chart.properties(height=380, padding={"top": 12, "left": 5, "right": 5, "bottom": 5})
    chart.encoding.y.title = [label, f"({unit})"]
    chart.encoding.y.axis = alt.Axis(format=axis_format(unit))
    chart.encoding.x.axis = alt.Axis(labelAngle=0)
    chart = chart.configure_legend(labelLimit=320)  # partnership names are long; never cut them
    return charts.finished(chart), trend_alt_text(frame, label, unit), frame


def render_trend(area: Area, section: Section, cat: pd.DataFrame) -> None:
    """A chart of one of the section's measures over the years (the reader picks which)."""
    options = [m for m in section.measures if m in cat.index]
    if len(options) > 1:
        rates = [m for m in options if cat.loc[m, "kind"] in ("rate", "mean")]
        # in the address (?trend_<section>=<measure>), so a shared link shows the same line
        measure = url_radio(
            "Show over time",
            options,
            f"trend_{section.key}",
            default=rates[0] if rates else options[0],
            format_func=lambda m: cat.loc[m, "label"],
        )
    else:
        measure = options[0]
    info = cat.loc[measure]
    label, unit = info["label"], info["unit"]
    drawn = _trend(area.level, area.name, area.trend_areas, measure, info["kind"], label, unit)
    if drawn is None:
        st.info(f"No {info['label'].lower()} figures for {md(area.name)} in any year.")
        return
    spec, words, frame = drawn
    charts.show_chart(spec, width="stretch", alt=words)
    missing = [y for y in all_years() if y not in set(frame["time_period"])]
    missing = [y for y in missing if frame["time_period"].min() < y < frame["time_period"].max()]
    if missing:
        st.caption(
            f"No {label.lower()} figures were published for "
            + ", ".join(year_label(y) for y in missing)
            + ", so those years are left out of the chart."
        )
    hidden = frame[frame["suppressed"].astype(bool) & (frame["level"] == area.level)]
    if not hidden.empty:
        st.caption(
            f"{md(area.name)}: {label.lower()} is **Suppressed** in "
            f"{', '.join(hidden['year'])} (small numbers), so the line has a gap."
        )
    if info["kind"] in ("rate", "mean"):
        st.caption("Dashed lines: the county (all the council's schools) and England.")
    if (frame["level"] == "Partnership (today's schools)").any():
        st.caption(
            f"**{md(area.name)} (today's schools)**: the partnership's schools of the latest year "
            "in every year (like for like), beside its figures as they were each year: the "
            "two differ in the years its schools were not today's."
        )
    download = frame[["series", "level", "year", "measure", "value", "suppressed"]].copy()
    download["value"] = [
        download_value(v, s) for v, s in zip(download["value"], download["suppressed"], strict=True)
    ]
    download_csv(
        download,
        f"{area.file_stem}-{measure}-trend",
        label="Download the chart's figures (CSV)",
    )


# --------------------------------------------------------------------------- SEN needs


def render_need_profile(area: Area, county: str) -> None:
    """Primary needs of pupils with SEN in the area beside the county, for one provision."""
    provision = url_radio(
        "Primary need of pupils with",
        ["EHC plan", "SEN support"],
        "need_of",
        default="EHC plan",
        format_func=lambda p: "an EHC plan" if p == "EHC plan" else "SEN support",
    )
    own = query("sen_need_profile", level=area.level, area=area.name, time_period=area.year)
    ref = query("sen_need_profile", level="County", area=county, time_period=area.year)
    own = own[own["sen_provision"] == provision].assign(area_label=area.name)
    ref = ref[ref["sen_provision"] == provision].assign(area_label="County")
    if own.empty:
        st.info(f"No primary need figures for {md(area.name)} in {year_label(area.year)}.")
        return
    frame = pd.concat([own, ref], ignore_index=True)
    frame["shown_percent"] = frame["percent_of_provision"].where(
        ~frame["percent_suppressed"].astype(bool)
    )
    title = (
        f"Primary need of pupils with {'an EHC plan' if provision == 'EHC plan' else 'SEN support'}"
        f": {area.name} and the county, {year_label(area.year)}"
    )
    chart = need_profile_chart(frame, [area.name, "County"], provision, title)
    top = own.sort_values("percent_of_provision", ascending=False).iloc[0]
    alt_text = (
        f"Bar chart of the primary needs of pupils with {provision} in {area.name} beside the "
        f"county. The most common in {area.name} is {top['primary_need']} "
        f"({shown(top['percent_of_provision'], '%', top['percent_suppressed'])})."
    )
    charts.show_chart(chart, width="stretch", alt=alt_text)
    hidden = own[own["percent_suppressed"].astype(bool)]["primary_need"].tolist()
    if hidden:
        st.caption(
            f"**Suppressed** for {md(area.name)} (small numbers, so no bar is drawn): "
            + ", ".join(map(md, hidden))
            + "."
        )
    st.caption(
        "Each bar is the share of the area's pupils with this provision whose primary need "
        "is this one. Schools that did not publish a need are left out of both numbers."
    )
    download = frame[
        ["area_label", "year", "sen_provision", "primary_need", "pupils", "percent_of_provision"]
    ].copy()
    download["pupils"] = [
        download_value(v, s)
        for v, s in zip(download["pupils"], frame["pupils_suppressed"], strict=True)
    ]
    download["percent_of_provision"] = [
        download_value(v, s)
        for v, s in zip(download["percent_of_provision"], frame["percent_suppressed"], strict=True)
    ]
    download_csv(
        download.rename(columns={"area_label": "area"}),
        f"{area.file_stem}-primary-need",
        label="Download the chart's figures (CSV)",
    )


def need_profile_chart(
    frame: pd.DataFrame, areas: Sequence[str], provision: str, title: str
) -> alt.TopLevelMixin:
    """Bars of each primary need's share, one per area, each labelled with its figure, so a
    0% need and a suppressed one both say what they are instead of showing no bar.

    ``frame`` has primary_need, area_label, shown_percent (None when suppressed) and
    percent_suppressed."""
    data = frame[["primary_need", "area_label", "shown_percent", "percent_suppressed"]].copy()
    data["label"] = [
        SUPPRESSED_LABEL if bool(hidden) else formats.get("pct1").short(float(v))
        for v, hidden in zip(data["shown_percent"], data["percent_suppressed"], strict=True)
    ]
    # Suppressed bars are not drawn: their label sits at the axis (x = 0) instead.
    data["label_at"] = data["shown_percent"].fillna(0.0)
    order = (
        data[data["area_label"] == areas[0]]
        .sort_values("label_at", ascending=False)["primary_need"]
        .tolist()
    )
    order += [n for n in dict.fromkeys(data["primary_need"]) if n not in order]
    value_title = f"Share of pupils with {provision} (%)"
    y = alt.Y("primary_need:N", sort=order, title=None)
    y_offset = alt.YOffset("area_label:N", sort=list(areas))
    tooltip = [
        alt.Tooltip("primary_need:N", title="Primary need"),
        alt.Tooltip("area_label:N", title="Area"),
        alt.Tooltip("label:N", title=value_title),
    ]
    base = alt.Chart(data).encode(y=y, yOffset=y_offset, tooltip=tooltip)
    bars = base.mark_bar().encode(
        x=alt.X(
            "shown_percent:Q",
            title=value_title,
            axis=alt.Axis(format=",.0f", tickCount=5, grid=True),
            scale=alt.Scale(domainMin=0),
        ),
        color=alt.Color(
            "area_label:N",
            title=None,
            sort=list(areas),
            scale=alt.Scale(domain=list(areas), range=charts.OKABE_ITO[: len(areas)]),
            legend=alt.Legend(orient="top"),
        ),
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10, color="#333333").encode(
        x=alt.X("label_at:Q"),
        text="label:N",
    )
    height = max(240, 34 * data["primary_need"].nunique())
    return (
        alt.layer(bars, labels)
        .properties(title=title, height=height, width="container")
        .configure_axisY(labelLimit=320)  # need names are long; never cut them
    )


# --------------------------------------------------------------------------- sections


def render_section(
    section: Section, comparison: pd.DataFrame, area: Area, cat: pd.DataFrame, county: str
) -> None:
    """One part of the data set: metrics, a comparison table, definitions, a trend chart."""
    st.header(section.title, anchor=section.key)
    st.markdown(section.intro)
    rows = comparison.set_index("measure", drop=False)
    present = [m for m in section.measures if m in rows.index]
    if not present:
        st.info(
            f"No {section.title.lower()} figures for {md(area.name)} in {year_label(area.year)}."
        )
        return
    per_row = 2 if len(present) == 4 else min(len(present), 3)  # tiles wide enough to read
    for start in range(0, len(present), per_row):
        chunk = present[start : start + per_row]
        for column, measure in zip(st.columns(per_row), chunk, strict=False):
            with column:
                _metric(rows.loc[measure], area, cat.loc[measure])
    screen, download = comparison_rows(comparison, present, area)
    st.dataframe(
        screen,
        hide_index=True,
        column_config={"Measure": st.column_config.TextColumn("Measure", width="large")},
    )
    download_csv(download, f"{area.file_stem}-{section.key}-{area.year}")
    for measure in present:
        definition_box(cat.loc[measure])
    if section.key == "send":
        st.subheader("Primary need")
        render_need_profile(area, county)
    st.subheader(f"{section.title} over time")
    render_trend(area, section, cat)


def render_dataset(comparison: pd.DataFrame, area: Area) -> None:
    """The data set: every measure at a glance in one table, then its sections (in the
    order of the 2017 locality data set) as tabs, the open one kept in the URL.

    Only the open tab is drawn (layout.lazy_tabs): drawing all six sections' ~90 elements
    made the browser draw a page's first chart about a second later (docs/performance.md)."""
    cat = catalogue()
    county = county_name(area.year)
    st.header(f"The {area.level.lower()} data set, {year_label(area.year)}", anchor="dataset")
    render_at_a_glance(comparison, area)

    def section_tab(section: Section) -> Callable[[], None]:
        def draw() -> None:
            if area.comparators:
                st.caption(DELTA_COLOURS_NOTE.format(reference=md(area.comparators[0].name)))
            render_section(section, comparison, area, cat, county)

        return draw

    layout.lazy_tabs({section.title: section_tab(section) for section in SECTIONS})


def _in_words(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def render_at_a_glance(comparison: pd.DataFrame, area: Area) -> None:
    """One table of every measure of the data set against its comparators, with a download:
    the whole data set in one place, whichever tab is open."""
    screens, downloads = [], []
    for section in SECTIONS:
        screen, download = comparison_rows(comparison, section.measures, area)
        if not screen.empty:
            screens.append(screen.assign(Section=section.title))
            downloads.append(download.assign(section=section.title))
    if not screens:
        st.info(f"No figures for {md(area.name)} in {year_label(area.year)}.")
        return
    screen = pd.concat(screens, ignore_index=True)
    screen = screen[["Section", *[c for c in screen.columns if c != "Section"]]]
    download = pd.concat(downloads, ignore_index=True)
    download = download[["section", *[c for c in download.columns if c != "section"]]]
    st.markdown(
        f"Every measure for **{md(area.name)}** in {year_label(area.year)}"
        + (
            f", beside {_in_words([md(c.name) for c in area.comparators])}"
            if area.comparators
            else ""
        )
        + ". Choose a section's tab below for its tiles, definitions and trends over time."
    )
    st.dataframe(
        screen,
        hide_index=True,
        height=35 * (len(screen) + 1) + 3,  # every row in view: it is the data set's summary
        column_config={
            "Section": st.column_config.TextColumn("Section", width=135),
            "Measure": st.column_config.TextColumn("Measure", width=235),
        },
    )
    download_csv(download, f"{area.file_stem}-data-set-{area.year}")


def all_years() -> list[int]:
    """Every academic year with school data, oldest first."""
    return sorted(int(y) for y in query("list_years")["time_period"])


def county_name(time_period: int) -> str:
    """The county's area name in the query layer (the council's name, e.g. Oxfordshire)."""
    county = query("measure_by_area", level="County", measure="pupils", time_period=time_period)
    own = county[~county["is_reference"].astype(bool)]
    return str(own["area"].iloc[0]) if not own.empty else "County"


# --------------------------------------------------------------------------- map


@per_build(max_entries=64)
def _partnership_map(
    locality: str, year: int, highlight: str | None
) -> tuple[charts.VegaLiteSpec, str] | None:
    """The map's finished spec and its words for a screen reader (None: nothing to map);
    worked out once per build for everyone who opens the locality."""
    boundaries = query("locality_boundaries")
    boundaries = boundaries[boundaries["locality"] == locality]
    points = query("school_points", time_period=year)
    points = points[points["locality"] == locality]
    if boundaries.empty or points.empty:
        return None
    title = f"Schools in {locality} locality by partnership, {year_label(year)}"
    if highlight:
        title = f"Schools of {highlight} (others faded) in {locality}, {year_label(year)}"
    chart = maps.partnership_map(boundaries, points, title, highlight_partnership=highlight)
    chart = chart.configure_legend(labelLimit=320)
    counts = points.groupby("partnership", dropna=False).size()
    summary = "; ".join(
        f"{'No partnership' if pd.isna(name) else name}: {n} schools" for name, n in counts.items()
    )
    words = (
        f"Map of {locality} locality with its {len(points)} schools, shaped by phase and "
        f"coloured by partnership. {summary}."
    )
    return charts.finished(chart), words


def render_partnership_map(locality: str, year: int, highlight: str | None, file_stem: str) -> None:
    """The locality's outline with its schools coloured by partnership (offline map)."""
    drawn = _partnership_map(locality, year, highlight)
    if drawn is None:
        st.info(
            f"No map for {md(locality)} in {year_label(year)}: no boundary or school locations."
        )
        return
    spec, words = drawn
    charts.show_chart(spec, width="stretch", height=charts.display_height(spec), alt=words)
    st.caption(
        "Each dot is a school (shape shows its phase; colour its partnership). Hover for its "
        "name. The outline is the locality's boundary."
    )
    points = query("school_points", time_period=year)
    points = points[points["locality"] == locality]
    download_csv(
        points[["urn", "school_name", "phase", "partnership", "locality", "lat", "lon", "year"]],
        file_stem,
        label="Download the schools on the map (CSV)",
    )


# --------------------------------------------------------------------------- wide tables

#: Headline measures of the partnership and school tables (the catalogue's headline flag):
#: (column, heading with its unit).
HEADLINE_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (m.measure, m.heading) for m in measure_catalogue.headline()
)


def wide_tables(
    frame: pd.DataFrame,
    id_columns: Sequence[tuple[str, str]],
    cat: pd.DataFrame,
    measures: Sequence[tuple[str, str]] = HEADLINE_COLUMNS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(table shown, table downloaded) from a wide query result with ``suppressed_measures``:
    hidden figures read "Suppressed" in both; figures never published read "Not available"
    on screen and are blank in the download."""
    screen = pd.DataFrame({heading: frame[column] for column, heading in id_columns})
    download = screen.copy()
    hidden = [
        set(v) if isinstance(v, list | tuple) else set(v.tolist())
        for v in frame["suppressed_measures"]
    ]
    for column, heading in measures:
        if column not in frame.columns:
            continue
        unit = cat.loc[column, "unit"] if column in cat.index else ""
        flags = [column in h for h in hidden]
        values = frame[column].tolist()
        screen[heading] = [table_value(v, unit, f) for v, f in zip(values, flags, strict=True)]
        download[heading] = [download_value(v, f) for v, f in zip(values, flags, strict=True)]
    return screen, download


#: The headline columns in narrower tables by section, so none needs sideways scrolling:
#: (table heading, [(full column heading, short label on screen)]). The full heading is the
#: column's help text and its name in the download.
_TABLE_SUBJECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Pupils and needs", ("Pupils", "SEND")),
    ("Absence and exclusions", ("Attendance", "Exclusions")),
    ("Attainment and funding", ("Attainment", "Funding")),
)
TABLE_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = tuple(
    (
        heading,
        tuple(
            (m.heading, m.short_label)
            for m in measure_catalogue.headline()
            if m.subject in subjects
        ),
    )
    for heading, subjects in _TABLE_SUBJECTS
)


def render_wide_table(
    screen: pd.DataFrame, id_columns: Sequence[str], pinned: str, key: str
) -> None:
    """The screen table from ``wide_tables`` as narrower tables (pupils and needs; absence
    and exclusions; attainment and funding), each with short column labels whose help gives
    the full heading. The identifying columns (e.g. name) lead the first, the name the
    others; ``pinned`` stays put when scrolling."""
    for group, (heading, columns) in enumerate(TABLE_GROUPS):
        # Only the first table repeats every identifying column; the others need the name.
        ids = list(id_columns) if group == 0 else [pinned]
        present = [(full, short) for full, short in columns if full in screen.columns]
        if not present:
            continue
        st.markdown(f"**{heading}**")
        config: dict = {
            pinned: st.column_config.TextColumn(pinned, pinned=True, width="medium"),
        }
        for full, short in present:
            config[full] = st.column_config.TextColumn(short, help=full)
        for column in ids:
            if column != pinned and column not in config:
                config[column] = (
                    st.column_config.NumberColumn(column, format="%d", width="small")
                    if column == "URN"
                    else st.column_config.TextColumn(column, width="small")
                )
        st.dataframe(
            screen[[*ids, *[full for full, _ in present]]],
            hide_index=True,
            column_config=config,
            key=f"{key}-{slug(heading)}",
        )
    # the council's own columns read "Not available" where this viewer may not see them
    council = [
        m.label
        for m in measure_catalogue.MEASURES
        if m.council_only and m.heading in screen.columns
    ]
    if council:
        access.council_data_note(f"{' and '.join(council)} in these tables")
