-- Exclusions for one area within one characteristic group (one year or all).
SELECT *
FROM exclusions_by_characteristic
WHERE level = $level
    AND area = $area
    AND characteristic_group = $characteristic_group
    AND ($time_period IS NULL OR time_period = $time_period)
ORDER BY time_period, characteristic
