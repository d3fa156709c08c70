"""Number formats: the one place a figure becomes text, a d3 (Vega-Lite) format or an Excel
number format.

A measure names its format in the catalogue (``format`` in contract/measures.csv); nothing
guesses a format from the unit's wording. The words for a hidden figure and for one never
published are here too, so every page, chart, download and pack says them alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: A figure hidden by small-number suppression (never a zero).
SUPPRESSED = "Suppressed"
#: A figure with no data: no row for the area or year (charts, maps, packs, sentences).
NO_DATA = "No data"
#: A cell of the data set's tables (locality, partnership and school figures) for a figure
#: that does not apply (key stage 2 at a secondary school) or was never published: the
#: partnership page's caption explains the word, so it is not "No data".
NOT_AVAILABLE = "Not available"
#: Marks a figure estimated from withheld cells: "≈ 23".
ESTIMATE_MARK = "≈"


@dataclass(frozen=True)
class Format:
    """How a measure's numbers are written. ``name`` is the catalogue's word for it."""

    name: str
    decimals: int
    #: written before the number ("£") or after it with no space ("%")
    prefix: str = ""
    suffix: str = ""
    #: what a difference is counted in, in a sentence ("percentage points")
    difference_unit: str = ""
    #: a short unit for axis labels after the number ("per 100", "points")
    axis_unit: str = ""
    #: whether values are shares of a whole (an axis need not go above 100)
    is_percent: bool = False
    #: the unit words after a number in text, when not the measure's unit ("points")
    text_unit: str = ""

    @property
    def d3(self) -> str:
        """d3-format for tooltips and labels (d3 has no £: the title carries it)."""
        return f",.{self.decimals}f"

    @property
    def d3_axis(self) -> str:
        """d3-format for axis ticks, without needless zeros (0, 5, 10 not 0.0, 5.0)."""
        return ",.0f" if self.decimals == 0 else f",.{self.decimals}~f"

    @property
    def excel(self) -> str:
        """The Excel number format (decimals as the app shows them)."""
        digits = "#,##0" if self.decimals == 0 or self.prefix else "0"
        number = digits + ("." + "0" * self.decimals if self.decimals else "")
        return f"{self.prefix}{number}"

    def bare(self, value: float) -> str:
        """The number to the format's decimals, £ included, % and unit words not:
        '0.18', '1,204', '£3,500', '-£20'."""
        rounded = dfe_round(value, self.decimals) if math.isfinite(value) else value
        if self.prefix:
            sign = "-" if rounded < 0 else ""
            return f"{sign}{self.prefix}{abs(rounded):,.{self.decimals}f}"
        return f"{rounded:,.{self.decimals}f}"

    def short(self, value: float) -> str:
        """With the symbol but no unit word: '23.4%', '0.18', '£3,500'."""
        return self.bare(value) + self.suffix

    def tile(self, value: float) -> str:
        """A metric tile, whose label carries the unit: short, money over a million in
        millions ('£1.23m') so the tile stays narrow."""
        if self.prefix and abs(value) >= 1e6:
            sign = "-" if value < 0 else ""
            return f"{sign}{self.prefix}{abs(value) / 1e6:,.2f}m"
        return self.short(value)

    def spoken(self, value: float) -> str:
        """A value as a sentence for chairs says it: the symbol and the format's own unit
        words, never a count's noun (the label names what is counted): '6.3%', '0.12 per
        100 pupils', '46.2 points', '£1,234', '1,234'."""
        return f"{self.short(value)} {self.text_unit}".strip()

    def text(self, value: float | None, unit: str, suppressed: bool = False) -> str:
        """A value with its unit for a sentence or a table: '23.4%', '0.18 per 100 pupils',
        '46.2 points', '£3,500', '1,204 pupils'; 'Suppressed' / 'No data' instead of 0."""
        if suppressed:
            return SUPPRESSED
        if is_missing(value):
            return NO_DATA
        if self.prefix or self.suffix:
            return self.short(float(value))  # type: ignore[arg-type]
        words = self.text_unit or unit
        return f"{self.bare(float(value))} {words}".strip()  # type: ignore[arg-type]

    def axis(self, value: float) -> str:
        """An axis label: '7.5%', '0.20 per 100', '46.0 points', '£3,500', '120'."""
        shown = self.short(value)
        return f"{shown} {self.axis_unit}" if self.axis_unit else shown

    def difference(self, size: float, unit: str) -> str:
        """A difference's size in words: '5.1 percentage points', '1,200 pupils'."""
        if self.prefix:
            return self.bare(size)  # '£1,200': the symbol says the unit
        words = self.difference_unit or unit
        return f"{self.bare(size)} {words}".strip()


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format("count", 0),
        Format("pct1", 1, suffix="%", difference_unit="percentage points", is_percent=True),
        Format(
            "per100",
            2,
            difference_unit="per 100 pupils",
            axis_unit="per 100",
            text_unit="per 100 pupils",
        ),
        Format("gbp", 0, prefix="£"),
        Format("points1", 1, difference_unit="points", axis_unit="points", text_unit="points"),
        Format("ratio2", 2),
    )
}

#: Formats of units that are not a catalogue measure's (columns of the packs' tables):
#: the catalogue's own units are looked up in the catalogue (contract.catalogue.unit_format).
TABLE_UNITS: dict[str, str] = {"": "count", "%": "pct1", "£": "gbp", "ratio": "ratio2"}


def dfe_round(value: float, decimals: int) -> Decimal:
    """``value`` rounded as the DfE's publications round: halves away from zero (1 of 16 is
    published as 6.3%, where Python's round-half-even on the binary float writes 6.2%).
    The float is first cut to 9 decimals so 100 * 87 / 240 (36.2499999...) counts as the
    half it is."""
    exact = Decimal(repr(float(value))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def get(name: str) -> Format:
    """The format the catalogue names; a KeyError names the unknown one."""
    try:
        return FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}: one of {', '.join(FORMATS)}") from None


def is_missing(value: object) -> bool:
    """None, NA or NaN: a figure that is not there."""
    if value is None:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return str(value) in ("<NA>", "NaT")
