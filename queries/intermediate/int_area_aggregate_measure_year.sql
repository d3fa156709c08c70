-- materialized: table
-- Internal: every measure for every Partnership, Locality and County and year,
-- summed from the schools. UNSUPPRESSED.
-- Materialised as a table when the connection opens (the header line above;
-- queries.connect(materialize=False) keeps it a view): it is small (areas x
-- years x measures, ~600k rows nationally) and every comparison page reads it,
-- whereas recomputing the county from every school on each query costs tens of
-- milliseconds at national scale.
-- Rates are built from sums (sum of numerators / sum of denominators), never averages
-- of school rates. numerator: the sum of the schools' published numerators. A school
-- whose numerator was withheld (is_withheld) keeps its denominator in the sum and adds
-- its range to withheld_low / withheld_high (NULL high: no upper bound), so the area's
-- figure is a range, estimated in int_checked_area_measure_year; a school with any
-- other missing cell is left out of both sums. n_schools_missing counts both kinds.
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
    sum(f.denominator) FILTER (WHERE f.is_known OR f.is_withheld) AS denominator,
    count(*) FILTER (WHERE f.is_known) AS n_schools,
    count(*) FILTER (WHERE NOT f.is_known) AS n_schools_missing,
    count(*) FILTER (WHERE f.is_withheld) AS n_withheld,
    sum(f.withheld_low) FILTER (WHERE f.is_withheld) AS withheld_low,
    CASE WHEN bool_and(f.withheld_high IS NOT NULL) FILTER (WHERE f.is_withheld)
        THEN sum(f.withheld_high) FILTER (WHERE f.is_withheld) END AS withheld_high
FROM int_school_measure_year AS f
JOIN int_school_area AS a ON a.time_period = f.time_period AND a.urn = f.urn
WHERE a.level <> 'School'  -- one row per school already: int_area_measure_year reads those directly
GROUP BY a.level, a.area, f.time_period, f.measure
ORDER BY a.level, a.area, f.measure, f.time_period  -- clusters rows for zone-map skipping
