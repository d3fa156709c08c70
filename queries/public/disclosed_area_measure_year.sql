-- Public: int_checked_area_measure_year (the primary suppression) with the complementary
-- suppression applied (a cell in int_complementary_cells is hidden for every measure of
-- its family: the measures that share its numerator). The body of area_measure_year's
-- two stored parts (area_measure_year_areas, area_measure_year_schools).
WITH hide AS (
    SELECT DISTINCT h.level, h.area, h.time_period, m.measure
    FROM int_complementary_cells AS h
    JOIN measures AS m ON m.numerator_label = h.family
    WHERE h.tbl = 'area'
),

final AS (
    SELECT
        c.* EXCLUDE (withheld_each) REPLACE (
            CASE WHEN h.measure IS NULL THEN c.numerator END AS numerator,
            CASE WHEN h.measure IS NULL THEN c.denominator END AS denominator,
            CASE WHEN h.measure IS NULL THEN c.value END AS value,
            c.suppressed OR h.measure IS NOT NULL AS suppressed,
            c.estimated AND h.measure IS NULL AS estimated,
            CASE WHEN h.measure IS NULL THEN c.value_low END AS value_low,
            CASE WHEN h.measure IS NULL THEN c.value_high END AS value_high,
            CASE WHEN h.measure IS NULL THEN c.schools_numerator END AS schools_numerator
        )
    FROM int_checked_area_measure_year AS c
    LEFT JOIN hide AS h
        ON h.level = c.level AND h.area = c.area AND h.time_period = c.time_period
        AND h.measure = c.measure
)

SELECT * FROM final
