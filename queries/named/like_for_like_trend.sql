-- One partnership's figures for one measure with today's schools in every year: in a
-- year its schools differed from today's, the like-for-like figure (suppressed by the
-- same rules); in the others, the partnership's own figure (the same schools).
SELECT time_period, year, measure, value, suppressed, numerator, denominator, estimated,
    n_schools, true AS like_for_like
FROM like_for_like_measure_year
WHERE area = $partnership AND measure = $measure
UNION ALL
SELECT a.time_period, a.year, a.measure, a.value, a.suppressed, a.numerator, a.denominator,
    a.estimated, a.n_schools, false
FROM area_measure_year_areas AS a
WHERE a.level = 'Partnership' AND a.area = $partnership AND a.measure = $measure
    AND a.time_period NOT IN (
        SELECT time_period FROM like_for_like_measure_year
        WHERE area = $partnership AND measure = $measure
    )
ORDER BY time_period
