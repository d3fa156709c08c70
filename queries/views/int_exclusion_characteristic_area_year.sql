-- materialized: table
-- Internal: exclusions by pupil characteristic per area and year. UNSUPPRESSED.
-- Rates are within the characteristic: exclusions of pupils with it / pupils with
-- it, over schools where both cells are published.
-- Materialised (the header line): a national characteristics file is millions of
-- rows, too many to aggregate on every page view.
-- The School level is a projection, not a GROUP BY: the ETL keeps one row per
-- school, year and characteristic (later duplicates are rejected), so each row is its
-- own group; the other levels are summed from the school rows.
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
    CAST(
        c.headcount IS NULL OR c.perm_excl IS NULL OR c.susp IS NULL OR c.one_plus_susp IS NULL
        AS BIGINT
    ) AS n_schools_missing
FROM exclusions_characteristic AS c
SEMI JOIN school_year AS y ON y.time_period = c.time_period AND y.urn = c.urn
UNION ALL
SELECT
    a.level,
    a.area,
    c.time_period,
    c.characteristic_group,
    c.characteristic,
    sum(c.headcount) AS headcount,
    count(c.headcount) AS headcount_known,
    sum(c.perm_excl) AS perm_excl,
    count(c.perm_excl) AS perm_excl_known,
    sum(c.susp) AS susp,
    count(c.susp) AS susp_known,
    sum(c.one_plus_susp) AS one_plus_susp,
    count(c.one_plus_susp) AS one_plus_susp_known,
    sum(c.perm_excl) FILTER (WHERE c.headcount IS NOT NULL) AS perm_excl_num,
    sum(c.headcount) FILTER (WHERE c.perm_excl IS NOT NULL) AS perm_excl_den,
    count(*) FILTER (WHERE c.perm_excl IS NOT NULL AND c.headcount IS NOT NULL) AS perm_excl_pairs,
    sum(c.susp) FILTER (WHERE c.headcount IS NOT NULL) AS susp_num,
    sum(c.headcount) FILTER (WHERE c.susp IS NOT NULL) AS susp_den,
    count(*) FILTER (WHERE c.susp IS NOT NULL AND c.headcount IS NOT NULL) AS susp_pairs,
    sum(c.one_plus_susp) FILTER (WHERE c.headcount IS NOT NULL) AS one_plus_susp_num,
    sum(c.headcount) FILTER (WHERE c.one_plus_susp IS NOT NULL) AS one_plus_susp_den,
    count(*) FILTER (WHERE c.one_plus_susp IS NOT NULL AND c.headcount IS NOT NULL)
        AS one_plus_susp_pairs,
    count(*) AS n_rows,
    count(*) FILTER (
        WHERE c.headcount IS NULL OR c.perm_excl IS NULL
            OR c.susp IS NULL OR c.one_plus_susp IS NULL
    ) AS n_schools_missing
FROM exclusions_characteristic AS c
JOIN int_school_area AS a ON a.time_period = c.time_period AND a.urn = c.urn
WHERE a.level <> 'School'
GROUP BY a.level, a.area, c.time_period, c.characteristic_group, c.characteristic
ORDER BY level, area, time_period, characteristic_group, characteristic
