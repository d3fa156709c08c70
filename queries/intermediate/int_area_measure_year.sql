-- Internal: every measure for every area (School, Partnership, Locality, County)
-- and year, plus the DfE's own National / Regional / LA figures. UNSUPPRESSED.
-- urn is set for School rows only (area is the URN as text: names are not
-- unique); queries filter on it too so the filter reaches the Parquet scans.
-- Schools need no GROUP BY (one row each), so a filter on one school stays cheap.
-- numerator: the published sum; n_withheld / withheld_low / withheld_high: the cells the
-- publisher withheld and the range they stand for (see int_area_aggregate_measure_year).
SELECT
    'School' AS level,
    CAST(urn AS VARCHAR) AS area,
    urn,
    school_name AS area_name,
    partnership AS parent_area,
    locality,
    CAST(NULL AS VARCHAR) AS area_code,
    CAST(NULL AS INTEGER) AS old_la_code,
    time_period,
    measure,
    CASE WHEN is_known THEN numerator END AS numerator,
    CASE WHEN is_known OR is_withheld THEN denominator END AS denominator,
    CAST(is_known AS BIGINT) AS n_schools,
    CAST(NOT is_known AS BIGINT) AS n_schools_missing,
    CAST(is_withheld AS BIGINT) AS n_withheld,
    withheld_low,
    withheld_high
FROM int_school_measure_year
UNION ALL
SELECT
    level,
    area,
    CAST(NULL AS INTEGER) AS urn,
    area AS area_name,
    parent_area,
    locality,
    CAST(NULL AS VARCHAR) AS area_code,
    CAST(NULL AS INTEGER) AS old_la_code,
    time_period,
    measure,
    numerator,
    denominator,
    n_schools,
    n_schools_missing,
    n_withheld,
    withheld_low,
    withheld_high
FROM int_area_aggregate_measure_year
UNION ALL
-- Published benchmarks: level 'LA' for the DfE's 'Local authority' rows.
SELECT
    CASE geographic_level WHEN 'Local authority' THEN 'LA' ELSE geographic_level END AS level,
    area_name AS area,
    CAST(NULL AS INTEGER) AS urn,
    area_name,
    CASE geographic_level WHEN 'Regional' THEN 'England' END AS parent_area,
    CAST(NULL AS VARCHAR) AS locality,
    area_code,
    CAST(old_la_code AS INTEGER) AS old_la_code,
    time_period,
    measure,
    numerator,
    denominator,
    CAST(NULL AS BIGINT) AS n_schools,
    CAST(NULL AS BIGINT) AS n_schools_missing,
    CAST(NULL AS BIGINT) AS n_withheld,
    CAST(NULL AS DOUBLE) AS withheld_low,
    CAST(NULL AS DOUBLE) AS withheld_high
FROM benchmarks
WHERE geographic_level IN ('National', 'Regional', 'Local authority')
