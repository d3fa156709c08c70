"""Statistics for Locality Explorer: funnel plots, trend tests and plain-English sentences.

Pure Python (numpy, pandas): no Streamlit, no DuckDB, no charts (the funnel plot is drawn by
explorer/funnel_chart.py). Functions take numbers or DataFrames and return numbers,
DataFrames or strings.
"""

from analysis.funnel import (
    Overdispersion,
    band_order,
    denominator_grid,
    differs_beyond_chance,
    estimate_overdispersion,
    funnel_points,
    funnel_test_name,
    limit_columns,
    outliers,
    proportion_limits,
    rate_limits,
)
from analysis.sentences import comparison_sentence, format_measure, trend_sentence
from analysis.trend import TrendResult, trend_test

__all__ = [
    "Overdispersion",
    "TrendResult",
    "band_order",
    "comparison_sentence",
    "denominator_grid",
    "differs_beyond_chance",
    "estimate_overdispersion",
    "format_measure",
    "funnel_points",
    "funnel_test_name",
    "limit_columns",
    "outliers",
    "proportion_limits",
    "rate_limits",
    "trend_sentence",
    "trend_test",
]
