-- materialized: table
-- (computed once by the ETL, stored sorted so filtered reads skip row groups:
-- pages read one area's years)
-- Public: exclusions per level, area and year, wide (one row per area-year).
-- A pivot of area_measure_year, so every number is already suppressed and equals
-- the matching catalogue measure: counts are summed over schools where published;
-- rates are 100 * sum(numerator) / sum(headcount) over schools where both are
-- published (per 100 pupils). headcount is the exclusions publication's roll.
-- n_schools / n_schools_missing: the most schools used / withheld for any column.
-- A measure with no rows that year (pupils suspended at least once, in a year summed
-- from terms) is NULL and not suppressed: there is no figure.
SELECT
    level,
    area,
    urn,
    area_name,
    parent_area,
    time_period,
    year,
    CAST(max(value) FILTER (WHERE measure = 'exclusions_headcount') AS BIGINT) AS headcount,
    coalesce(bool_or(suppressed) FILTER (WHERE measure = 'exclusions_headcount'), false) AS headcount_suppressed,
    -- counts rounded to whole numbers: an estimate (a share of withheld cells) may not be
    CAST(round(max(value) FILTER (WHERE measure = 'perm_excl')) AS BIGINT) AS perm_excl,
    coalesce(bool_or(suppressed) FILTER (WHERE measure = 'perm_excl'), false) AS perm_excl_suppressed,
    CAST(round(max(value) FILTER (WHERE measure = 'susp')) AS BIGINT) AS susp,
    coalesce(bool_or(suppressed) FILTER (WHERE measure = 'susp'), false) AS susp_suppressed,
    CAST(round(max(value) FILTER (WHERE measure = 'one_plus_susp')) AS BIGINT) AS one_plus_susp,
    coalesce(bool_or(suppressed) FILTER (WHERE measure = 'one_plus_susp'), false) AS one_plus_susp_suppressed,
    max(value) FILTER (WHERE measure = 'perm_excl_rate') AS perm_excl_rate,
    coalesce(bool_or(suppressed) FILTER (WHERE measure = 'perm_excl_rate'), false) AS perm_excl_rate_suppressed,
    max(value) FILTER (WHERE measure = 'susp_rate') AS susp_rate,
    coalesce(bool_or(suppressed) FILTER (WHERE measure = 'susp_rate'), false) AS susp_rate_suppressed,
    max(value) FILTER (WHERE measure = 'one_plus_susp_rate') AS one_plus_susp_rate,
    coalesce(bool_or(suppressed) FILTER (WHERE measure = 'one_plus_susp_rate'), false)
        AS one_plus_susp_rate_suppressed,
    max(n_schools) AS n_schools,
    max(n_schools_missing) AS n_schools_missing,
    -- honest totals: a figure with withheld school cells is an estimate within a range;
    -- the county's figures are the DfE's own LA figures where published
    coalesce(bool_or(estimated) FILTER (WHERE measure = 'perm_excl'), false) AS perm_excl_estimated,
    max(value_low) FILTER (WHERE measure = 'perm_excl') AS perm_excl_low,
    max(value_high) FILTER (WHERE measure = 'perm_excl') AS perm_excl_high,
    coalesce(bool_or(estimated) FILTER (WHERE measure = 'susp'), false) AS susp_estimated,
    max(value_low) FILTER (WHERE measure = 'susp') AS susp_low,
    max(value_high) FILTER (WHERE measure = 'susp') AS susp_high,
    coalesce(bool_or(estimated) FILTER (WHERE measure = 'one_plus_susp'), false)
        AS one_plus_susp_estimated,
    max(value_low) FILTER (WHERE measure = 'one_plus_susp') AS one_plus_susp_low,
    max(value_high) FILTER (WHERE measure = 'one_plus_susp') AS one_plus_susp_high,
    coalesce(bool_or(estimated) FILTER (WHERE measure = 'perm_excl_rate'), false)
        AS perm_excl_rate_estimated,
    max(value_low) FILTER (WHERE measure = 'perm_excl_rate') AS perm_excl_rate_low,
    max(value_high) FILTER (WHERE measure = 'perm_excl_rate') AS perm_excl_rate_high,
    coalesce(bool_or(estimated) FILTER (WHERE measure = 'susp_rate'), false) AS susp_rate_estimated,
    max(value_low) FILTER (WHERE measure = 'susp_rate') AS susp_rate_low,
    max(value_high) FILTER (WHERE measure = 'susp_rate') AS susp_rate_high,
    coalesce(bool_or(estimated) FILTER (WHERE measure = 'one_plus_susp_rate'), false)
        AS one_plus_susp_rate_estimated,
    max(value_low) FILTER (WHERE measure = 'one_plus_susp_rate') AS one_plus_susp_rate_low,
    max(value_high) FILTER (WHERE measure = 'one_plus_susp_rate') AS one_plus_susp_rate_high,
    coalesce(bool_or(dfe_la_figure) FILTER (WHERE measure = 'perm_excl'), false) AS dfe_la_figure,
    max(schools_numerator) FILTER (WHERE measure = 'perm_excl') AS perm_excl_schools,
    max(schools_numerator) FILTER (WHERE measure = 'susp') AS susp_schools,
    max(n_withheld) FILTER (WHERE measure = 'perm_excl') AS perm_excl_withheld,
    max(n_withheld) FILTER (WHERE measure = 'susp') AS susp_withheld
FROM area_measure_year
WHERE measure IN (
    'exclusions_headcount', 'perm_excl', 'susp', 'one_plus_susp',
    'perm_excl_rate', 'susp_rate', 'one_plus_susp_rate'
)
GROUP BY level, area, urn, area_name, parent_area, time_period, year
ORDER BY level, area, time_period  -- clusters rows for row-group skipping
