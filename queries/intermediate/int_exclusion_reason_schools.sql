-- materialized: table
-- Internal: the School rows of int_exclusion_reason_area_year (UNSUPPRESSED; millions
-- nationally). A projection, not a GROUP BY: the ETL keeps one row per school, year and
-- reason (later duplicates are rejected), so each row is its own group.
-- No ORDER BY: rows stay in the fact table's order (by school, then year:
-- etl/tables.py SORT_KEYS), so one school's rows sit in one or two row groups; sorting
-- millions of rows again by area cost the ETL seconds per breakdown (docs/performance.md).
SELECT
    'School' AS level,
    CAST(r.urn AS VARCHAR) AS area,
    r.time_period,
    r.reason,
    CAST(r.perm_excl AS HUGEINT) AS perm_excl,
    CAST(r.perm_excl IS NOT NULL AS BIGINT) AS perm_excl_known,
    CAST(r.susp AS HUGEINT) AS susp,
    CAST(r.susp IS NOT NULL AS BIGINT) AS susp_known,
    CAST(CASE WHEN e.headcount IS NOT NULL THEN r.perm_excl END AS HUGEINT) AS perm_excl_num,
    CAST(CASE WHEN r.perm_excl IS NOT NULL THEN e.headcount END AS HUGEINT) AS perm_excl_den,
    CAST(r.perm_excl IS NOT NULL AND e.headcount IS NOT NULL AS BIGINT) AS perm_excl_pairs,
    CAST(CASE WHEN e.headcount IS NOT NULL THEN r.susp END AS HUGEINT) AS susp_num,
    CAST(CASE WHEN r.susp IS NOT NULL THEN e.headcount END AS HUGEINT) AS susp_den,
    CAST(r.susp IS NOT NULL AND e.headcount IS NOT NULL AS BIGINT) AS susp_pairs,
    CAST(1 AS BIGINT) AS n_rows,
    CAST(r.perm_excl IS NULL OR r.susp IS NULL AS BIGINT) AS n_schools_missing
FROM exclusions_reason AS r
SEMI JOIN school_year AS y ON y.time_period = r.time_period AND y.urn = r.urn
LEFT JOIN exclusions AS e ON e.time_period = r.time_period AND e.urn = r.urn
