-- Partnerships A-Z (optionally in one locality), with their locality and size in
-- their latest year.
WITH spans AS (
    SELECT partnership, min(time_period) AS first_period, max(time_period) AS last_period
    FROM school_year
    WHERE partnership IS NOT NULL
    GROUP BY partnership
),
latest AS (
    SELECT
        s.partnership,
        mode(y.locality) AS locality,
        s.first_period,
        s.last_period,
        count(DISTINCT y.urn) AS n_schools
    FROM spans AS s
    JOIN school_year AS y ON y.partnership = s.partnership AND y.time_period = s.last_period
    GROUP BY s.partnership, s.first_period, s.last_period
)
SELECT partnership, locality, first_period, last_period, n_schools
FROM latest
WHERE $locality IS NULL OR locality = $locality
ORDER BY partnership
