"""Complementary (secondary) suppression: no hidden number can be worked out by subtraction.

The primary rules (``views/_suppression.sql``) hide small numbers. A hidden number is
still recoverable when it is the only hidden term of a sum whose other terms are shown: a
partnership's total minus its other schools, a locality minus its partnerships (and its
schools in no partnership), the county minus its localities, all exclusions minus the
other reasons, all pupils minus the other groups. Each such sum is an *equation*: its
members are the total and its parts. The rule, applied until nothing changes:

    an equation with exactly one hidden member gets a second one: the smallest shown
    non-zero part (the least informative), else the smallest shown part, else the total.

Cells are hidden for a whole *family*: the measures that share a numerator (a count and
its rate: perm_excl and perm_excl_rate share "Permanent exclusions"), since a shown rate
with its denominator gives the count back. A cell whose value the publisher withheld is
not a term of any sum (its range is public), so it does not count as hidden here.

The equations are built in SQL (``EQUATIONS``) from the primary-suppressed views; this
module only runs the rule. ``connect()`` computes the result as the table named in
``TABLES`` (``int_complementary_cells``) between the primary and the public views, and the
ETL stores it with the other materialised views.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

#: The table of cells hidden by this rule, and the views it is computed from (for the
#: build order). Read by queries.connect.
TABLE = "int_complementary_cells"
READS: tuple[str, ...] = (
    "int_checked_area_measure_year",
    "int_primary_exclusions_by_reason",
    "int_primary_exclusions_by_characteristic",
    "int_primary_exclusions_by_phase",
    "int_primary_sen_need_profile",
)

#: Every cell of every suppressed table as (tbl, level, area, time_period, family, part,
#: value, hidden): ``part`` is the breakdown (a reason, a pupil group; '' for the area's own
#: figure). ``hidden``: hidden by the primary rules with a known value behind it.
CELLS_SQL = """
WITH families AS (
    SELECT measure, numerator_label AS family FROM measures
),
areas AS (
    SELECT
        'area' AS tbl, c.level, c.area, c.parent_area, c.locality, c.time_period,
        f.family, '' AS part,
        max(c.numerator) AS value,
        -- unknown only if no measure of the family shows the numerator (a rate hidden for
        -- its few pupils beside its shown count hides nothing)
        coalesce(bool_and(c.suppressed) FILTER (WHERE c.n_schools > 0), false) AS hidden
    FROM int_checked_area_measure_year AS c
    JOIN families AS f ON f.measure = c.measure
    WHERE c.level IN ('School', 'Partnership', 'Locality', 'County')
    GROUP BY ALL
),
reasons AS (
    SELECT 'reason' AS tbl, level, area, time_period, family, reason AS part, value, hidden
    FROM int_primary_exclusions_by_reason
    UNPIVOT INCLUDE NULLS ((value, hidden) FOR family IN (
        (perm_excl, perm_excl_hidden) AS 'Permanent exclusions',
        (susp, susp_hidden) AS 'Suspensions'))
),
groups AS (
    SELECT 'group' AS tbl, level, area, time_period, family,
        characteristic_group || ': ' || characteristic AS part, value, hidden
    FROM int_primary_exclusions_by_characteristic
    UNPIVOT INCLUDE NULLS ((value, hidden) FOR family IN (
        (headcount, headcount_hidden) AS 'Pupils on roll (exclusions headcount)',
        (perm_excl, perm_excl_hidden) AS 'Permanent exclusions',
        (susp, susp_hidden) AS 'Suspensions',
        (one_plus_susp, one_plus_susp_hidden) AS 'Pupils with one or more suspensions'))
),
phases AS (
    SELECT 'phase' AS tbl, level, area, time_period, family, phase AS part, value, hidden
    FROM int_primary_exclusions_by_phase
    UNPIVOT INCLUDE NULLS ((value, hidden) FOR family IN (
        (headcount, headcount_hidden) AS 'Pupils on roll (exclusions headcount)',
        (perm_excl, perm_excl_hidden) AS 'Permanent exclusions',
        (susp, susp_hidden) AS 'Suspensions',
        (one_plus_susp, one_plus_susp_hidden) AS 'Pupils with one or more suspensions'))
),
needs AS (
    SELECT 'need' AS tbl, level, area, time_period, 'SEN pupils by need' AS family,
        sen_provision || ': ' || primary_need AS part, pupils AS value, pupils_hidden AS hidden
    FROM int_primary_sen_need_profile
)
SELECT tbl, level, area, time_period, family, part, value, hidden FROM areas
UNION ALL
SELECT tbl, level, area, time_period, family, part, value, hidden FROM reasons
UNION ALL
SELECT tbl, level, area, time_period, family, part, value, hidden FROM groups
UNION ALL
SELECT tbl, level, area, time_period, family, part, value, hidden FROM phases
UNION ALL
SELECT tbl, level, area, time_period, family, part, value, hidden FROM needs
ORDER BY tbl, level, area, time_period, family, part  -- ties are broken the same every run
"""

#: The equations: (equation, tbl, level, area, time_period, family, part, is_total).
#: Areas nest School -> Partnership -> Locality -> County (a school in no partnership is a
#: part of its locality, one in no locality of the county); each breakdown nests the same
#: way, part by part; and the parts of an area's breakdown add up to its own figure (an
#: equation whose total, from the area table, cannot be hidden here: ``fixed``).
EQUATIONS_SQL = """
WITH tree AS (
    -- each area's parent in the nesting, from the area table (one row per area and year)
    SELECT DISTINCT level, area, time_period,
        CASE level
            WHEN 'School' THEN coalesce(
                CASE WHEN parent_area IS NOT NULL THEN 'Partnership|' || parent_area END,
                CASE WHEN locality IS NOT NULL THEN 'Locality|' || locality END,
                'County|')
            WHEN 'Partnership' THEN coalesce('Locality|' || parent_area, 'County|')
            WHEN 'Locality' THEN 'County|'
        END AS parent
    FROM int_checked_area_measure_year
    WHERE level IN ('School', 'Partnership', 'Locality')
),
cells AS (SELECT * FROM complementary_input),
nesting AS (
    -- a child area: a part of its parent's equation, per table, family and breakdown part
    SELECT c.tbl || '|' || c.family || '|' || c.part || '|' || c.time_period || '|' || t.parent
            AS equation,
        c.tbl, c.level, c.area, c.time_period, c.family, c.part, false AS is_total
    FROM cells AS c
    JOIN tree AS t ON t.level = c.level AND t.area = c.area AND t.time_period = c.time_period
    UNION ALL
    -- the parent itself: the total
    SELECT c.tbl || '|' || c.family || '|' || c.part || '|' || c.time_period || '|'
            || c.level || '|' || CASE WHEN c.level = 'County' THEN '' ELSE c.area END,
        c.tbl, c.level, c.area, c.time_period, c.family, c.part, true
    FROM cells AS c
    WHERE c.level IN ('Partnership', 'Locality', 'County')
),
parted AS (
    -- each breakdown cell with the sum it is a part of: all reasons (or phases) of the
    -- area, the groups of one characteristic, the needs of one SEN provision; and the
    -- area-table family that sum equals (pupils by need add up to the EHC plan or SEN
    -- support count)
    SELECT
        c.*,
        CASE WHEN c.tbl IN ('group', 'need') THEN split_part(c.part, ': ', 1) ELSE '' END
            AS margin,
        CASE
            WHEN c.tbl <> 'need' THEN c.family
            WHEN split_part(c.part, ': ', 1) = 'EHC plan' THEN 'Pupils with an EHC plan'
            WHEN split_part(c.part, ': ', 1) = 'SEN support' THEN 'Pupils receiving SEN support'
            ELSE 'SEN pupils: ' || split_part(c.part, ': ', 1)  -- no such cell: fixed
        END AS total_family
    FROM cells AS c
    WHERE c.tbl IN ('reason', 'group', 'phase', 'need')
),
breakdown AS (
    SELECT c.tbl || '|' || c.family || '|' || c.level || '|' || c.area || '|' || c.time_period
            || '|' || c.margin AS equation,
        c.tbl, c.level, c.area, c.time_period, c.family, c.part, false AS is_total
    FROM parted AS c
    UNION ALL
    SELECT DISTINCT b.tbl || '|' || b.family || '|' || b.level || '|' || b.area || '|'
            || b.time_period || '|' || b.margin,
        'area', b.level, b.area, b.time_period, b.total_family, '', true
    FROM parted AS b
)
SELECT * FROM nesting
UNION ALL
SELECT * FROM breakdown
"""

_KEY = ["tbl", "level", "area", "time_period", "family", "part"]


def hidden_cells(cells: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The cells to hide besides the primary ones: rows of ``cells`` (columns _KEY, value,
    hidden) whose key the rule picks. ``members``: one row per equation member (columns
    equation, *_KEY, is_total). Members that are not cells are totals held elsewhere:
    shown, and never picked (fixed)."""
    cells = cells.reset_index(drop=True)
    cell_id = pd.Series(range(len(cells)))
    keyed = members.merge(cells[_KEY].assign(cell=cell_id), on=_KEY, how="left")
    fixed = keyed["cell"].isna()
    keyed = keyed.assign(cell=keyed["cell"].fillna(-1).astype("int64"), fixed=fixed)
    keyed["eq"] = keyed["equation"].astype("category").cat.codes
    hidden = cells["hidden"].fillna(False).to_numpy(dtype=bool).copy()
    value = cells["value"].to_numpy(dtype=float)
    picked = pd.Series(False, index=cells.index)
    while True:
        member_hidden = ~keyed["fixed"].to_numpy() & hidden[keyed["cell"].clip(lower=0)]
        counts = pd.Series(member_hidden).groupby(keyed["eq"].to_numpy()).sum()
        singles = counts.index[counts.to_numpy() == 1]
        if len(singles) == 0:
            break
        # a member with no value shown (withheld by its publisher: not a term of the sum)
        # is no help: hiding it changes nothing
        has_value = ~np.isnan(value[keyed["cell"].clip(lower=0).to_numpy()])
        open_ = keyed[
            keyed["eq"].isin(singles) & ~pd.Series(member_hidden) & ~keyed["fixed"] & has_value
        ]
        if open_.empty:
            break  # only fixed members left: the total is hidden in its own table
        values = value[open_["cell"].to_numpy()]
        ranked = open_.assign(
            _zero=values == 0, _value=pd.Series(values, index=open_.index)
        ).sort_values(["eq", "is_total", "_zero", "_value", "cell"])
        choice = ranked.drop_duplicates("eq")["cell"].to_numpy()
        hidden[choice] = True
        picked.iloc[choice] = True
    return cells.loc[picked.to_numpy(), _KEY].reset_index(drop=True)


def compute(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The table ``TABLE``: the key of every cell complementary suppression hides."""
    cells = con.execute(CELLS_SQL).df()
    con.register("complementary_input", cells)
    try:
        members = con.execute(EQUATIONS_SQL).df()
    finally:
        con.unregister("complementary_input")
    result = hidden_cells(cells, members)
    return result.astype({"time_period": "int32"})
