-- materialized: table
-- Internal: exclusions by pupil characteristic per Partnership, Locality and County
-- and year, summed from the school rows. UNSUPPRESSED; tens of thousands of rows
-- nationally, so connect holds them in memory. Rates are within the characteristic:
-- exclusions of pupils with it / pupils with it, over schools where both cells are
-- published.
SELECT
    a.level,
    a.area,
    c.time_period,
    c.characteristic_group,
    c.characteristic,
    sum(c.headcount) AS headcount,
    count(c.headcount) AS headcount_known,
    sum(c.perm_excl) AS perm_excl,
    count(c.perm_excl) AS perm_excl_known,
    sum(c.susp) AS susp,
    count(c.susp) AS susp_known,
    sum(c.one_plus_susp) AS one_plus_susp,
    count(c.one_plus_susp) AS one_plus_susp_known,
    sum(c.perm_excl) FILTER (WHERE c.headcount IS NOT NULL) AS perm_excl_num,
    sum(c.headcount) FILTER (WHERE c.perm_excl IS NOT NULL) AS perm_excl_den,
    count(*) FILTER (WHERE c.perm_excl IS NOT NULL AND c.headcount IS NOT NULL) AS perm_excl_pairs,
    sum(c.susp) FILTER (WHERE c.headcount IS NOT NULL) AS susp_num,
    sum(c.headcount) FILTER (WHERE c.susp IS NOT NULL) AS susp_den,
    count(*) FILTER (WHERE c.susp IS NOT NULL AND c.headcount IS NOT NULL) AS susp_pairs,
    sum(c.one_plus_susp) FILTER (WHERE c.headcount IS NOT NULL) AS one_plus_susp_num,
    sum(c.headcount) FILTER (WHERE c.one_plus_susp IS NOT NULL) AS one_plus_susp_den,
    count(*) FILTER (WHERE c.one_plus_susp IS NOT NULL AND c.headcount IS NOT NULL)
        AS one_plus_susp_pairs,
    count(*) AS n_rows,
    -- rows whose group headcount exists: the council's log has none by sex or ethnicity
    -- (flag 'x', not available), which is no figure at all rather than a withheld one
    count(*) FILTER (WHERE c.headcount_flag IS DISTINCT FROM 'x') AS headcount_rows,
    count(*) FILTER (
        WHERE (c.headcount IS NULL AND c.headcount_flag IS DISTINCT FROM 'x')
            OR c.perm_excl IS NULL OR c.susp IS NULL OR c.one_plus_susp IS NULL
    ) AS n_schools_missing
FROM exclusions_characteristic AS c
JOIN int_school_area AS a ON a.time_period = c.time_period AND a.urn = c.urn
WHERE a.level <> 'School'
GROUP BY a.level, a.area, c.time_period, c.characteristic_group, c.characteristic
ORDER BY level, area, time_period, characteristic_group, characteristic
