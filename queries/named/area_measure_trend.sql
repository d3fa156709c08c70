-- One measure for one area over the years; with $references, the county's and
-- England's series too. series is the label a chart legend shows.
-- The urn test repeats "area = $area" for schools in a form that reaches the
-- Parquet scans (area is the URN as text there); it is true for other levels.
-- Two branches (not one OR) so each reaches the sorted Parquet's row-group filters.
-- The references (County, England) come from area_measure_year_areas: the rows of
-- area_measure_year but School (the same suppressed rows, held in memory).
SELECT
    CASE
        WHEN level = 'County' THEN 'County'
        WHEN level = 'National' THEN 'England'
        ELSE area_name
    END AS series,
    NOT (level = $level AND area = $area) AS is_reference,
    level,
    area,
    area_name,
    time_period,
    year,
    measure,
    value,
    suppressed,
    numerator,
    denominator,
    n_schools,
    n_schools_missing,
    coverage_percent, estimated, value_low, value_high, n_withheld, dfe_la_figure
FROM area_measure_year
WHERE measure = $measure
    AND level = $level
    AND area = $area
    AND (level <> 'School' OR urn = TRY_CAST($area AS INTEGER))
UNION ALL
SELECT
    CASE
        WHEN level = 'County' THEN 'County'
        WHEN level = 'National' THEN 'England'
        ELSE area_name
    END AS series,
    NOT (level = $level AND area = $area) AS is_reference,
    level,
    area,
    area_name,
    time_period,
    year,
    measure,
    value,
    suppressed,
    numerator,
    denominator,
    n_schools,
    n_schools_missing,
    coverage_percent, estimated, value_low, value_high, n_withheld, dfe_la_figure
FROM area_measure_year_areas
WHERE measure = $measure
    AND $references
    AND level IN ('County', 'National')
    AND level <> $level
ORDER BY is_reference, level, time_period
