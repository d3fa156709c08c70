-- materialized: table
-- Public: the rows of area_measure_year for every level but School, suppressed (tens
-- of thousands of rows nationally, so connect holds them in memory). Named queries that
-- show no School rows read this part, so their plans never bind the School file.
SELECT *
FROM disclosed_area_measure_year
WHERE level <> 'School'
ORDER BY level, measure, time_period, area  -- clusters rows for row-group skipping
