-- Internal: the body of area_measure_year (see there): every catalogue measure for
-- every area and year, SUPPRESSED. Stored in two parts (School rows and the rest) so
-- the small part can be held in memory and the large one read from sorted Parquet.
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
