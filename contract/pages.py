"""The page registry: every page of the app, once. app.py builds its st.navigation menu from
it; the bench, the browser tests and the screenshots script read it to open every page, so a
page is added in one place. Standard library only (no Streamlit: the bench and scripts read
it without starting an app)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The repository: page files are named relative to it (and to app.py, which lives in it).
REPO_DIR = Path(__file__).resolve().parents[1]
#: Not `pages/`: Streamlit treats a folder of that name beside the entry script as a legacy
#: multipage app until st.navigation first runs in the server process.
PAGES_FOLDER = "app_pages"


@dataclass(frozen=True)
class Page:
    file: str  # relative to the repository (what st.switch_page and st.page_link take)
    title: str  # in the sidebar, the browser tab title and the history
    url_path: str  # the address: /locality
    icon: str | None  # a Material icon shortcode
    section: str  # the sidebar heading the page sits under
    default: bool = False  # served at the site root

    @property
    def path(self) -> Path:
        """The page's file, absolute."""
        return REPO_DIR / self.file

    @property
    def file_name(self) -> str:
        """The page's file name alone: locality.py."""
        return Path(self.file).name


def _page(name: str, title: str, icon: str | None, section: str, *, default: bool = False) -> Page:
    """A page whose file is app_pages/<name>.py and whose address is /<name>."""
    return Page(f"{PAGES_FOLDER}/{name}.py", title, name, icon, section, default)


#: In menu order.
PAGES: tuple[Page, ...] = (
    _page("county_overview", "County overview", ":material/map:", "Explore", default=True),
    _page("locality", "Locality", ":material/location_on:", "Explore"),
    _page("partnership", "Partnership profile", ":material/groups:", "Explore"),
    _page("compare_localities", "Compare localities", ":material/bar_chart:", "Analyse"),
    _page("compare_partnerships", "Compare partnerships", ":material/compare_arrows:", "Analyse"),
    _page("exclusions", "Exclusions explorer", ":material/query_stats:", "Analyse"),
    _page(
        "statistical_comparisons", "Statistical comparisons", ":material/scatter_plot:", "Analyse"
    ),
    _page("send_board", "SEND board", ":material/dashboard:", "Analyse"),
    _page("data_pack", "Data packs", ":material/description:", "Analyse"),
    _page("data_and_definitions", "Data and definitions", ":material/menu_book:", "About"),
    _page("accessibility", "Accessibility statement", ":material/accessibility:", "About"),
)
(_default,) = (page for page in PAGES if page.default)  # exactly one
#: The url path of the page served at the site root.
DEFAULT_PAGE: str = _default.url_path
PAGE_PATHS: list[str] = [page.url_path for page in PAGES]
TITLES: dict[str, str] = {page.url_path: page.title for page in PAGES}
