-- materialized: table
-- Internal: every measure for every Partnership, Locality and County and year,
-- summed from the schools. UNSUPPRESSED.
-- Materialised as a table when the connection opens (the header line above;
-- queries.connect(materialize=False) keeps it a view): it is small (areas x
-- years x measures, ~600k rows nationally) and every comparison page reads it,
-- whereas recomputing the county from every school on each query costs tens of
-- milliseconds at national scale.
-- Rates are built from sums (sum of numerators / sum of denominators over the
-- schools where both are known), never averages of school rates.
SELECT
    a.level,
    a.area,
    -- A partnership whose schools sit in two localities (a membership data
    -- problem) is shown under the alphabetically first. min() not mode():
    -- DuckDB plans mode() as a separate subplan that stops filter pushdown.
    min(a.parent_area) AS parent_area,
    min(a.locality) AS locality,
    f.time_period,
    f.measure,
    sum(f.numerator) FILTER (WHERE f.is_known) AS numerator,
    sum(f.denominator) FILTER (WHERE f.is_known) AS denominator,
    count(*) FILTER (WHERE f.is_known) AS n_schools,
    count(*) FILTER (WHERE NOT f.is_known) AS n_schools_missing
FROM int_measure_fact AS f
JOIN int_school_area AS a ON a.time_period = f.time_period AND a.urn = f.urn
WHERE a.level <> 'School'  -- one row per school already: int_area_measure_year reads those directly
GROUP BY a.level, a.area, f.time_period, f.measure
ORDER BY a.level, a.area, f.measure, f.time_period  -- clusters rows for zone-map skipping
