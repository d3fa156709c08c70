-- materialized: table
-- Internal: the council's schools of each phase summed per measure and year (the
-- target of a phase's school funnel). UNSUPPRESSED: phase_measure_year suppresses it.
-- A few thousand rows held in memory, where summing int_school_measure_year on each
-- query read two 122,880-row groups nationally.
SELECT
    s.measure,
    s.time_period,
    s.phase,
    sum(s.numerator) FILTER (WHERE s.is_known) AS numerator,
    sum(s.denominator) FILTER (WHERE s.is_known) AS denominator,
    count(*) FILTER (WHERE s.is_known) AS n_schools,
    count(*) FILTER (WHERE NOT s.is_known) AS n_schools_missing
FROM int_school_measure_year AS s
WHERE s.phase IS NOT NULL
GROUP BY s.measure, s.time_period, s.phase
ORDER BY s.measure, s.time_period, s.phase
