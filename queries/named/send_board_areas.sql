-- The SEND board's figures: every measure the DfE publishes only for LAs, regions and
-- England (EHC plans, SEN2), for every LA (the neighbour sets change by year, and the
-- board ranks the council among them), each region and England, every year. Published
-- figures, shown as published (int_checked_area_measure_year).
WITH board AS (
    SELECT measure FROM measures WHERE area_only
),

final AS (
    SELECT
        a.level,
        a.area_code,
        a.old_la_code,
        a.area_name,
        a.measure,
        a.time_period,
        a.year,
        a.value,
        a.numerator,
        a.denominator,
        a.suppressed
    FROM area_measure_year_areas AS a
    JOIN board AS b ON b.measure = a.measure
    WHERE a.level IN ('LA', 'Regional', 'National')
)

SELECT * FROM final
ORDER BY measure, time_period, level, area_name
