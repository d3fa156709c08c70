-- materialized: table
-- Internal: exclusions by reason per area and year. UNSUPPRESSED.
-- Rates per 100 pupils use the school's headcount from the exclusions table;
-- each count pairs with the headcount of the schools where both are published.
-- Materialised (the header line): a national reasons file is millions of rows,
-- too many to aggregate on every page view.
-- The School level is a projection, not a GROUP BY: the ETL keeps one row per
-- school, year and reason (later duplicates are rejected), so each row is its own
-- group; the other levels are summed from the school rows.
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
UNION ALL
SELECT
    a.level,
    a.area,
    r.time_period,
    r.reason,
    sum(r.perm_excl) AS perm_excl,
    count(r.perm_excl) AS perm_excl_known,
    sum(r.susp) AS susp,
    count(r.susp) AS susp_known,
    sum(r.perm_excl) FILTER (WHERE e.headcount IS NOT NULL) AS perm_excl_num,
    sum(e.headcount) FILTER (WHERE r.perm_excl IS NOT NULL) AS perm_excl_den,
    count(*) FILTER (WHERE r.perm_excl IS NOT NULL AND e.headcount IS NOT NULL) AS perm_excl_pairs,
    sum(r.susp) FILTER (WHERE e.headcount IS NOT NULL) AS susp_num,
    sum(e.headcount) FILTER (WHERE r.susp IS NOT NULL) AS susp_den,
    count(*) FILTER (WHERE r.susp IS NOT NULL AND e.headcount IS NOT NULL) AS susp_pairs,
    count(*) AS n_rows,
    count(*) FILTER (WHERE r.perm_excl IS NULL OR r.susp IS NULL) AS n_schools_missing
FROM exclusions_reason AS r
JOIN int_school_area AS a ON a.time_period = r.time_period AND a.urn = r.urn
LEFT JOIN exclusions AS e ON e.time_period = r.time_period AND e.urn = r.urn
WHERE a.level <> 'School'
GROUP BY a.level, a.area, r.time_period, r.reason
ORDER BY level, area, time_period, reason  -- clusters rows for row-group skipping
