-- For every catalogue measure, the years with figures for the council's schools
-- (a County row exists: at least one school reported, even if withheld) and the
-- years with published England figures (from the benchmarks table).
-- Reads area_measure_year_areas: the rows of area_measure_year for every level but
-- School (the same suppressed rows, held in memory), so no query plan binds the
-- millions of School rows it never returns.
SELECT
    m.measure,
    min(a.time_period) FILTER (WHERE a.level = 'County') AS first_period,
    max(a.time_period) FILTER (WHERE a.level = 'County') AS last_period,
    count(DISTINCT a.time_period) FILTER (WHERE a.level = 'County') AS n_years,
    string_agg(DISTINCT a.year, ', ' ORDER BY a.year) FILTER (WHERE a.level = 'County') AS years,
    string_agg(DISTINCT a.year, ', ' ORDER BY a.year) FILTER (WHERE a.level = 'National')
        AS england_years
FROM measures AS m
LEFT JOIN area_measure_year_areas AS a
    ON a.measure = m.measure AND a.level IN ('County', 'National')
GROUP BY m.measure, m.sort_order
ORDER BY m.sort_order
