"""Breakdowns that add up: a reasons or pupil-groups table gets the rows that make its parts
add to the area's own figure.

The parts of a breakdown (reasons, groups of pupils) rarely add up to the area's figure on
screen: small ones are suppressed (and, so that they cannot be worked out by subtraction,
some others with them), and the area's figure is the DfE's while the parts come from the
council's log. Two rows close the gap: "Suppressed or not recorded" (the area's figure
minus the shown parts: the suppressed parts together, never shown as 0 one by one) and
"All" (the area's figure). Subtracting them gives nothing that complementary suppression
has not already made safe: at least two parts are hidden wherever one is.
"""

from __future__ import annotations

import pandas as pd

REMAINDER_LABEL = "Suppressed or not recorded (together)"
TOTAL_LABEL = "All"


def with_totals(
    parts: pd.DataFrame,
    label_column: str,
    total: pd.Series | None,
    counts: list[str],
    others: tuple[str, ...] = ("perm_excl_rate", "susp_rate", "one_plus_susp_rate"),
) -> pd.DataFrame:
    """``parts`` plus a remainder row and a total row for each count in ``counts`` (other
    columns, e.g. rates, are blank in those rows). ``total``: the area's own row (the
    exclusion_trend row of the year) or None. A count whose total is hidden or missing gets
    no remainder (it cannot be known) and a suppressed total. ``others`` (rates): the area's
    own in the total row, suppressed in the remainder row (no base to divide by)."""
    if parts.empty or total is None:
        return parts
    remainder: dict[str, object] = {label_column: REMAINDER_LABEL}
    whole: dict[str, object] = {label_column: TOTAL_LABEL}
    any_remainder = False
    for column in counts:
        flag = f"{column}_suppressed"
        hidden_total = bool(total.get(flag, False)) or pd.isna(total.get(column))
        shown = pd.to_numeric(parts[column], errors="coerce")
        hidden_parts = parts[flag].fillna(False).astype(bool) if flag in parts else False
        whole[column] = None if hidden_total else total[column]
        whole[flag] = hidden_total
        if hidden_total:
            remainder[column], remainder[flag] = None, True
            continue
        rest = float(total[column]) - float(shown[~hidden_parts].sum())
        rest = max(round(rest), 0)
        remainder[column], remainder[flag] = rest, False
        any_remainder = any_remainder or rest != 0 or bool(pd.Series(hidden_parts).any())
    for column in others:  # the area's own rates in the total row; none for the rest
        flag = f"{column}_suppressed"
        if column in parts and column in total:
            whole[column], whole[flag] = total[column], bool(total.get(flag, False))
            remainder[column], remainder[flag] = None, True
    extra = [remainder, whole] if any_remainder else [whole]
    rows = pd.DataFrame(extra)
    for column in parts.columns:
        if column.endswith("_suppressed") and column not in rows:
            rows[column] = True
    return pd.concat([parts, rows], ignore_index=True)
