-- Trend test inputs: one measure over every year for each area at a level (optionally
-- only the areas in one locality), plus the County. Suppressed years have NULL
-- numerator and denominator, so a trend test can only use published years.
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
    denominator
FROM area_measure_year
WHERE measure = $measure
    AND (
        (level = $level AND ($locality IS NULL OR locality = $locality))
        OR level = 'County'
    )
ORDER BY is_county DESC, area_name, area, time_period
