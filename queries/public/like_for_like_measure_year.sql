-- materialized: table
-- (computed once by the ETL: a few thousand rows nationally, read twice by every
-- like-for-like trend)
-- Public: every partnership's figures with today's schools in every year (like for
-- like), suppressed by the same rules as area_measure_year, primary and complementary
-- (a like-for-like figure minus the partnership's own minus the schools that joined or
-- left would give a hidden school back: those equations are in queries/complementary.py).
WITH checked AS (
    SELECT
        *,
        measure_is_suppressed(kind, numerator, denominator)
            OR all_withheld(n_schools + n_withheld, n_schools + n_schools_missing) AS primary_hidden
    FROM int_like_for_like_measure_year
),

hide AS (
    SELECT DISTINCT h.area, h.time_period, m.measure
    FROM int_complementary_cells AS h
    JOIN measures AS m ON m.numerator_label = h.family
    WHERE h.tbl = 'lfl'
),

final AS (
    SELECT
        c.level,
        c.area,
        c.time_period,
        period_label(c.time_period) AS year,
        c.measure,
        c.primary_hidden OR h.measure IS NOT NULL AS suppressed,
        CASE WHEN c.primary_hidden OR h.measure IS NOT NULL THEN NULL
            ELSE suppress_measure(c.kind, c.multiplier, c.numerator, c.denominator) END AS value,
        CASE WHEN c.primary_hidden OR h.measure IS NOT NULL THEN NULL ELSE c.numerator END
            AS numerator,
        CASE WHEN c.primary_hidden OR h.measure IS NOT NULL THEN NULL ELSE c.denominator END
            AS denominator,
        NOT (c.primary_hidden OR h.measure IS NOT NULL) AND c.n_withheld > 0 AS estimated,
        c.n_schools,
        c.n_schools_missing
    FROM checked AS c
    LEFT JOIN hide AS h
        ON h.area = c.area AND h.time_period = c.time_period AND h.measure = c.measure
)

SELECT * FROM final
