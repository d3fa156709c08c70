"""The county on one screen for one measure and year (the County overview page): a
sentence on the county, a tile per locality with its change since the year before
(coloured only when beyond chance), the map, and the ranked table that says which
localities are highest and lowest without relying on colour."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from analysis import differs_beyond_chance
from contract.catalogue import unit_format
from explorer import layout
from explorer.charts import VegaLiteSpec, display_height, show_chart, with_arrow_tables
from explorer.data import per_build, query
from explorer.downloads import download_csv
from explorer.formatting import decimals_for, format_value, unit_in_brackets, year_label
from explorer.layout import area_figure_columns, measure_help, suppression_note
from explorer.maps import locality_choropleth
from explorer.pickers import MeasureYear
from explorer.text import md

# One area's figures: a DataFrame row, or the same as a dict (faster to loop over).
Row = pd.Series | dict

DEFAULT_MEASURE = "fsm_percent"
MAP_HEIGHT = 640  # the county is tall and narrow: height is what makes the map readable
# st.metric colours a rise green; for measures where higher is worse a rise should be red.
DELTA_COLOUR = {"better": "normal", "worse": "inverse", "neutral": "off"}


def change_text(change: float, unit: str) -> str:
    """A year-on-year change with its unit; percentages change by percentage points."""
    fmt = unit_format(unit)
    return ("+" if change >= 0 else "-") + fmt.difference(abs(change), unit)


def figure(row: Row | None, unit: str) -> str:
    """The value shown for one area: a number with its unit, 'Suppressed' or 'No data'."""
    if row is None:
        return "No data"
    return format_value(row["value"], unit, suppressed=bool(row["suppressed"]))


def short_figure(row: Row | None, unit: str) -> str:
    """A tile's figure: the number alone (its unit is in the tile's label) so it fits."""
    text = figure(row, unit)
    if row is None or row["suppressed"] or pd.isna(row["value"]):
        return text
    return unit_format(unit).short(float(row["value"]))


@dataclass(frozen=True)
class Overview(MeasureYear):
    """The chosen measure and year with every locality's figure, the references (county,
    England) by level, and every series' trend (for the change since last year)."""

    localities: pd.DataFrame | None = None
    references: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None
    all_periods: tuple[int, ...] = ()

    def _reference(self, level: str) -> pd.Series | None:
        return self.references.loc[level] if level in self.references.index else None

    @property
    def county(self) -> pd.Series | None:
        return self._reference("County")

    @property
    def england(self) -> pd.Series | None:
        return self._reference("National")

    @property
    def county_name(self) -> str:
        return str(self.county["area_name"]) if self.county is not None else "the county"

    @property
    def previous(self) -> int | None:
        """The academic year before this one in the warehouse, if any."""
        earlier = sorted(p for p in self.all_periods if p < self.time_period)
        return earlier[-1] if earlier else None

    @property
    def previous_year(self) -> str | None:
        return year_label(self.previous) if self.previous else None

    @cached_property
    def last_year(self) -> dict[str, dict]:
        """Last year's rows as plain dicts: looked up once per locality (159 nationally),
        and a DataFrame .loc per lookup cost the page a tenth of a second."""
        if not self.previous:
            return {}
        trends = self.trends
        return trends[trends["time_period"] == self.previous].set_index("series").to_dict("index")

    @property
    def tiled(self) -> bool:
        """A tile per locality (up to layout.MAX_LOCALITY_TILES), else the table carries them."""
        return len(self.localities) <= layout.MAX_LOCALITY_TILES


def load(chosen: MeasureYear, years: pd.DataFrame) -> Overview:
    """The localities' and references' figures this year, and every series' trend."""
    with st.spinner("Adding up the schools' figures…"):
        by_area = query(
            "measure_by_area",
            level="Locality",
            measure=chosen.measure_id,
            time_period=chosen.time_period,
        )
        trends = query("compare_locality_trends", measure=chosen.measure_id)
    return Overview(
        chosen.measure_id,
        chosen.measure,
        chosen.time_period,
        localities=by_area[~by_area["is_reference"]].reset_index(drop=True),
        references=by_area[by_area["is_reference"]].set_index("level"),
        trends=trends,
        all_periods=tuple(years["time_period"]),
    )


# ---------------------------------------------------------------- the county in one sentence


def county_sentence(view: Overview) -> str:
    """The county's figure (with what it is made of), England's, and the highest and lowest
    localities: Markdown, names escaped."""
    unit, measure, county, england = view.unit, view.measure, view.county, view.england
    shown = view.localities[~view.localities["suppressed"] & view.localities["value"].notna()]
    highest = shown.iloc[0] if not shown.empty else None
    lowest = shown.iloc[-1] if len(shown) > 1 else None
    sentence = (
        f"In {view.year}, **{view.label}** across {md(view.county_name)}'s schools was "
        f"**{figure(county, unit)}**"
    )
    if county is not None and not county["suppressed"] and measure["kind"] == "rate":
        sentence += (
            f" ({county['numerator']:,.0f} {str(measure['numerator_label']).lower()} "
            f"out of {county['denominator']:,.0f} {str(measure['denominator_label']).lower()})"
        )
    if england is not None and not england["suppressed"] and pd.notna(england["value"]):
        sentence += f", compared with {figure(england, unit)} in England"
    sentence += "."
    if highest is not None and lowest is not None:
        sentence += (
            f" Of the nine localities, **{md(highest['area_name'])}** had the highest figure "
            f"({figure(highest, unit)}) and **{md(lowest['area_name'])}** the lowest "
            f"({figure(lowest, unit)})."
        )
    return sentence


# ---------------------------------------------------------------- tiles


def change_since(
    view: Overview, row: Row | None, series: str
) -> tuple[str | None, str, Row | None]:
    """(the change since last year as words or None, the delta arrow, last year's row)."""
    unit = view.unit
    delta = None
    before = view.last_year.get(series)
    has_now = row is not None and not row["suppressed"] and pd.notna(row["value"])
    has_before = before is not None and not before["suppressed"] and pd.notna(before["value"])
    arrow = "auto"
    if has_now and has_before:
        change = float(row["value"]) - float(before["value"])
        if round(change, decimals_for(unit)) == 0:
            delta, arrow = "No change", "off"
        else:
            delta = change_text(change, unit)
            # coloured only when beyond chance: this year against last year's figure, the
            # packs' test (outside the 95% funnel limits); otherwise the arrow is grey
            denominator = row.get("denominator")
            beyond = differs_beyond_chance(
                unit,
                float(row["value"]),
                None if pd.isna(denominator) else float(denominator),
                float(before["value"]),
            )
            if not beyond:
                arrow = "grey"
    return delta, arrow, before


def tile(
    view: Overview, container, title: str, row: Row | None, series: str, link_to: str | None
) -> None:
    """One st.metric: this year's figure and the change since last year (when both exist)."""
    unit, previous_year = view.unit, view.previous_year
    delta, arrow, before = change_since(view, row, series)
    note = (
        f"{previous_year}: {figure(before, unit)}. " if previous_year else "No earlier year. "
    ) + measure_help(view.info)
    container.metric(
        f"{md(title)} {unit_in_brackets(unit)}",
        short_figure(row, unit) if row is not None or series != "England" else "Not published",
        delta=delta,
        delta_color=DELTA_COLOUR.get(str(view.measure["higher_is"]), "off")
        if arrow == "auto"
        else "off",
        delta_arrow="auto" if arrow == "grey" else arrow,
        delta_description=f"since {previous_year}" if delta else None,
        help=note,
        border=True,
    )
    if link_to:
        container.page_link(
            "app_pages/locality.py",
            label=f"{md(link_to)} locality page",
            icon=":material/arrow_forward:",
            query_params={
                "locality": link_to,
                "measure": view.measure_id,
                "year": str(view.time_period),
            },
        )


def tiles(view: Overview) -> None:
    """The county and England, what the colours mean, then a tile per locality A-Z."""
    higher_is = view.measure["higher_is"]
    st.header(f"{view.label}, {view.year}")
    reference_columns = st.columns(3)
    tile(
        view, reference_columns[0], f"{view.county_name}, all schools", view.county, "County", None
    )
    tile(view, reference_columns[1], "England", view.england, "England", None)
    with reference_columns[2]:
        st.caption(
            "Tiles show each area's figure and the change since the year before. "
            + (
                "A rise beyond chance is shown in red because higher is worse for this measure."
                if higher_is == "worse"
                else "A rise beyond chance is shown in green because higher is better for this measure."
                if higher_is == "better"
                else "Changes are shown in grey: higher is neither better nor worse."
            )
            + (
                " Beyond chance means outside the 95% limits around last year's figure, the test "
                "the data packs use; a change that could be chance, or one no such test applies "
                "to (absence, Attainment 8), is grey."
                if higher_is in ("worse", "better")
                else ""
            )
        )
        st.caption(suppression_note())
    # Rows of three, A-Z, so reading order (and a screen reader's) is alphabetical.
    alphabetical = view.localities.sort_values("area_name").reset_index(drop=True)
    if view.tiled:
        for start in range(0, len(alphabetical), 3):
            row_columns = st.columns(3)
            for offset, (_, row) in enumerate(alphabetical.iloc[start : start + 3].iterrows()):
                name = str(row["area"])
                tile(view, row_columns[offset], str(row["area_name"]), row, name, name)
    else:
        st.info(
            f"{len(alphabetical):,} localities are too many for a tile each: the table under the "
            "map gives every locality's figure"
            + (f", its change since {view.previous_year}" if view.previous_year else "")
            + " and a link to its page."
        )


# ---------------------------------------------------------------- map


@per_build(max_entries=32)
def _county_map(
    measure_id: str,
    time_period: int,
    label: str,
    unit: str,
    title: str,
    with_schools: bool,
    names: bool,
) -> VegaLiteSpec:
    """The localities shaded by the measure: the finished spec, worked out once per build
    for everyone who asks for this measure and year."""
    by_area = query(
        "measure_by_area", level="Locality", measure=measure_id, time_period=time_period
    )
    localities = by_area[~by_area["is_reference"]]
    county_map = locality_choropleth(
        query("locality_boundaries"),
        localities[["area", "value", "suppressed"]],
        query("school_points", time_period=time_period) if with_schools else None,
        label,
        unit,
        title,
        height=MAP_HEIGHT,
        names=names,
    )
    return with_arrow_tables(county_map)


def locality_map(view: Overview) -> None:
    """The localities shaded by their figure, the schools as dots (up to
    layout.MAX_SCHOOL_DOTS), its caption and download."""
    label, unit, year, localities = view.label, view.unit, view.year, view.localities
    boundaries = query("locality_boundaries")
    points = query("school_points", time_period=view.time_period)
    too_many_dots = len(points) > layout.MAX_SCHOOL_DOTS
    st.header("Map of the localities")
    if boundaries.empty:
        st.info("No locality boundaries in this warehouse, so the map cannot be drawn.")
        return
    ranked_words = "; ".join(
        f"{r['area_name']} {figure(r, unit)}" for r in localities.to_dict("records")
    )
    county_map = _county_map(
        view.measure_id,
        view.time_period,
        label,
        unit,
        f"{view.label_and_unit} by locality, {year}",
        not too_many_dots,
        # as many names as tiles: above that (every LA nationally) they overlap unreadably
        view.tiled,
    )
    show_chart(
        county_map,
        height=display_height(county_map),  # Streamlit 1.67 squashes a chart's spec height
        alt=(
            f"Map of the {len(boundaries)} localities shaded by {label.lower()} in {year}; "
            f"darker is higher. "
            + ("" if too_many_dots else f"Dots mark {len(points)} schools. ")
            + "From highest to lowest: "
            f"{ranked_words}."
        ),
    )
    st.caption(
        "Darker shading means a higher figure. Localities with a suppressed figure are left "
        "grey. "
        + (
            f"The {len(points):,} schools are too many to mark on one map: open a locality's "
            "page to see its schools."
            if too_many_dots
            else "Dots mark schools (shape shows the phase); hover for names."
        )
        + ("" if view.tiled else " Hover over an area for its name and figure.")
    )
    if "derived" in boundaries and boundaries["derived"].fillna(False).astype(bool).any():
        st.caption(
            "The locality outlines are drawn from the schools' locations (no boundary file "
            "was supplied), not real boundaries: they are approximate."
        )
    download_csv(
        localities[["area_name", "year", "value", "suppressed"]].rename(
            columns={"area_name": "locality"}
        ),
        file_stem=f"county-map-{view.measure_id}-{view.time_period}",
        label="Download the mapped figures (CSV)",
    )


# ---------------------------------------------------------------- table


def ranked_table(view: Overview) -> None:
    """Every locality ranked (suppressed not ranked), with what its figure is made of; above
    the tile limit also its change and a link to its page. Then the download."""
    measure, unit, measure_id, time_period = (
        view.measure,
        view.unit,
        view.measure_id,
        view.time_period,
    )
    previous_year = view.previous_year
    st.header("Localities ranked")
    table = view.localities.copy()
    hidden = table["suppressed"] | table["value"].isna()
    table.insert(0, "rank", [("–" if h else str(n)) for n, h in enumerate(hidden, start=1)])
    table_rows = table.to_dict("records")
    table["figure"] = [figure(r, unit) for r in table_rows]
    has_denominator = (
        bool(str(measure["denominator_label"] or "").strip()) and measure["kind"] != "count"
    )
    columns = ["rank", "area_name", "figure"]
    columns += ["numerator"] if measure["kind"] != "count" else []  # a count is its own figure
    columns += ["denominator"] if has_denominator else []
    columns += ["n_schools", "coverage_percent"]
    extra_columns: dict[str, object] = {}
    if not view.tiled:  # the tiles' change and link, for more localities than tiles can show
        table["change"] = [change_since(view, r, str(r["area"]))[0] for r in table_rows]
        table["page"] = [
            "locality?"
            + urlencode({"locality": r["area"], "measure": measure_id, "year": str(time_period)})
            for r in table_rows
        ]
        # beside the figure and the name, so they show without scrolling the table sideways
        columns[columns.index("figure") + 1 : columns.index("figure") + 1] = (
            ["change"] if previous_year else []
        )
        columns.insert(columns.index("area_name") + 1, "page")
        extra_columns = {
            "change": st.column_config.TextColumn(
                f"Change since {previous_year}", help=measure_help(view.info)
            ),
            "page": st.column_config.LinkColumn(
                "Locality page",
                display_text="Open",
                help="The locality's own page, same measure and year",
            ),
        }
    st.dataframe(
        table[columns],
        hide_index=True,
        column_config={
            "rank": st.column_config.TextColumn(
                "Rank", help="1 = highest figure; – = suppressed, so not ranked", width="small"
            ),
            "area_name": st.column_config.TextColumn("Locality"),
            **area_figure_columns(view.info, view.label_and_unit, "locality"),
            **extra_columns,
        },
        placeholder="Suppressed",
    )
    county, england = view.county, view.england
    download = table[["rank", "area_name", "year", "measure", "value", "suppressed", "numerator"]]
    download = download.assign(
        value=table["value"].astype(object).where(~table["suppressed"], "Suppressed"),
        denominator=table["denominator"],
        n_schools=table["n_schools"],
        coverage_percent=table["coverage_percent"],
        county_value=county["value"] if county is not None else None,
        england_value=england["value"] if england is not None else None,
        unit=unit,
    ).rename(columns={"area_name": "locality"})
    download_csv(download, file_stem=f"county-localities-{measure_id}-{time_period}")
