-- materialized: table
-- (computed once by the ETL, stored sorted so filtered reads skip row groups:
-- pages read one locality and year)
-- Public: every measure for each locality and year beside the county (the
-- council's own schools), the council's region, the DfE's figure for the LA and
-- England. Built from area_measure_year, so every value is already suppressed.
-- For rates and means: difference = locality - county in the measure's unit
-- (percentage points for % measures), difference_national likewise, and
-- compared_with_county reads the difference through the measure's higher_is:
-- 'better', 'worse', 'same', or NULL (neutral measures, hidden values).
-- For counts and money a difference from the whole county means nothing, so
-- percent_of_county gives the locality's share of the county total instead.
WITH reference AS (
    -- One row per year and measure; the filters pick the council's own region/LA.
    SELECT
        time_period,
        measure,
        max(value) FILTER (WHERE level = 'County') AS county_value,
        bool_or(suppressed) FILTER (WHERE level = 'County') AS county_suppressed,
        max(value) FILTER (WHERE level = 'Regional') AS regional_value,
        max(value) FILTER (WHERE level = 'LA') AS la_value,
        max(value) FILTER (WHERE level = 'National') AS national_value
    FROM area_measure_year
    WHERE level = 'County'
        OR level = 'National'
        OR (level = 'Regional' AND (area_code = region_code() OR area = region_name()))
        OR (level = 'LA' AND (old_la_code = old_la_code() OR area_code = new_la_code()))
    GROUP BY time_period, measure
)
SELECT
    l.area AS locality,
    l.time_period,
    l.year,
    l.measure,
    m.sort_order,
    m.label,
    m.subject,
    m.kind,
    m.unit,
    m.higher_is,
    l.value,
    l.denominator,
    l.suppressed,
    l.n_schools,
    l.n_schools_missing,
    l.coverage_percent,
    l.estimated,
    l.value_low,
    l.value_high,
    l.n_withheld,
    r.county_value,
    coalesce(r.county_suppressed, false) AS county_suppressed,
    r.regional_value,
    r.la_value,
    r.national_value,
    CASE WHEN m.kind IN ('rate', 'mean') THEN l.value - r.county_value END AS difference,
    CASE WHEN m.kind IN ('rate', 'mean') THEN l.value - r.national_value END
        AS difference_national,
    CASE
        WHEN m.kind NOT IN ('rate', 'mean') OR m.higher_is = 'neutral' THEN NULL
        WHEN l.value IS NULL OR r.county_value IS NULL THEN NULL
        WHEN l.value = r.county_value THEN 'same'
        WHEN (l.value > r.county_value) = (m.higher_is = 'better') THEN 'better'
        ELSE 'worse'
    END AS compared_with_county,
    CASE WHEN m.kind IN ('count', 'amount') AND r.county_value > 0
        THEN 100 * l.value / r.county_value END AS percent_of_county
FROM area_measure_year AS l
JOIN measures AS m ON m.measure = l.measure
LEFT JOIN reference AS r ON r.time_period = l.time_period AND r.measure = l.measure
WHERE l.level = 'Locality'
ORDER BY l.locality, l.time_period  -- clusters rows for row-group skipping
