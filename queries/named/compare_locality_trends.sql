-- One measure over every year for every locality, with the county's and
-- England's series beside them (one call feeds small multiples and the
-- year-on-year change tiles). series is the label a chart shows: the locality's
-- name, or 'County' / 'England' for the references.
-- Reads area_measure_year_areas: the rows of area_measure_year for every level but
-- School (the same suppressed rows, held in memory), so no query plan binds the
-- millions of School rows it never returns.
SELECT
    CASE
        WHEN level = 'County' THEN 'County'
        WHEN level = 'National' THEN 'England'
        ELSE area_name
    END AS series,
    level <> 'Locality' AS is_reference,
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
    AND level IN ('Locality', 'County', 'National')
ORDER BY is_reference, level, area_name, time_period
