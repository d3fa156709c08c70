"""Names from data (partnerships, localities, schools, reasons) made safe for Streamlit
Markdown: shown literally, never as a link, image, HTML, LaTeX, icon, colour or emoji.

Streamlit renders Markdown in st.markdown, headers, captions, alert boxes, page-link,
tab, metric, radio and expander labels and help tooltips. A name from a file put into
any of those as it is is Markdown written by whoever wrote the file: in the review of
issue 21 a partnership named `![x](http://host/p.png)` made every visitor's browser
fetch that address (63 outside requests in one run).
"""

from __future__ import annotations

import re
import string

#: CommonMark lets a backslash escape any ASCII punctuation character, and an escaped
#: character is always shown as itself: escaping all of them needs no list of which ones
#: Markdown, GFM tables, LaTeX ($) and Streamlit's directives (:red[...]) treat specially.
_PUNCTUATION = frozenset(string.punctuation)

#: U+2060 WORD JOINER: invisible, and no line break. Some of Streamlit's Markdown is
#: found in the text after the backslashes are gone (tried in Chromium, Streamlit 1.67):
#: web addresses (www.x.org, http://x.org) and e-mail addresses become live links,
#: :smile: an emoji, :material/home: and :streamlit: icons, ' -> ' and ' -- ' an arrow
#: and a dash. A word joiner after each ':' and '@', inside 'www.' and between the
#: characters of an arrow breaks every one of those patterns.
JOINER = "\u2060"
_BREAKS = (
    (re.compile(r"([:@])"), rf"\1{JOINER}"),
    (re.compile(r"(www)(\.)", re.IGNORECASE), rf"\1{JOINER}\2"),
    (re.compile(r"([-<>~])(?=[-<>=])"), rf"\1{JOINER}"),
)
_WHITESPACE = re.compile(r"\s+")


def md(text: object) -> str:
    """``text`` (a value from data; None is '') as Streamlit Markdown that shows it as it
    is: every ASCII punctuation character backslash-escaped, each run of white space one
    space (a line break could start a heading or a list), and a word joiner wherever
    Streamlit would otherwise draw a link, an emoji, an icon or an arrow.

    Only for text that goes into Markdown. Widgets that show plain text (selectbox and
    multiselect options, table cells, chart titles and tooltips, alt text, file names)
    take the name as it is, or they would show the backslashes."""
    if text is None:
        return ""
    plain = _WHITESPACE.sub(" ", str(text))
    for pattern, replacement in _BREAKS:
        plain = pattern.sub(replacement, plain)
    return "".join("\\" + char if char in _PUNCTUATION else char for char in plain)
