-- materialized: table
-- Internal: the rows of area_measure_year for every level but School (SUPPRESSED;
-- tens of thousands of rows nationally, so connect holds them in memory).
SELECT *
FROM int_disclosed_area_measure_year
WHERE level <> 'School'
ORDER BY level, measure, time_period, area  -- clusters rows for row-group skipping
