"""Placeholder while the page is written."""

from explorer.layout import page_header

page_header("locality", "This page is being written.")
