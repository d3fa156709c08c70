-- One measure in one year for every area at a level (optionally within a
-- parent area), ranked, followed by the reference rows: County, England, the
-- council's region and its DfE LA figure (reference_area_measure_year: rows of
-- area_measure_year without its School rows, the same suppressed rows, held in memory).
-- For any level but School, queries.measure_by_area runs measure_by_area_areas.sql
-- instead: the same query never binding the School rows.
-- Ties in value and name are ordered by area, so the order is the same on every run.
SELECT
    false AS is_reference,
    level, area, area_name, parent_area, locality, time_period, year, measure,
    value, suppressed, numerator, denominator, n_schools, n_schools_missing, coverage_percent, estimated, value_low, value_high, n_withheld, dfe_la_figure
FROM area_measure_year
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
