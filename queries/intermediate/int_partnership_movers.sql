-- Internal: the schools by which a partnership's year differs from its schools of the
-- latest year ("today"): today's schools that were elsewhere (or nowhere) that year, and
-- that year's schools gone since. One row per partnership, year and school. Read by the
-- like-for-like figures (the years that need one) and by complementary suppression
-- (today's schools = that year's schools +/- these).
WITH today AS (
    SELECT partnership, urn
    FROM school_year
    WHERE time_period = (SELECT max(time_period) FROM school_year)
        AND partnership IS NOT NULL
),

final AS (
    SELECT t.partnership, y.time_period, y.urn
    FROM today AS t
    JOIN school_year AS y ON y.urn = t.urn
    WHERE y.partnership IS DISTINCT FROM t.partnership
    UNION
    SELECT y.partnership, y.time_period, y.urn
    FROM school_year AS y
    LEFT JOIN today AS t ON t.urn = y.urn AND t.partnership = y.partnership
    WHERE y.partnership IS NOT NULL AND t.urn IS NULL
)

SELECT * FROM final
