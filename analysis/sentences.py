"""Plain-English sentences for chairs and governors.

Rules the sentences keep:

* Numbers are shown as the app shows them: % to 1 decimal ("6.3%"), per 100 to
  2 decimals ("0.12 per 100 pupils"), points to 1 decimal ("46.2 points"),
  money as "£1,234", counts with thousands separators ("1,234").
* "above" / "below" / "the same as" is decided on the numbers as displayed, so a
  sentence never says "above the county's 0.12" about a figure shown as 0.12.
* A value is called better or worse only when the measure says which way is
  better (``higher_is`` 'better' or 'worse'), never for 'neutral' measures such
  as free school meals eligibility, and never when the caller has said the
  difference is within chance (``significant=False``).
"""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd

from analysis.trend import TrendResult, format_change, year_label
from contract.catalogue import unit_format

HigherIs = Literal["better", "worse", "neutral"]

_CHANCE = "a difference within what chance alone could produce"
_SIGNIFICANT = "a statistically significant difference"


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: float, unit: str) -> str:
    """The number as displayed, with a unit only where it is a symbol (% or £)."""
    return unit_format(unit).short(value)


def format_measure(value: float, unit: str) -> str:
    """A value with its unit as a chair would read it (the unit's named format):
    '6.3%', '0.12 per 100 pupils', '46.2 points', '£1,234', a count '1,234'."""
    return unit_format(unit).spoken(value)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _is_plural(label: str) -> bool:
    """Heuristic for the verb: 'Permanent exclusions were', 'Overall absence was'.

    Plural when the first or last word is a plural noun ('Pupils on roll',
    'High needs places'); 'maths' and words ending in -ss/-is/-us are singular.
    """
    words = [w.strip(",.:;()").lower() for w in label.split()]
    words = [w for w in words if w]

    def plural(word: str) -> bool:
        return (
            word.endswith("s")
            and not word.endswith(("ss", "is", "us"))
            and word not in {"maths", "sens", "needs"}
        )

    return bool(words) and (plural(words[0]) or plural(words[-1]))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


_PROPER_NOUNS = frozenset({"English", "England"})


def _lower_first(text: str) -> str:
    """'Permanent exclusions' -> 'permanent exclusions', but 'SEN support' stays, and so does
    a proper name such as 'Education Health and Care plans' (a later word is capitalised)."""
    words = text.split()
    if words[0] in _PROPER_NOUNS or any(word[:1].isupper() for word in words[1:]):
        return text
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def suppressed_sentence(area: str, year_label: str) -> str:
    """The sentence shown instead of a suppressed figure."""
    return f"The figure for {area} in {year_label} is suppressed because the numbers are small."


def comparison_sentence(
    measure_label: str,
    area: str,
    value: float | None,
    comparator_name: str,
    comparator_value: float | None,
    unit: str,
    year_label: str,
    higher_is: HigherIs = "neutral",
    significant: bool | None = None,
    suppressed: bool = False,
    *,
    plural: bool | None = None,
) -> str:
    """One sentence comparing an area with a comparator.

    e.g. "Permanent exclusions in Banbury were 0.12 per 100 pupils in 2023/24, above
    the county's 0.08." With ``higher_is`` 'better'/'worse' the direction is
    qualified ("above (worse than) the county's 0.08") unless ``significant`` is
    False. ``significant`` True / False appends ", a statistically significant
    difference" / ", a difference within what chance alone could produce"; None
    appends nothing. ``plural`` overrides the was/were heuristic.
    """
    if higher_is not in ("better", "worse", "neutral"):
        raise ValueError("higher_is must be 'better', 'worse' or 'neutral'")
    if suppressed:
        return suppressed_sentence(area, year_label)
    if _is_missing(value):
        return f"There is no figure for {area} in {year_label}."
    verb = "were" if (plural if plural is not None else _is_plural(measure_label)) else "was"
    head = (
        f"{_capitalise(measure_label)} in {area} {verb} "
        f"{format_measure(value, unit)} in {year_label}"
    )
    if _is_missing(comparator_value):
        return f"{head}."

    shown, comparator_shown = _number(value, unit), _number(comparator_value, unit)
    if shown == comparator_shown:
        # Equal as displayed: no direction, so no judgement and no significance clause.
        return f"{head}, the same as {_possessive(comparator_name)} {comparator_shown}."

    higher = value > comparator_value
    direction = "above" if higher else "below"
    if higher_is != "neutral" and significant is not False:
        better = higher == (higher_is == "better")
        direction += " (better than)" if better else " (worse than)"
    sentence = f"{head}, {direction} {_possessive(comparator_name)} {comparator_shown}"
    if significant is True:
        sentence += f", {_SIGNIFICANT}"
    elif significant is False:
        sentence += f", {_CHANCE}"
    return f"{sentence}."


def trend_sentence(
    measure_label: str,
    area: str,
    trend: TrendResult,
    higher_is: HigherIs = "neutral",
    *,
    plural: bool | None = None,
) -> str:
    """One sentence on a trend from :func:`analysis.trend.trend_test`.

    e.g. "Permanent exclusions in Banbury rose by about 0.02 per 100 pupils a year
    from 2019/20 to 2023/24, a statistically significant worsening." A trend is
    an improvement or a worsening only when ``higher_is`` says which way is better.
    """
    if higher_is not in ("better", "worse", "neutral"):
        raise ValueError("higher_is must be 'better', 'worse' or 'neutral'")
    del plural  # the trend sentences need no was/were; kept for a uniform signature
    label = _lower_first(measure_label)
    if trend.first_year is None or trend.n_years < 2:
        return f"There are not enough years of data to say whether {label} in {area} is changing."
    period = f"from {year_label(trend.first_year)} to {year_label(trend.last_year)}"
    if not trend.tested:
        # No events at all (or, for a proportion, every pupil): the rate never moved.
        return (
            f"{_capitalise(measure_label)} in {area} did not change {period}, "
            "so there is no trend to describe."
        )
    if trend.direction == "no clear trend":
        return (
            f"There is no clear trend in {label} in {area} {period}: "
            "the year-to-year changes are within what chance alone could produce."
        )
    rising = trend.direction == "rising"
    unit = "percentage points" if trend.kind == "proportion" else "per 100 pupils"
    if higher_is == "neutral":
        verdict = "a statistically significant trend"
    else:
        improving = rising == (higher_is == "better")
        verdict = f"a statistically significant {'improvement' if improving else 'worsening'}"
    return (
        f"{_capitalise(measure_label)} in {area} {'rose' if rising else 'fell'} by about "
        f"{format_change(trend.annual_change, trend.kind)} {unit} a year {period}, {verdict}."
    )


def membership_sentence(changes: pd.DataFrame, area: str) -> str:
    """'St John's Catholic School joined in 2020/21 (1,301 pupils); Hill View left in
    2022/23.' or '' when the area kept the same schools."""
    if changes.empty:
        return ""
    parts = []
    for row in changes.itertuples():
        pupils = (
            " (pupils: suppressed)"
            if bool(row.pupils_suppressed)
            else f" ({int(row.pupils):,} pupils)"
            if not pd.isna(row.pupils)
            else ""
        )
        parts.append(f"{row.school_name} {row.change} in {row.year}{pupils}")
    return (
        f"{area}'s schools changed over these years: " + "; ".join(parts) + ". Its figures "
        "for each year are for the schools it had that year, so a change in a trend may come "
        "from schools joining or leaving."
    )
