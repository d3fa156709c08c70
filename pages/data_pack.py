"""Placeholder while the page is written."""

from explorer.layout import page_header

page_header("data_pack", "This page is being written.")
