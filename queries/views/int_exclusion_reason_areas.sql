-- materialized: table
-- Internal: the Partnership, Locality and County rows of int_exclusion_reason_area_year
-- (UNSUPPRESSED; tens of thousands of rows nationally, so connect holds them in memory
-- while the millions of School rows stay in sorted Parquet). exclusions_by_reason reads
-- the two parts.
SELECT *
FROM int_exclusion_reason_area_year
WHERE level <> 'School'
ORDER BY level, area, time_period, reason
