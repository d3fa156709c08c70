"""The symbols DfE files put in a numeric cell instead of a number, and what each means.

GSS symbols (DfE analysts' guide, "Data symbols"; eesyscreener's ``gss_symbols`` and
``legacy_gss_symbols``): ``z`` not applicable, ``x`` not available, ``c`` confidential
(suppressed), ``low``/``k`` rounds to zero but is not zero, ``u`` low reliability; the
legacy ``:`` (not available) and ``~`` (rounds to zero). Older releases also use ``.`` (not
applicable, the 2016/17 exclusions release). The performance-tables downloads (KS2, KS4)
use ``SUPP`` (suppressed), ``NE`` (no entries), ``NA`` (not applicable) and ``LOWCOV``
(low coverage). The EHC plans (SEN2) management information file of 2014-2018 writes
``NULL`` where a figure was not collected (initial requests before 2016, statements after
they ended).

Some publications swap meanings: the schools, pupils and characteristics (SPC) and SEN
data guidance (2022/23 on) say "``x`` not applicable, ``z`` unknown / not available".
``MEANING_OVERRIDES`` holds those per source, so a cell is read as its publication says.
"""

from __future__ import annotations

#: Every symbol, lower case (cells are matched ignoring case and surrounding spaces).
SYMBOLS: tuple[str, ...] = (
    "c",
    "x",
    "z",
    "low",
    "k",
    "u",
    ":",
    "~",
    ".",
    "supp",
    "ne",
    "na",
    "lowcov",
    "null",
)

#: What a symbol means. ``withheld``: a real value exists but is not shown (suppressed or
#: rounds to zero: a small number that is not zero); ``not_available`` / ``not_applicable``:
#: there is no value to show; ``low_reliability``: shown elsewhere, not used here.
WITHHELD = "withheld"
NOT_AVAILABLE = "not_available"
NOT_APPLICABLE = "not_applicable"
LOW_RELIABILITY = "low_reliability"

MEANINGS: dict[str, str] = {
    "c": WITHHELD,
    "low": WITHHELD,
    "k": WITHHELD,
    "~": WITHHELD,
    "supp": WITHHELD,
    "x": NOT_AVAILABLE,
    ":": NOT_AVAILABLE,
    "lowcov": NOT_AVAILABLE,
    "null": NOT_AVAILABLE,
    "z": NOT_APPLICABLE,
    ".": NOT_APPLICABLE,
    "na": NOT_APPLICABLE,
    "ne": NOT_APPLICABLE,
    "u": LOW_RELIABILITY,
}

#: Sources whose publications give a symbol another meaning than GSS (their data guidance).
#: The exclusions release of 2016/17 (SFR35/2017) uses ``x`` for cells withheld to protect
#: confidentiality and ``.`` for not applicable (shared/real/README.md).
MEANING_OVERRIDES: dict[str, dict[str, str]] = {
    "census": {"x": NOT_APPLICABLE, "z": NOT_AVAILABLE},
    "sen": {"x": NOT_APPLICABLE, "z": NOT_AVAILABLE},
    "sen_need": {"x": NOT_APPLICABLE, "z": NOT_AVAILABLE},
    "exclusions": {"x": WITHHELD},
}


def meaning(symbol: str, source: str | None = None) -> str:
    """What ``symbol`` (any case) means in ``source``'s files."""
    key = symbol.strip().lower()
    return MEANING_OVERRIDES.get(source or "", {}).get(key, MEANINGS.get(key, NOT_AVAILABLE))
