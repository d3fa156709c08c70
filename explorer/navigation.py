"""The app's pages: one list, read by app.py's navigation, the browser tests, the
screenshots script and the benchmarks, so a page is added in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"


@dataclass(frozen=True)
class PageInfo:
    url_path: str  # the address (/locality) and the file (pages/locality.py)
    title: str  # in the sidebar, the page heading's browser tab title and the history
    icon: str
    group: str  # sidebar heading

    @property
    def file(self) -> Path:
        return PAGES_DIR / f"{self.url_path}.py"


PAGES: tuple[PageInfo, ...] = (
    PageInfo("county_overview", "County overview", ":material/map:", "Explore"),
    PageInfo("locality", "Locality", ":material/location_on:", "Explore"),
    PageInfo("partnership", "Partnership profile", ":material/groups:", "Explore"),
    PageInfo("compare_localities", "Compare localities", ":material/bar_chart:", "Analyse"),
    PageInfo(
        "compare_partnerships", "Compare partnerships", ":material/compare_arrows:", "Analyse"
    ),
    PageInfo("exclusions", "Exclusions explorer", ":material/query_stats:", "Analyse"),
    PageInfo(
        "statistical_comparisons", "Statistical comparisons", ":material/scatter_plot:", "Analyse"
    ),
    PageInfo("data_pack", "Data packs", ":material/description:", "Analyse"),
    PageInfo("data_and_definitions", "Data and definitions", ":material/menu_book:", "About"),
    PageInfo("accessibility", "Accessibility statement", ":material/accessibility:", "About"),
)
#: Served at the site root.
DEFAULT_PAGE = PAGES[0].url_path
PAGE_PATHS = [page.url_path for page in PAGES]
TITLES = {page.url_path: page.title for page in PAGES}


def navigation() -> st.navigation:
    """The sidebar's grouped page menu (st.navigation) over every page."""
    groups: dict[str, list[st.Page]] = {}
    for page in PAGES:
        groups.setdefault(page.group, []).append(
            st.Page(
                page.file,
                title=page.title,
                icon=page.icon,
                url_path=page.url_path,
                default=page.url_path == DEFAULT_PAGE,
            )
        )
    return st.navigation(groups)
