-- Exclusions for one area, oldest year first. For a school, the urn test lets
-- the filter reach the Parquet scans (area is the URN as text there).
SELECT * EXCLUDE (urn)
FROM exclusion_trend
WHERE level = $level
    AND area = $area
    AND (level <> 'School' OR urn = TRY_CAST($area AS INTEGER))
ORDER BY time_period
