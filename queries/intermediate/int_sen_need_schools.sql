-- materialized: table
-- Internal: the School rows of int_sen_need_area_year (UNSUPPRESSED; millions
-- nationally), with the school's total for the provision (the denominator of the
-- share). A projection, not a GROUP BY: the ETL keeps one row per school, year,
-- provision and need (later duplicates are rejected), so each row is its own group.
-- The provision totals are a hash aggregate joined back, not a window: a window sorts
-- every row. No ORDER BY: rows stay in the fact table's order (by school, then year:
-- etl/tables.py SORT_KEYS), so one school's rows sit in one or two row groups; sorting
-- millions of rows again by area cost the ETL seconds per breakdown (docs/performance.md).
WITH provision AS (
    SELECT urn, time_period, sen_provision, sum(pupils) AS provision_pupils
    FROM sen_need
    GROUP BY urn, time_period, sen_provision
)
SELECT
    'School' AS level,
    CAST(n.urn AS VARCHAR) AS area,
    n.time_period,
    n.sen_provision,
    n.primary_need,
    CAST(n.pupils AS HUGEINT) AS pupils,
    CAST(n.pupils IS NOT NULL AS BIGINT) AS pupils_known,
    CAST(1 AS BIGINT) AS n_rows,
    p.provision_pupils
FROM sen_need AS n
SEMI JOIN school_year AS y ON y.time_period = n.time_period AND y.urn = n.urn
JOIN provision AS p
    ON p.urn = n.urn
    AND p.time_period = n.time_period
    AND p.sen_provision IS NOT DISTINCT FROM n.sen_provision
