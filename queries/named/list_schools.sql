-- Schools in one year (default: the latest), optionally in a locality/partnership.
SELECT
    urn,
    school_name,
    phase,
    partnership,
    locality,
    lineage_urn,
    time_period,
    period_label(time_period) AS year
FROM school_year
WHERE time_period = coalesce($time_period, (SELECT max(time_period) FROM school_year))
    AND ($locality IS NULL OR locality = $locality)
    AND ($partnership IS NULL OR partnership = $partnership)
ORDER BY school_name, urn
