-- Public, no figures: each LA the DfE's benchmarks carry rows for, with how many
-- measures and years (counts of rows, not of pupils), so the Statistical comparisons
-- page can say which configured statistical neighbours are missing (comparator_coverage).
SELECT
    CAST(old_la_code AS INTEGER) AS old_la_code,
    min(area_name) AS area_name,
    count(DISTINCT measure) AS n_measures,
    count(DISTINCT time_period) AS n_years
FROM benchmarks
WHERE geographic_level = 'Local authority'
GROUP BY old_la_code
