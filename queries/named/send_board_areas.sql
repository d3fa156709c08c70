-- The SEND board's figures: every measure the DfE publishes only for LAs, regions and
-- England (EHC plans, SEN2; suspensions by SEN provision), for every LA (the neighbour sets
-- change by year, and the board ranks the council among them), each region and England,
-- every year: published figures, shown as published. And the council-held board measures
-- (part-time timetables, alternative provision: no publication exists), as the council's
-- own LA row: its county figure, summed from its schools and suppressed like every other.
WITH board AS (
    SELECT measure, area_only FROM measures WHERE on_board
),

published AS (
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
    JOIN board AS b ON b.measure = a.measure AND b.area_only
    WHERE a.level IN ('LA', 'Regional', 'National')
),

council_held AS (
    SELECT
        'LA' AS level,
        s.new_la_code AS area_code,
        s.old_la_code,
        s.council_name AS area_name,
        a.measure,
        a.time_period,
        a.year,
        a.value,
        a.numerator,
        a.denominator,
        a.suppressed
    FROM area_measure_year_areas AS a
    JOIN board AS b ON b.measure = a.measure AND NOT b.area_only
    CROSS JOIN settings AS s
    WHERE a.level = 'County'
),

final AS (
    SELECT * FROM published
    UNION ALL
    SELECT * FROM council_held
)

SELECT * FROM final
ORDER BY measure, time_period, level, area_name
