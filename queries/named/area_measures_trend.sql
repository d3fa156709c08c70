-- Every catalogue measure over the years for one area (Locality, Partnership or County),
-- with the county's and England's figures beside it: the data packs read this once
-- instead of area_measure_trend once per measure. Suppressed like area_measure_year.
-- Reads area_measure_year_areas: the rows of area_measure_year for every level but
-- School (the same suppressed rows, held in memory), so no query plan binds the
-- millions of School rows it never returns.
SELECT
    NOT (level = $level AND area = $area) AS is_reference,
    level,
    area,
    measure,
    time_period,
    year,
    value,
    suppressed,
    numerator,
    denominator,
    estimated,
    value_low,
    value_high,
    n_withheld,
    dfe_la_figure
FROM area_measure_year_areas
WHERE level IN ('Locality', 'Partnership', 'County', 'National')
    AND ((level = $level AND area = $area) OR (level IN ('County', 'National') AND level <> $level))
ORDER BY is_reference, level, measure, time_period
