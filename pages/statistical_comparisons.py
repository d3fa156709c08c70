"""Placeholder while the page is written."""

from explorer.layout import page_header

page_header("statistical_comparisons", "This page is being written.")
