-- Headline measures, one row per school and year, filtered by any argument.
SELECT *
FROM school_profile
WHERE ($urn IS NULL OR urn = $urn)
    AND ($time_period IS NULL OR time_period = $time_period)
    AND ($partnership IS NULL OR partnership = $partnership)
    AND ($locality IS NULL OR locality = $locality)
ORDER BY school_name, urn, time_period
