-- Every measure for one partnership in one year beside its locality (the one the
-- partnership belonged to that year), the county and England. All figures come
-- from area_measure_year, so every value is already suppressed.
-- For rates and means: difference_locality / difference = partnership minus
-- locality / county, in the measure's unit (percentage points for % measures).
-- For counts and money a difference means nothing, so percent_of_locality and
-- percent_of_county give the partnership's share of the total instead.
-- Reads area_measure_year_areas: the rows of area_measure_year for every level but
-- School (the same suppressed rows, held in memory), so no query plan binds the
-- millions of School rows it never returns.
WITH partnership AS (
    SELECT *
    FROM area_measure_year_areas
    WHERE level = 'Partnership' AND area = $partnership AND time_period = $time_period
),
reference AS (
    SELECT
        measure,
        max(value) FILTER (WHERE level = 'Locality') AS locality_value,
        bool_or(suppressed) FILTER (WHERE level = 'Locality') AS locality_suppressed,
        max(value) FILTER (WHERE level = 'County') AS county_value,
        bool_or(suppressed) FILTER (WHERE level = 'County') AS county_suppressed,
        max(value) FILTER (WHERE level = 'National') AS national_value
    FROM area_measure_year_areas
    WHERE time_period = $time_period
        AND (
            level IN ('County', 'National')
            OR (level = 'Locality' AND area = (SELECT any_value(parent_area) FROM partnership))
        )
    GROUP BY measure
)
SELECT
    p.area AS partnership,
    p.parent_area AS locality,
    p.time_period,
    p.year,
    p.measure,
    m.label,
    m.subject,
    m.kind,
    m.unit,
    m.higher_is,
    p.value,
    p.denominator,
    p.suppressed,
    p.n_schools,
    p.n_schools_missing,
    p.coverage_percent, p.estimated, p.value_low, p.value_high, p.n_withheld, p.dfe_la_figure,
    r.locality_value,
    coalesce(r.locality_suppressed, false) AS locality_suppressed,
    r.county_value,
    coalesce(r.county_suppressed, false) AS county_suppressed,
    r.national_value,
    CASE WHEN m.kind IN ('rate', 'mean') THEN p.value - r.locality_value END
        AS difference_locality,
    CASE WHEN m.kind IN ('rate', 'mean') THEN p.value - r.county_value END AS difference,
    CASE WHEN m.kind IN ('count', 'amount') AND r.locality_value > 0
        THEN 100 * p.value / r.locality_value END AS percent_of_locality,
    CASE WHEN m.kind IN ('count', 'amount') AND r.county_value > 0
        THEN 100 * p.value / r.county_value END AS percent_of_county
FROM partnership AS p
JOIN measures AS m ON m.measure = p.measure
LEFT JOIN reference AS r ON r.measure = p.measure
ORDER BY m.sort_order
