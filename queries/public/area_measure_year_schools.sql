-- materialized: table
-- Public: the School rows of area_measure_year, suppressed (millions nationally),
-- sorted so a measure and year skip most row groups, and within them in
-- measure_by_area.sql's ranking (value highest first, hidden last, then name and URN):
-- its sort of 23,000 schools then meets rows already in order (33 -> 25 ms measured).
SELECT *
FROM disclosed_area_measure_year
WHERE level = 'School'
ORDER BY measure, time_period, value DESC NULLS LAST, area_name, area
