-- materialized: table
-- (stored sorted by year and name: the map reads one year, ~24,000 schools nationally,
-- without joining school_year to schools on every page view)
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
ORDER BY y.time_period, y.school_name, y.urn  -- clusters rows for row-group skipping
