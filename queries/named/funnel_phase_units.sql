-- School funnel inputs for one phase (like with like): each school of $phase in one year
-- (optionally only those in one locality), plus the target: the rate over ALL the
-- council's schools of that phase (is_county TRUE), from phase_measure_year (suppressed
-- there). A phase with no schools that year still has its County row, suppressed.
WITH county AS (
    -- one row even when the phase has no schools that year (then 0 schools)
    SELECT
        p.value,
        coalesce(p.suppressed, true) AS suppressed,
        p.numerator,
        p.denominator,
        coalesce(p.n_schools, 0) AS n_schools,
        coalesce(p.n_schools_missing, 0) AS n_schools_missing
    FROM (SELECT 1) AS one
    LEFT JOIN phase_measure_year AS p
        ON p.measure = $measure AND p.time_period = $time_period AND p.phase = $phase
    -- no County row for a measure outside the catalogue (as no school rows)
    SEMI JOIN measures AS m ON m.measure = $measure
)
SELECT
    true AS is_county,
    'County' AS level,
    council_name() AS area,
    council_name() AS area_name,
    region_name() AS parent_area,
    CAST(NULL AS VARCHAR) AS locality,
    $time_period AS time_period,
    period_label($time_period) AS year,
    $measure AS measure,
    value,
    suppressed,
    numerator,
    denominator,
    n_schools,
    n_schools_missing
FROM county
UNION ALL
SELECT
    false AS is_county,
    a.level,
    a.area,
    a.area_name,
    a.parent_area,
    a.locality,
    a.time_period,
    a.year,
    a.measure,
    a.value,
    a.suppressed,
    a.numerator,
    a.denominator,
    a.n_schools,
    a.n_schools_missing
FROM area_measure_year AS a
JOIN school_year AS y ON y.time_period = a.time_period AND y.urn = a.urn
WHERE a.level = 'School'
    AND a.measure = $measure
    AND a.time_period = $time_period
    AND a.urn IS NOT NULL
    AND y.phase = $phase
    AND ($locality IS NULL OR a.locality = $locality)
ORDER BY is_county DESC, area_name, area
