"""Data and definitions: what every measure means, which years it covers, how small numbers
are protected, what the last build loaded (and rejected), and the public tables to download."""

from __future__ import annotations

from explorer import definitions
from explorer.layout import page_header

page_header(
    "Data and definitions",
    "What every number in the explorer means, where it comes from and which years it "
    "covers; how small numbers are protected; what the last data build loaded; and the "
    "public tables, to download whole.",
)

definitions.show_measures()
definitions.show_suppression()
definitions.show_last_build()
definitions.show_reconciliation()
definitions.show_rejects()
definitions.show_public_tables()
definitions.show_own_data()
