-- Internal: every partnership's figures with TODAY's schools ("like for like") in each
-- year its schools differed from today's: the schools in the partnership in the latest
-- year, summed over that year, with withheld cells counted as in int_checked_area_measure_year (their
-- range, and the same estimate). UNSUPPRESSED: like_for_like_measure_year suppresses it.
-- The partnership's own figures ("as it was each year") are in area_measure_year.
WITH latest AS (
    SELECT max(time_period) AS time_period FROM school_year
),

today AS (
    SELECT y.partnership, y.urn
    FROM school_year AS y
    JOIN latest AS l ON l.time_period = y.time_period
    WHERE y.partnership IS NOT NULL
),

changed AS (
    -- the years in which a partnership's schools differ from today's: only those need a
    -- like-for-like figure (in the others it is the partnership's own, already published)
    SELECT DISTINCT partnership, time_period FROM int_partnership_movers
),

sums AS (
    SELECT
        t.partnership AS area,
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
    JOIN today AS t ON t.urn = f.urn
    JOIN changed AS c ON c.partnership = t.partnership AND c.time_period = f.time_period
    GROUP BY t.partnership, f.time_period, f.measure
),

final AS (
    SELECT
        'Partnership' AS level,
        s.area,
        s.time_period,
        s.measure,
        m.kind,
        m.multiplier,
        CASE WHEN s.n_withheld > 0
            THEN coalesce(s.numerator, 0) + s.n_withheld * c.withheld_each
            ELSE s.numerator END AS numerator,
        s.denominator,
        s.numerator AS schools_numerator,
        s.n_schools,
        s.n_schools_missing,
        s.n_withheld,
        CASE WHEN s.n_withheld > 0 THEN coalesce(s.numerator, 0) + s.withheld_low
            ELSE s.numerator END AS numerator_low,
        CASE WHEN s.n_withheld > 0 THEN coalesce(s.numerator, 0) + s.withheld_high
            ELSE s.numerator END AS numerator_high
    FROM sums AS s
    JOIN measures AS m ON m.measure = s.measure
    LEFT JOIN int_checked_area_measure_year AS c
        ON c.level = 'County' AND c.measure = s.measure AND c.time_period = s.time_period
)

SELECT * FROM final
