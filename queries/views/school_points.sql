-- Public: each school in each year with its partnership and locality that year
-- and its location (from GIAS via the schools table), for maps.
SELECT
    y.time_period,
    period_label(y.time_period) AS year,
    y.urn,
    y.school_name,
    y.phase,
    y.partnership,
    y.locality,
    s.lat,
    s.lon,
    s.postcode
FROM school_year AS y
LEFT JOIN schools AS s ON s.urn = y.urn
