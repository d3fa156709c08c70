-- materialized: table
-- Internal: the School rows of int_exclusion_characteristic_area_year (UNSUPPRESSED;
-- millions nationally). A projection, not a GROUP BY: the ETL keeps one row per school,
-- year and characteristic (later duplicates are rejected), so each row is its own group.
-- No ORDER BY: rows stay in the fact table's order (by school, then year:
-- etl/tables.py SORT_KEYS), so one school's rows sit in one or two row groups; sorting
-- millions of rows again by area cost the ETL seconds per breakdown (docs/performance.md).
SELECT
    'School' AS level,
    CAST(c.urn AS VARCHAR) AS area,
    c.time_period,
    c.characteristic_group,
    c.characteristic,
    CAST(c.headcount AS HUGEINT) AS headcount,
    CAST(c.headcount IS NOT NULL AS BIGINT) AS headcount_known,
    CAST(c.perm_excl AS HUGEINT) AS perm_excl,
    CAST(c.perm_excl IS NOT NULL AS BIGINT) AS perm_excl_known,
    CAST(c.susp AS HUGEINT) AS susp,
    CAST(c.susp IS NOT NULL AS BIGINT) AS susp_known,
    CAST(c.one_plus_susp AS HUGEINT) AS one_plus_susp,
    CAST(c.one_plus_susp IS NOT NULL AS BIGINT) AS one_plus_susp_known,
    CAST(CASE WHEN c.headcount IS NOT NULL THEN c.perm_excl END AS HUGEINT) AS perm_excl_num,
    CAST(CASE WHEN c.perm_excl IS NOT NULL THEN c.headcount END AS HUGEINT) AS perm_excl_den,
    CAST(c.perm_excl IS NOT NULL AND c.headcount IS NOT NULL AS BIGINT) AS perm_excl_pairs,
    CAST(CASE WHEN c.headcount IS NOT NULL THEN c.susp END AS HUGEINT) AS susp_num,
    CAST(CASE WHEN c.susp IS NOT NULL THEN c.headcount END AS HUGEINT) AS susp_den,
    CAST(c.susp IS NOT NULL AND c.headcount IS NOT NULL AS BIGINT) AS susp_pairs,
    CAST(CASE WHEN c.headcount IS NOT NULL THEN c.one_plus_susp END AS HUGEINT)
        AS one_plus_susp_num,
    CAST(CASE WHEN c.one_plus_susp IS NOT NULL THEN c.headcount END AS HUGEINT)
        AS one_plus_susp_den,
    CAST(c.one_plus_susp IS NOT NULL AND c.headcount IS NOT NULL AS BIGINT)
        AS one_plus_susp_pairs,
    CAST(1 AS BIGINT) AS n_rows,
    CAST(c.headcount_flag IS DISTINCT FROM 'x' AS BIGINT) AS headcount_rows,
    CAST(
        (c.headcount IS NULL AND c.headcount_flag IS DISTINCT FROM 'x')
        OR c.perm_excl IS NULL OR c.susp IS NULL OR c.one_plus_susp IS NULL
        AS BIGINT
    ) AS n_schools_missing
FROM exclusions_characteristic AS c
SEMI JOIN school_year AS y ON y.time_period = c.time_period AND y.urn = c.urn
