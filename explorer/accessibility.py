"""What the accessibility checks found that is Streamlit's, not ours: one list, read by the
accessibility statement page and by the browser test's allow-list, so neither can drift.

Each entry names an axe-core rule and the part of the page (a CSS selector) where Streamlit
draws the failing markup. The browser test ignores a violation only when every element it
names lies inside that part, and fails when an entry no longer matches anything (then
Streamlit has fixed it and the entry, and the statement's line, must go).
"""

from __future__ import annotations

from dataclasses import dataclass

#: axe-core version the browser tests run (fetched from the npm registry).
AXE_CORE_VERSION = "4.14.1"
#: The standard the checks test against, as axe-core tags.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
#: When the app was last checked (browser test and manual keyboard and screen checks).
LAST_TESTED = "2 December 2026"


@dataclass(frozen=True)
class KnownIssue:
    rule: str  # axe-core rule id
    within: str  # CSS selector of the Streamlit part that draws the failing markup
    what: str  # plain words, for the statement
    criterion: str  # WCAG 2.2 success criterion it fails


STREAMLIT_KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        rule="list",
        within='[data-testid="stSidebarNav"]',
        what=(
            "The page menu in the sidebar groups its links under headings (Explore, Analyse, "
            "About) that Streamlit places inside the list of links, so a screen reader may "
            "announce the list's length wrongly."
        ),
        criterion="1.3.1 Info and Relationships",
    ),
    KnownIssue(
        rule="listitem",
        within='[data-testid="stSidebarNav"]',
        what=(
            "For the same reason, the links under each heading of the page menu are list "
            "items outside a list."
        ),
        criterion="1.3.1 Info and Relationships",
    ),
)
