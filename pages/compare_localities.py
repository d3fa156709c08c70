"""Placeholder while the page is written."""

from explorer.layout import page_header

page_header("compare_localities", "This page is being written.")
