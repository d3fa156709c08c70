-- materialized: table
-- Internal: exclusions by school phase per area and year. UNSUPPRESSED.
-- Materialised (the header line) like the other exclusions breakdowns: at national
-- scale it groups every school's row, too much to repeat on every page view.
-- Phase is the school's phase in that year (school_year). Each count pairs with
-- the headcount of the schools where both are published, exactly as the overall
-- rates in stg_measure_fact do, so the phases of an area add up to its total.
SELECT
    a.level,
    a.area,
    e.time_period,
    coalesce(y.phase, 'Unknown') AS phase,
    sum(e.headcount) AS headcount,
    count(e.headcount) AS headcount_known,
    sum(e.perm_excl) AS perm_excl,
    count(e.perm_excl) AS perm_excl_known,
    sum(e.susp) AS susp,
    count(e.susp) AS susp_known,
    sum(e.one_plus_susp) AS one_plus_susp,
    count(e.one_plus_susp) AS one_plus_susp_known,
    sum(e.perm_excl) FILTER (WHERE e.headcount IS NOT NULL) AS perm_excl_num,
    sum(e.headcount) FILTER (WHERE e.perm_excl IS NOT NULL) AS perm_excl_den,
    count(*) FILTER (WHERE e.perm_excl IS NOT NULL AND e.headcount IS NOT NULL) AS perm_excl_pairs,
    sum(e.susp) FILTER (WHERE e.headcount IS NOT NULL) AS susp_num,
    sum(e.headcount) FILTER (WHERE e.susp IS NOT NULL) AS susp_den,
    count(*) FILTER (WHERE e.susp IS NOT NULL AND e.headcount IS NOT NULL) AS susp_pairs,
    sum(e.one_plus_susp) FILTER (WHERE e.headcount IS NOT NULL) AS one_plus_susp_num,
    sum(e.headcount) FILTER (WHERE e.one_plus_susp IS NOT NULL) AS one_plus_susp_den,
    count(*) FILTER (WHERE e.one_plus_susp IS NOT NULL AND e.headcount IS NOT NULL)
        AS one_plus_susp_pairs,
    count(*) AS n_rows,
    -- rows that could hold pupils suspended at least once: a year summed from terms cannot
    count(*) FILTER (WHERE e.terms IS NULL) AS one_plus_susp_rows,
    count(*) FILTER (
        WHERE e.headcount IS NULL OR e.perm_excl IS NULL
            OR e.susp IS NULL OR (e.one_plus_susp IS NULL AND e.terms IS NULL)
    ) AS n_schools_missing
FROM exclusions AS e
JOIN int_school_area AS a ON a.time_period = e.time_period AND a.urn = e.urn
JOIN school_year AS y ON y.time_period = e.time_period AND y.urn = e.urn
GROUP BY a.level, a.area, e.time_period, coalesce(y.phase, 'Unknown')
ORDER BY a.level, a.area, e.time_period  -- clusters rows for row-group skipping
