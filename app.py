"""Locality Explorer: entry point. Run with `streamlit run app.py` (or scripts/start)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # so `streamlit run` from any folder finds our packages
    sys.path.insert(0, str(ROOT))

from contract.pages import PAGES  # noqa: E402
from explorer import access, data, layout, search  # noqa: E402

st.set_page_config(
    page_title="Locality Explorer",
    # a local file: a Material icon here is fetched from a font server on every page
    page_icon=str(ROOT / "explorer" / "assets" / "icon.png"),
    layout="wide",
    # open beside the page on a desktop; closed on a phone, where it would cover the page
    initial_sidebar_state="auto",
)

try:
    data.ensure_warehouse()
except Exception as error:  # noqa: BLE001 - shown to the user in plain words, not as a traceback
    st.error(
        f"The data warehouse could not be built: {error}. "
        "Run `python -m etl build` in a terminal to see the full build report."
    )
    st.stop()

# the sidebar's grouped page menu, from the one page registry (contract/pages.py)
sections: dict[str, list[st.Page]] = {}
for page in PAGES:
    sections.setdefault(page.section, []).append(
        st.Page(
            page.path,
            title=page.title,
            icon=page.icon,
            url_path=page.url_path,
            default=page.default,
        )
    )
navigation = st.navigation(sections)
# each page's own title in the browser tab and history (screen readers announce it), e.g.
# "Locality – Locality Explorer"
st.set_page_config(page_title=f"{navigation.title} – Locality Explorer")
layout.apply_styles()
# one place for every page: a warehouse file gone mid-rebuild is a message, not a traceback
with data.unavailable_data_as_message():
    with st.sidebar:
        search.search_box()
        st.caption(
            "Locality Explorer shows school data by locality and school partnership. "
            "Every selection is kept in the page address, so you can copy the link to share "
            "a view."
        )
        access.sidebar_sign_in()
    navigation.run()
