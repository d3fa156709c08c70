-- materialized: table
-- Internal: pupils with SEN by provision and primary need per Partnership, Locality
-- and County and year, summed from the school rows, with the provision's total in the
-- area (the denominator of the share). UNSUPPRESSED; tens of thousands of rows
-- nationally, so connect holds them in memory.
WITH areas AS (
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
SELECT
    *,
    sum(pupils) OVER (PARTITION BY level, area, time_period, sen_provision) AS provision_pupils
FROM areas
ORDER BY level, area, time_period, sen_provision, primary_need
