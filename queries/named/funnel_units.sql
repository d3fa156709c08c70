-- Funnel plot inputs: one measure in one year for every area at a level (optionally
-- only the areas in one locality), plus the County row that sets the target.
-- Suppressed areas keep their row (value, numerator and denominator NULL) so the
-- page can say how many were left out without plotting them.
SELECT
    level = 'County' AS is_county,
    level,
    area,
    area_name,
    parent_area,
    locality,
    time_period,
    year,
    measure,
    value,
    suppressed,
    numerator,
    denominator,
    n_schools,
    n_schools_missing
FROM area_measure_year
WHERE measure = $measure
    AND time_period = $time_period
    AND (
        (level = $level AND ($locality IS NULL OR locality = $locality))
        OR level = 'County'
    )
ORDER BY is_county DESC, area_name, area
