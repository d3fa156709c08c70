-- materialized: table
-- Internal: the Partnership, Locality and County rows of int_sen_need_area_year
-- (UNSUPPRESSED; tens of thousands of rows nationally, so connect holds them in memory
-- while the millions of School rows stay in sorted Parquet). sen_need_profile reads the
-- two parts.
SELECT *
FROM int_sen_need_area_year
WHERE level <> 'School'
ORDER BY level, area, time_period, sen_provision, primary_need
