"""Complementary (secondary) suppression: no hidden number can be worked out by subtraction.

The primary rules (``macros/suppression.sql``) hide small numbers. A hidden number is
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

The equations are built in SQL (``MEMBERS_SQL``) from the primary-suppressed views; this
module only runs the rule. ``connect()`` computes the result as the table named in
``TABLES`` (``int_complementary_cells``) between the primary and the public views, and the
ETL stores it with the other materialised views.
"""

from __future__ import annotations

import duckdb
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
    "int_like_for_like_measure_year",
    "int_partnership_movers",
)

#: The area table's rows both the cells and the equations read, taken once: the view is
#: computed from every school's figures (seconds nationally), and read twice it was.
AREA_ROWS_SQL = """
SELECT level, area, parent_area, locality, time_period, measure, numerator, suppressed,
    n_schools
FROM int_checked_area_measure_year
WHERE level IN ('School', 'Partnership', 'Locality', 'County')
"""

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
    FROM cx_area_rows AS c
    JOIN families AS f ON f.measure = c.measure
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
),
like_for_like AS (
    SELECT 'lfl' AS tbl, c.level, c.area, c.time_period, f.family, '' AS part,
        max(c.numerator) AS value,
        coalesce(
            bool_and(measure_is_suppressed(c.kind, c.numerator, c.denominator))
                FILTER (WHERE c.n_schools > 0),
            false
        ) AS hidden
    FROM int_like_for_like_measure_year AS c
    JOIN families AS f ON f.measure = c.measure
    GROUP BY ALL
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
UNION ALL
SELECT tbl, level, area, time_period, family, part, value, hidden FROM like_for_like
"""

#: The equations' members, straight from ``cx_cells``: (eq, cell, is_total); ``cell`` is NULL
#: for a total that is not a cell here (held elsewhere: shown, never picked). Areas nest
#: School -> Partnership -> Locality -> County (a school in no partnership is a part of its
#: locality, one in no locality of the county); each breakdown nests the same way, part by
#: part; and the parts of an area's breakdown add up to its own figure (an equation whose
#: total is the area table's cell). An equation is the hash of what names it (one tag per
#: kind of equation): members are found by their cell number, not by joining their names.
MEMBERS_SQL = """
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
    FROM cx_area_rows
    WHERE level IN ('School', 'Partnership', 'Locality')
),
nesting AS (
    -- a child area: a part of its parent's equation, per table, family and breakdown part
    SELECT hash('nest', c.tbl, c.family, c.part, c.time_period, t.parent) AS eq,
        c.cell, false AS is_total
    FROM cx_cells AS c
    JOIN tree AS t ON t.level = c.level AND t.area = c.area AND t.time_period = c.time_period
    WHERE c.tbl <> 'lfl'
    UNION ALL
    -- the parent itself: the total
    SELECT hash('nest', c.tbl, c.family, c.part, c.time_period,
            c.level || '|' || CASE WHEN c.level = 'County' THEN '' ELSE c.area END),
        c.cell, true
    FROM cx_cells AS c
    WHERE c.level IN ('Partnership', 'Locality', 'County') AND c.tbl <> 'lfl'
),
parted AS (
    -- each breakdown cell with the sum it is a part of: all reasons (or phases) of the
    -- area, the groups of one characteristic, the needs of one SEN provision; and the
    -- area-table family that sum equals (pupils by need add up to the EHC plan or SEN
    -- support count)
    SELECT
        c.cell, c.level, c.area, c.time_period,
        hash('breakdown', c.tbl, c.family, c.level, c.area, c.time_period,
            CASE WHEN c.tbl IN ('group', 'need') THEN split_part(c.part, ': ', 1) ELSE '' END
        ) AS eq,
        CASE
            WHEN c.tbl <> 'need' THEN c.family
            WHEN split_part(c.part, ': ', 1) = 'EHC plan' THEN 'Pupils with an EHC plan'
            WHEN split_part(c.part, ': ', 1) = 'SEN support' THEN 'Pupils receiving SEN support'
            ELSE 'SEN pupils: ' || split_part(c.part, ': ', 1)  -- no such cell: fixed
        END AS total_family
    FROM cx_cells AS c
    WHERE c.tbl IN ('reason', 'group', 'phase', 'need')
),
breakdown_totals AS (
    SELECT DISTINCT eq, level, area, time_period, total_family FROM parted
),
breakdown AS (
    SELECT eq, cell, false AS is_total FROM parted
    UNION ALL
    SELECT b.eq, a.cell, true
    FROM breakdown_totals AS b
    LEFT JOIN cx_cells AS a
        ON a.tbl = 'area' AND a.level = b.level AND a.area = b.area
        AND a.time_period = b.time_period AND a.family = b.total_family AND a.part = ''
),
lfl AS (SELECT * FROM cx_cells WHERE tbl = 'lfl'),
like_for_like AS (
    -- today's schools in a year = the partnership's schools that year, plus and minus
    -- the movers (int_partnership_movers): an equation (its signs do not matter here).
    -- The like-for-like figure is the one to hide first (is_total orders the choice: the
    -- partnership's own figure and its schools' are what every page shows)
    SELECT hash('lfl', c.family, c.area, c.time_period) AS eq, c.cell, false AS is_total
    FROM lfl AS c
    UNION ALL
    SELECT hash('lfl', c.family, c.area, c.time_period), a.cell, true
    FROM lfl AS c
    LEFT JOIN cx_cells AS a
        ON a.tbl = 'area' AND a.level = 'Partnership' AND a.area = c.area
        AND a.time_period = c.time_period AND a.family = c.family AND a.part = ''
    UNION ALL
    SELECT hash('lfl', c.family, c.area, c.time_period), a.cell, true
    FROM lfl AS c
    JOIN int_partnership_movers AS d ON d.partnership = c.area AND d.time_period = c.time_period
    LEFT JOIN cx_cells AS a
        ON a.tbl = 'area' AND a.level = 'School' AND a.area = CAST(d.urn AS VARCHAR)
        AND a.time_period = c.time_period AND a.family = c.family AND a.part = ''
)
SELECT * FROM nesting
UNION ALL
SELECT * FROM breakdown
UNION ALL
SELECT * FROM like_for_like
"""

_KEY = ["tbl", "level", "area", "time_period", "family", "part"]

#: The table ``TABLE`` before ``compute`` fills it (the columns ``compute`` returns).
EMPTY_TABLE_SQL = (
    f'CREATE TABLE "{TABLE}" (tbl VARCHAR, level VARCHAR, area VARCHAR,'
    " time_period INTEGER, family VARCHAR, part VARCHAR)"
)


def _run_rule(con: duckdb.DuckDBPyConnection) -> None:
    """The rule, in DuckDB (millions of cells nationally: no copy into Python). Reads
    ``cx_cells`` (cell, value, hidden) and ``cx_members`` (eq, cell — NULL for a total held
    elsewhere, which is shown and never picked — is_total); leaves ``cx_picked`` (cell).
    Only an equation holding a cell hidden in the last pass can have become one with a
    single hidden member, so each pass looks at those alone."""
    con.execute("CREATE OR REPLACE TEMP TABLE cx_hidden AS SELECT cell FROM cx_cells WHERE hidden")
    con.execute("CREATE OR REPLACE TEMP TABLE cx_new AS SELECT cell FROM cx_hidden")
    con.execute("CREATE OR REPLACE TEMP TABLE cx_picked (cell BIGINT)")
    while True:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE cx_choice AS
            WITH touched AS (
                SELECT DISTINCT m.eq FROM cx_members AS m JOIN cx_new AS n ON n.cell = m.cell
            ),
            members AS (
                SELECT m.eq, m.cell, m.is_total, h.cell IS NOT NULL AS is_hidden
                FROM cx_members AS m
                JOIN touched AS t ON t.eq = m.eq
                LEFT JOIN cx_hidden AS h ON h.cell = m.cell
            ),
            singles AS (
                SELECT eq FROM members GROUP BY eq
                HAVING count(*) FILTER (WHERE is_hidden) = 1
            ),
            candidates AS (
                -- a member with no value shown (withheld by its publisher: not a term of
                -- the sum) is no help: hiding it changes nothing
                SELECT m.eq, m.cell, m.is_total, c.value,
                    c.tbl, c.level, c.area, c.time_period, c.family, c.part
                FROM members AS m
                JOIN singles AS s ON s.eq = m.eq
                JOIN cx_cells AS c ON c.cell = m.cell
                WHERE NOT m.is_hidden AND c.value IS NOT NULL AND NOT isnan(c.value)
            )
            SELECT DISTINCT first(
                cell ORDER BY is_total, value = 0, value, tbl, level, area, time_period,
                    family, part, cell
            ) AS cell
            FROM candidates
            GROUP BY eq
            """
        )
        if con.execute("SELECT count(*) FROM cx_choice").fetchall()[0][0] == 0:
            break
        con.execute("INSERT INTO cx_hidden SELECT cell FROM cx_choice")
        con.execute("INSERT INTO cx_picked SELECT cell FROM cx_choice")
        con.execute("CREATE OR REPLACE TEMP TABLE cx_new AS SELECT cell FROM cx_choice")


def hidden_cells(cells: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The rule on hand-made frames (tests): ``cells`` (columns _KEY, value, hidden) and
    ``members`` (equation, *_KEY, is_total; a member that is not a cell is a total held
    elsewhere: shown, never picked). Returns the keys of the cells it hides."""
    con = duckdb.connect()
    try:
        con.register("given_cells", cells)
        con.register("given_members", members)
        con.execute(
            "CREATE TEMP TABLE cx_cells AS SELECT row_number() OVER () AS cell,"
            " * REPLACE (coalesce(hidden, false) AS hidden) FROM given_cells"
        )
        con.execute(
            "CREATE TEMP TABLE cx_members AS SELECT hash(m.equation) AS eq, c.cell, m.is_total"
            " FROM given_members AS m LEFT JOIN cx_cells AS c"
            " USING (tbl, level, area, time_period, family, part)"
        )
        _run_rule(con)
        return con.execute(
            "SELECT tbl, level, area, time_period, family, part FROM cx_cells"
            " WHERE cell IN (SELECT cell FROM cx_picked) ORDER BY cell"
        ).df()
    finally:
        con.close()


def compute(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The table ``TABLE``: the key of every cell complementary suppression hides."""
    # A cell's number is only its identity (the rule breaks ties by the cell's key, the
    # same every run): the row's position in a table of its own, without numbering ten
    # million rows in key order (sorting them was a third of the build nationally).
    con.execute(f"CREATE OR REPLACE TEMP TABLE cx_area_rows AS {AREA_ROWS_SQL}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE cx_cell_rows AS {CELLS_SQL}")  # noqa: S608
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cx_cells AS SELECT rowid AS cell, * FROM cx_cell_rows"
    )
    con.execute("DROP TABLE cx_cell_rows")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE cx_members AS {MEMBERS_SQL}"  # noqa: S608
    )
    con.execute("DROP TABLE cx_area_rows")
    try:
        _run_rule(con)
        result = con.execute(
            "SELECT tbl, level, area, CAST(time_period AS INTEGER) AS time_period, family, part"
            " FROM cx_cells WHERE cell IN (SELECT cell FROM cx_picked)"
            " ORDER BY tbl, level, area, time_period, family, part"
        ).df()
    finally:
        for table in (
            "cx_area_rows",
            "cx_cells",
            "cx_members",
            "cx_hidden",
            "cx_new",
            "cx_picked",
            "cx_choice",
        ):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return result
