-- materialized: table
-- Internal: the School rows of area_measure_year (SUPPRESSED, millions nationally),
-- sorted so a measure and year, or one school's years, skip most row groups.
SELECT *
FROM int_checked_area_measure_year
WHERE level = 'School'
ORDER BY measure, time_period, area  -- clusters rows for row-group skipping
