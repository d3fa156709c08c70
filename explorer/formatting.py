"""Formatting numbers for people: units, suppression, academic years."""

from __future__ import annotations

import math

SUPPRESSED_LABEL = "Suppressed"


def year_label(time_period: int) -> str:
    """202324 -> '2023/24'."""
    text = str(int(time_period))
    return f"{text[:4]}/{text[4:]}"


def format_value(value: float | None, unit: str, suppressed: bool = False) -> str:
    """A value with its unit; suppressed and missing values say so instead of showing 0."""
    if suppressed:
        return SUPPRESSED_LABEL
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "No data"
    unit_lower = unit.lower()
    if unit_lower.startswith("£"):
        return f"£{value:,.0f}"
    if "%" in unit_lower:
        return f"{value:.1f}%"
    if "per 100" in unit_lower:
        return f"{value:.2f} per 100 pupils"
    if "point" in unit_lower:
        return f"{value:.1f} points"
    return f"{value:,.0f} {unit}".strip()


def decimals_for(unit: str) -> int:
    """How many decimals a measure in this unit deserves in tables and axes."""
    unit_lower = unit.lower()
    if "per 100" in unit_lower:
        return 2
    if "%" in unit_lower or "point" in unit_lower:
        return 1
    return 0
