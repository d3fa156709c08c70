-- Exclusions by school phase for one area (one year, or every year when $time_period is NULL).
SELECT *
FROM exclusions_by_phase
WHERE level = $level
    AND area = $area
    AND ($time_period IS NULL OR time_period = $time_period)
ORDER BY time_period, phase_order, phase
