-- Public: the schools that joined or left each partnership and locality, year by year
-- (membership as at each January census, school_year). A trend of an area "as it was each
-- year" moves when its schools change: pages and packs say so beside it.
-- change: 'joined' (in the area this year, not the year before: moved in or opened) or
-- 'left' (the other way: moved out or closed). pupils: the school's pupils on roll in the
-- year it joined, or the last year it was in the area (suppressed like any count).
WITH years AS (
    SELECT time_period, lag(time_period) OVER (ORDER BY time_period) AS previous
    FROM (SELECT DISTINCT time_period FROM school_year)
),

membership AS (
    SELECT time_period, urn, school_name, 'Partnership' AS level, partnership AS area
    FROM school_year
    WHERE partnership IS NOT NULL
    UNION ALL
    SELECT time_period, urn, school_name, 'Locality', locality
    FROM school_year
    WHERE locality IS NOT NULL
),

joined AS (
    SELECT m.level, m.area, m.time_period, m.urn, m.school_name, 'joined' AS change,
        m.time_period AS pupils_year
    FROM membership AS m
    JOIN years AS y ON y.time_period = m.time_period AND y.previous IS NOT NULL
    LEFT JOIN membership AS before
        ON before.level = m.level AND before.area = m.area AND before.urn = m.urn
        AND before.time_period = y.previous
    WHERE before.urn IS NULL
),

left_area AS (
    SELECT m.level, m.area, y.time_period, m.urn, m.school_name, 'left' AS change,
        m.time_period AS pupils_year
    FROM membership AS m
    JOIN years AS y ON y.previous = m.time_period
    LEFT JOIN membership AS after
        ON after.level = m.level AND after.area = m.area AND after.urn = m.urn
        AND after.time_period = y.time_period
    WHERE after.urn IS NULL
),

final AS (
    SELECT
        c.level,
        c.area,
        c.time_period,
        period_label(c.time_period) AS year,
        c.urn,
        c.school_name,
        c.change,
        CAST(suppress_count(p.headcount) AS BIGINT) AS pupils,
        count_is_suppressed(p.headcount) AS pupils_suppressed
    FROM (SELECT * FROM joined UNION ALL SELECT * FROM left_area) AS c
    LEFT JOIN pupils AS p ON p.time_period = c.pupils_year AND p.urn = c.urn
)

SELECT * FROM final
