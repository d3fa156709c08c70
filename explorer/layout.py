"""Shared page furniture: title, demo-data banner, measure definitions, notes on suppression."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

import pandas as pd
import streamlit as st

from explorer import data
from explorer.formatting import unit_in_brackets
from explorer.url_state import url_tabs

#: National-scale display limits (kept here, not in the page, so tests can lower them).
#: Up to this many localities get a tile each on the County overview; beyond it (every
#: LA nationally: 159 tiles and links took the browser seconds to lay out before the map
#: could be drawn) the ranked table carries each one's change and page link instead.
MAX_LOCALITY_TILES = 30
#: Above this many schools the map shows the localities only: thousands of dots (24,000
#: nationally) take seconds to send and draw and hide the shading.
MAX_SCHOOL_DOTS = 2000


STYLES = Path(__file__).resolve().parent / "assets" / "app.css"


@cache
def _styles() -> str:
    return STYLES.read_text(encoding="utf-8")


def apply_styles() -> None:
    """The app's focus, phone and print styles (explorer/assets/app.css), on every page."""
    st.html(f"<style>{_styles()}</style>")


def suppression_note() -> str:
    """One sentence on small-number suppression, with the thresholds this warehouse's
    connection was opened with (data/config.toml), so the words never drift from the rule."""
    settings = data.query("council_settings")
    min_count, min_denominator = int(settings["min_count"]), int(settings["min_denominator"])
    rate = f"a rate based on fewer than {min_denominator} pupils"
    if min_count <= 1:
        hidden = rate
    elif min_count == 2:
        hidden = f"a count of 1, or {rate}"
    elif min_count == 3:
        hidden = f"a count of 1 or 2, or {rate}"
    else:
        hidden = f"a count from 1 to {min_count - 1}, or {rate}"
    return (
        f"Small numbers are suppressed to protect pupils' privacy: {hidden}, is shown as "
        "**Suppressed**, never as zero, and another figure is hidden with it where it could "
        "be worked out by subtraction. A figure marked ≈ is an estimate: some schools' "
        "figures were withheld by the DfE (see Data and definitions)."
    )


def page_header(title: str, intro: str) -> None:
    """Page title, a plain-English line on what the page is for, and the demo banner."""
    st.title(title)
    demo_banner()
    st.markdown(intro)


def demo_banner() -> None:
    if data.is_demo():
        st.warning(
            "**Demo data.** Every school, number and name here is generated for demonstration and "
            "is not real. Put your council's extracts in `data/raw/` and rebuild to use real data.",
            icon=":material/science:",
        )


def measure_help(measure: pd.Series | dict) -> str:
    """Tooltip text for a measure: definition, unit and source."""
    return f"{measure['definition']} Unit: {measure['unit']}. Source: {measure['source']}."


def definition_text(measure: pd.Series | dict) -> str:
    """A measure's definition as Markdown (what definition_box prints), for pages that join
    several into one caption."""
    return (
        f"**{measure['label']}** {unit_in_brackets(str(measure['unit']))}: "
        f"{measure['definition']} "
        f"*Source: {measure['source']}.*"
    )


def definition_box(measure: pd.Series | dict) -> None:
    """The definition printed beside the chart it explains."""
    st.caption(definition_text(measure))


def area_figure_columns(
    measure: pd.Series | dict, label_and_unit: str, area_noun: str = "area"
) -> dict[str, object]:
    """st.dataframe column settings for an area's figure and what it is made of: the
    figure (text, so "Suppressed" reads as such), numerator, denominator, schools counted
    and coverage. Shared by the tables that rank areas for one measure."""
    return {
        "figure": st.column_config.TextColumn(label_and_unit, help=measure_help(measure)),
        "numerator": st.column_config.NumberColumn(
            str(measure["numerator_label"]), format="localized"
        ),
        "denominator": st.column_config.NumberColumn(
            str(measure["denominator_label"]), format="localized"
        ),
        "n_schools": st.column_config.NumberColumn(
            "Schools", help="Schools whose figures were used.", format="%d"
        ),
        "coverage_percent": st.column_config.NumberColumn(
            "Coverage (%)",
            help=f"Share of the {area_noun}'s schools whose figures were published and counted.",
            format="%.0f%%",
        ),
    }


#: The URL query parameter (and session state key) naming a page's open tab.
SECTION_PARAM = "section"


def lazy_tabs(sections: Mapping[str, Callable[[], None]], key: str = SECTION_PARAM) -> None:
    """A page's sections as tabs, the open one kept in the URL (``?section=<label>``), and
    only the open one drawn: its queries run and its elements reach the browser, which
    lays out every element on the page before it draws the first chart (drawing all the
    sections delayed it by 0.5-1.7 s nationally; docs/performance.md)."""
    tabs = url_tabs(list(sections), key)
    for tab, draw in zip(tabs, sections.values(), strict=True):
        if tab.open:
            with tab:
                draw()
