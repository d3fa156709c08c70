"""Locality Explorer: entry point. Run with `streamlit run app.py` (or scripts/start)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # so `streamlit run` from any folder finds our packages
    sys.path.insert(0, str(ROOT))

from explorer import data, search  # noqa: E402

st.set_page_config(
    page_title="Locality Explorer",
    # a local file: a Material icon here is fetched from a font server on every page
    page_icon=str(ROOT / "explorer" / "assets" / "icon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)

try:
    data.ensure_warehouse()
except Exception as error:  # noqa: BLE001 - shown to the user in plain words, not as a traceback
    st.error(
        f"The data warehouse could not be built: {error}. "
        "Run `python -m etl build` in a terminal to see the full build report."
    )
    st.stop()

PAGES = ROOT / "pages"
navigation = st.navigation(
    {
        "Explore": [
            st.Page(
                PAGES / "county_overview.py",
                title="County overview",
                icon=":material/map:",
                url_path="county_overview",
                default=True,
            ),
            st.Page(
                PAGES / "locality.py",
                title="Locality",
                icon=":material/location_on:",
                url_path="locality",
            ),
            st.Page(
                PAGES / "partnership.py",
                title="Partnership profile",
                icon=":material/groups:",
                url_path="partnership",
            ),
        ],
        "Analyse": [
            st.Page(
                PAGES / "compare_localities.py",
                title="Compare localities",
                icon=":material/bar_chart:",
                url_path="compare_localities",
            ),
            st.Page(
                PAGES / "compare_partnerships.py",
                title="Compare partnerships",
                icon=":material/compare_arrows:",
                url_path="compare_partnerships",
            ),
            st.Page(
                PAGES / "exclusions.py",
                title="Exclusions explorer",
                icon=":material/query_stats:",
                url_path="exclusions",
            ),
            st.Page(
                PAGES / "statistical_comparisons.py",
                title="Statistical comparisons",
                icon=":material/scatter_plot:",
                url_path="statistical_comparisons",
            ),
            st.Page(
                PAGES / "data_pack.py",
                title="Data packs",
                icon=":material/description:",
                url_path="data_pack",
            ),
        ],
        "About": [
            st.Page(
                PAGES / "data_and_definitions.py",
                title="Data and definitions",
                icon=":material/menu_book:",
                url_path="data_and_definitions",
            ),
        ],
    }
)
# each page's own title in the browser tab and history (screen readers announce it), e.g.
# "Locality – Locality Explorer"
st.set_page_config(page_title=f"{navigation.title} – Locality Explorer")
with st.sidebar:
    search.search_box()
    st.caption(
        "Locality Explorer shows school data by locality and school partnership. "
        "Every selection is kept in the page address, so you can copy the link to share a view."
    )
navigation.run()
