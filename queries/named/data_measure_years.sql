-- For every catalogue measure, the years with figures for the council's schools
-- (a County row exists: at least one school reported, even if withheld), or for a
-- measure published for LAs only the years the DfE published the council's figure, and
-- the years with published England figures (from the benchmarks table).
-- Reads area_measure_year_areas: the rows of area_measure_year for every level but
-- School (the same suppressed rows, held in memory), so no query plan binds the
-- millions of School rows it never returns.
SELECT
    m.measure,
    min(a.time_period) FILTER (WHERE own) AS first_period,
    max(a.time_period) FILTER (WHERE own) AS last_period,
    count(DISTINCT a.time_period) FILTER (WHERE own) AS n_years,
    string_agg(DISTINCT a.year, ', ' ORDER BY a.year) FILTER (WHERE own) AS years,
    string_agg(DISTINCT a.year, ', ' ORDER BY a.year) FILTER (WHERE a.level = 'National')
        AS england_years
FROM measures AS m
LEFT JOIN (
    SELECT
        *,
        level = 'County' OR (level = 'LA' AND old_la_code = old_la_code()) AS own
    FROM area_measure_year_areas
    WHERE level IN ('County', 'National', 'LA')
) AS a
    ON a.measure = m.measure AND (a.own OR a.level = 'National')
    AND (a.level <> 'LA' OR m.area_only)
GROUP BY m.measure, m.sort_order
ORDER BY m.sort_order
