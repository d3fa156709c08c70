"""Placeholder while the page is written."""

from explorer.layout import page_header

page_header("county_overview", "This page is being written.")
