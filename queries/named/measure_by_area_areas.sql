-- measure_by_area.sql for every level but School (queries.measure_by_area picks it): the
-- same query reading only area_measure_year_areas (area_measure_year without its
-- School rows: the same suppressed rows, held in memory), so its plan never binds the
-- millions of School rows. Keep the two files in step (tests/test_query_layer.py checks
-- they agree).
SELECT
    false AS is_reference,
    level, area, area_name, parent_area, locality, time_period, year, measure,
    value, suppressed, numerator, denominator, n_schools, n_schools_missing, coverage_percent, estimated, value_low, value_high, n_withheld, dfe_la_figure
FROM area_measure_year_areas
WHERE level = $level
    AND measure = $measure
    AND time_period = $time_period
    AND ($parent IS NULL OR parent_area = $parent)
UNION ALL
SELECT
    true AS is_reference,
    a.level, a.area, a.area_name, a.parent_area, a.locality, a.time_period, a.year, a.measure,
    a.value, a.suppressed, a.numerator, a.denominator, a.n_schools, a.n_schools_missing,
    a.coverage_percent, a.estimated, a.value_low, a.value_high, a.n_withheld, a.dfe_la_figure
FROM reference_area_measure_year AS a
WHERE a.measure = $measure
    AND a.time_period = $time_period
    AND a.level <> $level
ORDER BY is_reference, value DESC NULLS LAST, area_name, area
