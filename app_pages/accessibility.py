"""Accessibility statement, in the form public-sector bodies publish (the Public Sector
Bodies Accessibility Regulations 2018): what was tested and how, what does not yet comply
and why, and how to report a problem. The known issues come from explorer.accessibility,
the same list the browser test allows, so the statement and the test cannot disagree."""

from __future__ import annotations

import streamlit as st

from explorer.accessibility import AXE_CORE_VERSION, LAST_TESTED, STREAMLIT_KNOWN_ISSUES
from explorer.data import accessibility_contact, query
from explorer.layout import page_header

council = str(query("council_settings")["council_name"])
contact = accessibility_contact()

page_header(
    "Accessibility statement",
    f"This statement applies to Locality Explorer, the school data explorer {council} "
    "uses to share figures by locality and school partnership. We want as many people as "
    "possible to be able to use it.",
)

st.header("Using Locality Explorer")
st.markdown(
    """
You should be able to:

- zoom in until the page is as narrow as a phone without the text spilling off the screen
  (the page narrows to one column; tested at 390 pixels wide);
- move through every page, menu, choice and tab using only a keyboard: **Tab** moves on,
  **Enter** opens a link or a list, the arrow keys choose in a list or between tabs;
- see where you are on the page: the part that has the keyboard focus has a black and
  yellow outline;
- use it with a screen reader: every page has its own title and headings, and every chart
  has a text alternative giving the figures it shows, rounded as on screen;
- use it on a phone: the menu starts closed and charts and maps use the width of the screen;
- print a page: the menu and buttons are left out;
- get the figures as a table: the pages' tables and the data packs can be downloaded as
  spreadsheets (CSV or Excel).

Colours have a contrast of at least 4.5 to 1 with their background, and no chart uses
colour alone to tell its lines apart: reference lines also differ in dash pattern.
"""
)

st.header("How accessible this service is")
st.markdown(
    "It is **partially compliant** with the [Web Content Accessibility Guidelines version "
    "2.2](https://www.w3.org/TR/WCAG22/) AA standard, because of the issues listed below. "
    "They are in the software the service is built with (Streamlit), not in its content."
)

st.header("Reporting accessibility problems")
if contact:
    st.markdown(
        f"If you find a problem not listed here, or need a page's information in another "
        f"format such as large print or a spreadsheet, contact **{contact}**."
    )
else:
    st.markdown(
        "If you find a problem not listed here, or need a page's information in another "
        "format, tell the person who sent you the link. (This council has not yet added its "
        "contact address: `[accessibility] contact` in `data/config.toml`.)"
    )
st.markdown(
    "If you are not happy with how we respond, contact the [Equality Advisory and Support "
    "Service (EASS)](https://www.equalityadvisoryservice.com/). The Equality and Human "
    "Rights Commission enforces the accessibility regulations."
)

st.header("Non-accessible content")
st.subheader("Non-compliance with the accessibility regulations")
for issue in STREAMLIT_KNOWN_ISSUES:
    st.markdown(f"- {issue.what} This fails WCAG 2.2 success criterion {issue.criterion}.")
st.markdown(
    "- Tables are drawn by Streamlit's data grid, on a canvas: screen readers may read it "
    "less well than a plain table, and a long table prints only the rows in its box. "
    "Download it as CSV (the button beside it) or make a data pack, whose tables are plain "
    "HTML, to read or print every row."
)
st.markdown(
    "We will retest when Streamlit is upgraded and remove each issue once it is fixed: the "
    "automated test fails when a listed issue no longer occurs, so this list is kept true."
)

st.header("How we tested")
st.markdown(
    f"""
Last tested on **{LAST_TESTED}**, by the service's own automated browser tests, which run
before every change is accepted:

- [axe-core](https://github.com/dequelabs/axe-core) {AXE_CORE_VERSION}, against the WCAG 2.0,
  2.1 and 2.2 A and AA rules, on every page and on every tab of every page, in Chromium:
  no serious or critical failures apart from the ones listed above;
- every page opened at desktop width (1400 pixels) and at phone width (390 by 844 pixels),
  with the menu closed and nothing wider than the screen;
- every page reached and used with the keyboard alone (the sidebar menu, choices and tabs);
- every link on the seven main pages followed, and Back and Forward, returning to the same
  view;
- no request to any other website (the service works offline, inside a council network).

Text contrast was measured in the browser: body text 19:1, captions and the sidebar's small
text at least 5:1, chart labels 19:1, the focus outline black on yellow.
"""
)
