-- Each configured statistical neighbour (data/config.toml [council]
-- comparator_old_la_codes) and whether the benchmarks table holds any of its rows
-- (benchmark_coverage), so the page can say exactly which neighbours are missing.
WITH configured AS (
    SELECT unnest(comparator_old_la_codes()) AS old_la_code
)
SELECT
    c.old_la_code,
    p.area_name,
    coalesce(p.n_measures, 0) AS n_measures,
    coalesce(p.n_years, 0) AS n_years,
    p.old_la_code IS NOT NULL AS has_rows
FROM configured AS c
LEFT JOIN benchmark_coverage AS p ON p.old_la_code = c.old_la_code
ORDER BY c.old_la_code
