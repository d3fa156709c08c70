-- materialized: table
-- (computed once by the ETL, stored sorted so filtered reads skip row groups:
-- every measure, area and year: pages filter by level, measure and year)
-- Public: every catalogue measure for every area and year, suppressed.
-- level: School (area = URN as text, urn = URN, area_name = school name), Partnership,
-- Locality, County (schools in the council's warehouse), and the DfE's
-- National / Regional / LA figures from benchmarks.
-- value: rate/mean = multiplier * numerator / denominator; count/amount = numerator.
-- suppressed: hidden by the thresholds (see _suppression.sql), or every school
-- in the area had its source cell withheld. numerator and denominator are NULL
-- whenever value is hidden, so no unsuppressed small number leaks.
-- n_schools: schools whose figures were used; n_schools_missing: schools with a
-- row but a withheld source cell, left out of both sums.
WITH checked AS (
    SELECT
        i.*,
        m.kind,
        m.multiplier,
        measure_is_suppressed(m.kind, i.numerator, i.denominator)
            OR all_withheld(i.n_schools, i.n_schools + i.n_schools_missing) AS suppressed
    FROM int_area_measure_year AS i
    JOIN measures AS m ON m.measure = i.measure
)
SELECT
    level,
    area,
    urn,
    area_name,
    parent_area,
    locality,
    area_code,
    old_la_code,
    time_period,
    period_label(time_period) AS year,
    measure,
    CASE WHEN suppressed THEN NULL ELSE numerator END AS numerator,
    CASE WHEN suppressed THEN NULL ELSE denominator END AS denominator,
    CASE WHEN suppressed THEN NULL
        ELSE suppress_measure(kind, multiplier, numerator, denominator) END AS value,
    suppressed,
    n_schools,
    n_schools_missing,
    CASE WHEN n_schools + n_schools_missing > 0
        THEN 100.0 * n_schools / (n_schools + n_schools_missing) END AS coverage_percent
FROM checked
ORDER BY level, measure, time_period, area  -- clusters rows for row-group skipping
