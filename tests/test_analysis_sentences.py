"""Plain-English sentences: exact expected strings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import comparison_sentence, format_measure, trend_sentence, trend_test


def excl(value, comparator, higher_is="neutral", significant=None, **kw):
    return comparison_sentence(
        "Permanent exclusions",
        "Banbury",
        value,
        "the county",
        comparator,
        "per 100 pupils",
        "2023/24",
        higher_is,
        significant,
        **kw,
    )


def test_brief_example_neutral():
    assert excl(0.1234, 0.08) == (
        "Permanent exclusions in Banbury were 0.12 per 100 pupils in 2023/24, "
        "above the county's 0.08."
    )


def test_direction_judged_only_when_measure_says_which_way_is_better():
    assert excl(0.1234, 0.08, "worse") == (
        "Permanent exclusions in Banbury were 0.12 per 100 pupils in 2023/24, "
        "above (worse than) the county's 0.08."
    )
    assert excl(0.05, 0.08, "worse") == (
        "Permanent exclusions in Banbury were 0.05 per 100 pupils in 2023/24, "
        "below (better than) the county's 0.08."
    )


def test_significance_clauses():
    assert excl(0.1234, 0.08, "worse", True) == (
        "Permanent exclusions in Banbury were 0.12 per 100 pupils in 2023/24, "
        "above (worse than) the county's 0.08, a statistically significant difference."
    )
    # Within chance: no better/worse verdict.
    assert excl(0.1234, 0.08, "worse", False) == (
        "Permanent exclusions in Banbury were 0.12 per 100 pupils in 2023/24, "
        "above the county's 0.08, a difference within what chance alone could produce."
    )


def test_same_as_is_decided_on_displayed_numbers():
    # 0.124 and 0.116 both show as 0.12: 'the same as', no clause, no verdict.
    assert excl(0.124, 0.116, "worse", True) == (
        "Permanent exclusions in Banbury were 0.12 per 100 pupils in 2023/24, "
        "the same as the county's 0.12."
    )


def test_suppressed_and_missing():
    assert excl(0.12, 0.08, suppressed=True) == (
        "The figure for Banbury in 2023/24 is suppressed because the numbers are small."
    )
    assert excl(None, 0.08) == "There is no figure for Banbury in 2023/24."
    assert excl(float("nan"), 0.08) == "There is no figure for Banbury in 2023/24."
    assert (
        excl(0.12, None) == "Permanent exclusions in Banbury were 0.12 per 100 pupils in 2023/24."
    )


def test_units_and_verbs():
    assert comparison_sentence(
        "Overall absence", "Bicester", 6.34, "England", 7.1, "% of sessions", "2022/23", "worse"
    ) == ("Overall absence in Bicester was 6.3% in 2022/23, below (better than) England's 7.1%.")
    assert comparison_sentence(
        "Attainment 8", "Didcot", 48.26, "the county", 46.14, "points (mean)", "2023/24", "better"
    ) == (
        "Attainment 8 in Didcot was 48.3 points in 2023/24, above (better than) the county's 46.1."
    )
    assert comparison_sentence(
        "Free school meals eligibility",
        "Banbury",
        21.46,
        "the county",
        14.2,
        "% of pupils",
        "2023/24",
        "neutral",
        True,
    ) == (
        "Free school meals eligibility in Banbury was 21.5% in 2023/24, above the county's 14.2%, "
        "a statistically significant difference."
    )
    assert comparison_sentence(
        "High needs top-up funding",
        "Banbury",
        1234567.8,
        "Cherwell Schools",
        987654.0,
        "£",
        "2023/24",
        "neutral",
    ) == (
        "High needs top-up funding in Banbury was £1,234,568 in 2023/24, "
        "above Cherwell Schools' £987,654."
    )
    assert comparison_sentence(
        "Pupils on roll", "Banbury", 12345, "the county", 98765, "pupils", "2023/24", "neutral"
    ) == ("Pupils on roll in Banbury were 12,345 in 2023/24, below the county's 98,765.")
    assert comparison_sentence(
        "SEN support", "Wantage", 12.0, "the county", 12.0, "% of pupils", "2023/24"
    ) == ("SEN support in Wantage was 12.0% in 2023/24, the same as the county's 12.0%.")
    assert comparison_sentence(
        "Key stage 2: reading, writing and maths", "Wantage", 61.0, "England", 61.0, "%", "2023/24"
    ).startswith("Key stage 2: reading, writing and maths in Wantage was 61.0%")
    assert comparison_sentence(
        "High needs places", "Wantage", 40, "the county", 400, "places", "2023/24"
    ).startswith("High needs places in Wantage were 40 in 2023/24")
    # The was/were guess can be overridden.
    assert comparison_sentence(
        "Pupil data", "Wantage", 40, "the county", None, "pupils", "2023/24", plural=True
    ) == ("Pupil data in Wantage were 40 in 2023/24.")


def test_format_measure():
    assert format_measure(6.345, "% of sessions") == "6.3%"
    # halves round away from zero, as the DfE publishes (contract.formats.dfe_round)
    assert format_measure(0.125, "per 100 pupils") == "0.13 per 100 pupils"
    assert format_measure(46.15, "points (mean)") == "46.2 points"  # 46.149999... in binary
    assert format_measure(1234.5, "£") == "£1,235"
    assert format_measure(-1500, "£") == "-£1,500"
    assert format_measure(1234567, "suspensions") == "1,234,567"


def test_bad_higher_is():
    with pytest.raises(ValueError):
        excl(0.1, 0.2, "good")


@given(
    value=st.floats(0, 1000, allow_nan=False),
    comparator=st.floats(0, 1000, allow_nan=False),
    significant=st.sampled_from([None, True, False]),
    unit=st.sampled_from(["%", "per 100 pupils", "points (mean)", "£", "pupils"]),
)
def test_never_better_unless_the_measure_says_so(value, comparator, significant, unit):
    def say(higher_is):
        return comparison_sentence(
            "X", "A", value, "B", comparator, unit, "2023/24", higher_is, significant
        )

    neutral = say("neutral")
    assert "better" not in neutral and "worse" not in neutral
    if "above" in neutral:
        assert "better" not in say("worse")
        assert "worse" not in say("better")
    if "below" in neutral:
        assert "better" not in say("better")
        assert "worse" not in say("worse")


def test_trend_sentences():
    rising = trend_test([2019, 2020, 2021, 2022, 2023], [10, 12, 15, 18, 25], [1000] * 5, "rate")
    assert trend_sentence("Suspensions", "Banbury", rising, "worse") == (
        "Suspensions in Banbury rose by about 0.36 per 100 pupils a year from 2019/20 to 2023/24, "
        "a statistically significant worsening."
    )
    assert trend_sentence("Suspensions", "Banbury", rising, "neutral") == (
        "Suspensions in Banbury rose by about 0.36 per 100 pupils a year from 2019/20 to 2023/24, "
        "a statistically significant trend."
    )
    ks2 = trend_test([2021, 2022, 2023], [30, 20, 10], [100] * 3, "proportion")
    assert trend_sentence("Key stage 2 expected standard", "Didcot", ks2, "better") == (
        "Key stage 2 expected standard in Didcot fell by about 10.0 percentage points a year "
        "from 2021/22 to 2023/24, a statistically significant worsening."
    )
    flat = trend_test([2021, 2022, 2023], [20, 21, 19], [100] * 3, "proportion")
    assert trend_sentence("Persistent absence", "Witney", flat, "worse") == (
        "There is no clear trend in persistent absence in Witney from 2021/22 to 2023/24: "
        "the year-to-year changes are within what chance alone could produce."
    )
    short = trend_test([2023], [5], [100], "proportion")
    assert trend_sentence("SEN support", "Witney", short) == (
        "There are not enough years of data to say whether SEN support in Witney is changing."
    )
    zero = trend_test([2022, 2023], [0, 0], [100, 100], "rate")
    assert trend_sentence("Permanent exclusions", "Thame", zero) == (
        "Permanent exclusions in Thame did not change from 2022/23 to 2023/24, "
        "so there is no trend to describe."
    )


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Permanent exclusions", "permanent exclusions"),
        ("SEN support", "SEN support"),
        ("Education Health and Care plans", "Education Health and Care plans"),
        ("English as an additional language", "English as an additional language"),
        ("Attainment 8", "attainment 8"),
    ],
)
def test_labels_are_lowered_mid_sentence_except_names(label: str, expected: str) -> None:
    from analysis.sentences import _lower_first

    assert _lower_first(label) == expected
