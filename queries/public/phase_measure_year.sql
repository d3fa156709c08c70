-- Public: the council's schools of each phase summed per measure and year (the target of
-- a phase's school funnel: funnel_phase_units), suppressed by the same rules as every
-- catalogue measure in area_measure_year (the thresholds, and a figure whose every
-- school's cell was withheld). A phase with no schools in a year has no row.
-- Read from int_phase_measure_year: a few thousand rows held in memory.
WITH checked AS (
    SELECT
        s.*,
        m.kind,
        m.multiplier,
        measure_is_suppressed(m.kind, s.numerator, s.denominator)
            OR all_withheld(s.n_schools, s.n_schools + s.n_schools_missing) AS suppressed
    FROM int_phase_measure_year AS s
    JOIN measures AS m ON m.measure = s.measure
)

SELECT
    measure,
    time_period,
    period_label(time_period) AS year,
    phase,
    CASE WHEN suppressed THEN NULL
        ELSE suppress_measure(kind, multiplier, numerator, denominator) END AS value,
    suppressed,
    CASE WHEN suppressed THEN NULL ELSE numerator END AS numerator,
    CASE WHEN suppressed THEN NULL ELSE denominator END AS denominator,
    n_schools,
    n_schools_missing
FROM checked
