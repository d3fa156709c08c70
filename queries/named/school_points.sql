-- Schools with a location in one year (default: the latest), for maps.
SELECT urn, school_name, phase, partnership, locality, lat, lon, time_period, year
FROM school_points
WHERE time_period = coalesce($time_period, (SELECT max(time_period) FROM school_year))
    AND lat IS NOT NULL
    AND lon IS NOT NULL
ORDER BY school_name, urn
