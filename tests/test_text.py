"""explorer.text.md: a name from data shown as it is in Streamlit Markdown (issue 21)."""

from __future__ import annotations

import string

from hostile_names import payload

from explorer.text import JOINER, md


def test_every_ascii_punctuation_character_is_escaped() -> None:
    escaped = md(string.punctuation).replace(JOINER, "")
    assert escaped == "".join("\\" + char for char in string.punctuation)


def test_a_payload_keeps_no_markdown_syntax() -> None:
    shown = md(payload("partnership"))
    unescaped, characters = [], iter(shown)
    for char in characters:
        if char == "\\":
            next(characters)  # the escaped character: shown as itself
        elif char in string.punctuation:
            unescaped.append(char)
    assert unescaped == []
    # and the patterns Streamlit finds in the text itself are broken by a word joiner
    for pattern in (":smile:", ":red[", "://", "www."):
        assert pattern not in shown.replace("\\", ""), pattern
    # what a reader sees: the same characters once the escapes and joiners are gone
    assert shown.replace(JOINER, "").replace("\\", "") == payload("partnership")


def test_line_breaks_cannot_start_a_heading_or_list() -> None:
    assert md("Banbury\n# Heading\n- item") == "Banbury \\# Heading \\- item"


def test_plain_names_read_the_same_and_none_is_blank() -> None:
    assert md("Banbury North Partnership") == "Banbury North Partnership"
    assert md(None) == ""
    assert md(2024) == "2024"
