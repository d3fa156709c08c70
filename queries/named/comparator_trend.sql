-- The county against England, its region and its statistical neighbours (the DfE's
-- published Local authority rows for data/config.toml [council] comparator_old_la_codes)
-- for one measure over the years, plus the county as summed from its own schools.
-- role: 'County (DfE)', 'County (our schools)', 'England', 'Region', 'Statistical neighbour'.
-- Reads area_measure_year_areas: the rows of area_measure_year for every level but
-- School (the same suppressed rows, held in memory), so no query plan binds the
-- millions of School rows it never returns.
SELECT
    CASE
        WHEN level = 'County' THEN 'County (our schools)'
        WHEN level = 'National' THEN 'England'
        WHEN level = 'Regional' THEN 'Region'
        WHEN old_la_code = old_la_code() THEN 'County (DfE)'
        ELSE 'Statistical neighbour'
    END AS role,
    level,
    area_name,
    area_code,
    old_la_code,
    time_period,
    year,
    measure,
    value,
    suppressed,
    numerator,
    denominator
FROM area_measure_year_areas
WHERE measure = $measure
    AND (
        level IN ('County', 'National')
        OR (level = 'Regional' AND (area_code = region_code() OR area = region_name()))
        OR (level = 'LA' AND (
            old_la_code = old_la_code()
            OR area_code = new_la_code()
            OR list_contains(comparator_old_la_codes(), old_la_code)
        ))
    )
ORDER BY
    CASE role
        WHEN 'County (DfE)' THEN 1 WHEN 'County (our schools)' THEN 2
        WHEN 'England' THEN 3 WHEN 'Region' THEN 4 ELSE 5
    END,
    area_name,
    time_period
