-- Exclusions in one year for every area at a level within a parent area (the
-- partnerships of a locality, the schools of a partnership; NULL = all), from the
-- public exclusion_trend view, so every number is already suppressed.
-- parent_area: School -> its partnership, Partnership -> its locality,
-- Locality -> the county.
SELECT *
FROM exclusion_trend
WHERE level = $level
    AND time_period = $time_period
    AND ($parent IS NULL OR parent_area = $parent)
ORDER BY area_name, area
