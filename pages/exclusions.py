"""Placeholder while the page is written."""

from explorer.layout import page_header

page_header("exclusions", "This page is being written.")
