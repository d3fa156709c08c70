-- Localities A-Z with the years they appear and their size in their latest year.
WITH spans AS (
    SELECT locality, min(time_period) AS first_period, max(time_period) AS last_period
    FROM school_year
    WHERE locality IS NOT NULL
    GROUP BY locality
)
SELECT
    s.locality,
    s.first_period,
    s.last_period,
    count(DISTINCT y.partnership) AS n_partnerships,
    count(DISTINCT y.urn) AS n_schools
FROM spans AS s
JOIN school_year AS y ON y.locality = s.locality AND y.time_period = s.last_period
GROUP BY s.locality, s.first_period, s.last_period
ORDER BY s.locality
