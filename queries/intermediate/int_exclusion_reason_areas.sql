-- materialized: table
-- Internal: exclusions by reason per Partnership, Locality and County and year,
-- summed from the school rows. UNSUPPRESSED; tens of thousands of rows nationally, so
-- connect holds them in memory. Each count pairs with the headcount of the schools
-- where both are published.
SELECT
    a.level,
    a.area,
    r.time_period,
    r.reason,
    sum(r.perm_excl) AS perm_excl,
    count(r.perm_excl) AS perm_excl_known,
    sum(r.susp) AS susp,
    count(r.susp) AS susp_known,
    sum(r.perm_excl) FILTER (WHERE e.headcount IS NOT NULL) AS perm_excl_num,
    sum(e.headcount) FILTER (WHERE r.perm_excl IS NOT NULL) AS perm_excl_den,
    count(*) FILTER (WHERE r.perm_excl IS NOT NULL AND e.headcount IS NOT NULL) AS perm_excl_pairs,
    sum(r.susp) FILTER (WHERE e.headcount IS NOT NULL) AS susp_num,
    sum(e.headcount) FILTER (WHERE r.susp IS NOT NULL) AS susp_den,
    count(*) FILTER (WHERE r.susp IS NOT NULL AND e.headcount IS NOT NULL) AS susp_pairs,
    count(*) AS n_rows,
    count(*) FILTER (WHERE r.perm_excl IS NULL OR r.susp IS NULL) AS n_schools_missing
FROM exclusions_reason AS r
JOIN int_school_area AS a ON a.time_period = r.time_period AND a.urn = r.urn
LEFT JOIN exclusions AS e ON e.time_period = r.time_period AND e.urn = r.urn
WHERE a.level <> 'School'
GROUP BY a.level, a.area, r.time_period, r.reason
ORDER BY level, area, time_period, reason  -- clusters rows for row-group skipping
