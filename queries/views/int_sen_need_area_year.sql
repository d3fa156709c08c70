-- materialized: table
-- Internal: pupils with SEN by provision and primary need per area and year,
-- with the provision's total in the area (the denominator of the share).
-- UNSUPPRESSED.
-- Materialised (the header line): a national primary-need file is millions of
-- rows, too many to aggregate on every page view.
-- The School level is a projection, not a GROUP BY: the ETL keeps one row per
-- school, year, provision and need (later duplicates are rejected), so each row is
-- its own group, and grouping six million of them nationally was most of the cost.
-- The other levels are summed from the school rows as before.
WITH school AS (
    SELECT
        'School' AS level,
        CAST(n.urn AS VARCHAR) AS area,
        n.time_period,
        n.sen_provision,
        n.primary_need,
        CAST(n.pupils AS HUGEINT) AS pupils,
        CAST(n.pupils IS NOT NULL AS BIGINT) AS pupils_known,
        CAST(1 AS BIGINT) AS n_rows,
        sum(n.pupils) OVER (PARTITION BY n.urn, n.time_period, n.sen_provision) AS provision_pupils
    FROM sen_need AS n
    SEMI JOIN school_year AS y ON y.time_period = n.time_period AND y.urn = n.urn
),
areas AS (
    SELECT
        a.level,
        a.area,
        n.time_period,
        n.sen_provision,
        n.primary_need,
        sum(n.pupils) AS pupils,
        count(n.pupils) AS pupils_known,
        count(*) AS n_rows
    FROM sen_need AS n
    JOIN int_school_area AS a ON a.time_period = n.time_period AND a.urn = n.urn
    WHERE a.level <> 'School'
    GROUP BY a.level, a.area, n.time_period, n.sen_provision, n.primary_need
)
SELECT * FROM school
UNION ALL
SELECT
    *,
    sum(pupils) OVER (PARTITION BY level, area, time_period, sen_provision) AS provision_pupils
FROM areas
ORDER BY level, area, time_period, sen_provision, primary_need
