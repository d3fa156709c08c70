-- Internal: permanent exclusions and suspensions by school phase (primary, secondary,
-- special, alternative provision …) per area and year, with the primary suppression only
-- (exclusions_by_phase adds the complementary one: pages read that). *_hidden: hidden by
-- the primary rules with a known count behind it.
-- Rates are per 100 pupils on roll in the area's schools of that phase.
-- phase_order puts phases in the order pupils meet them, for tables and charts.
SELECT
    level,
    area,
    time_period,
    period_label(time_period) AS year,
    phase,
    CASE phase
        WHEN 'Nursery' THEN 1
        WHEN 'Primary' THEN 2
        WHEN 'Middle deemed primary' THEN 3
        WHEN 'Middle deemed secondary' THEN 4
        WHEN 'Secondary' THEN 5
        WHEN 'All-through' THEN 6
        WHEN '16 plus' THEN 7
        WHEN 'Special' THEN 8
        WHEN 'Alternative provision' THEN 9
        ELSE 10
    END AS phase_order,
    CAST(suppress_count(headcount) AS BIGINT) AS headcount,
    count_is_suppressed(headcount) OR all_withheld(headcount_known, n_rows) AS headcount_suppressed,
    CAST(suppress_count(perm_excl) AS BIGINT) AS perm_excl,
    count_is_suppressed(perm_excl) OR all_withheld(perm_excl_known, n_rows) AS perm_excl_suppressed,
    CAST(suppress_count(susp) AS BIGINT) AS susp,
    count_is_suppressed(susp) OR all_withheld(susp_known, n_rows) AS susp_suppressed,
    CAST(suppress_count(one_plus_susp) AS BIGINT) AS one_plus_susp,
    count_is_suppressed(one_plus_susp)
        OR all_withheld(one_plus_susp_known, one_plus_susp_rows) AS one_plus_susp_suppressed,
    suppress_rate(perm_excl_num, perm_excl_den, 100) AS perm_excl_rate,
    rate_is_suppressed(perm_excl_num, perm_excl_den)
        OR all_withheld(perm_excl_pairs, n_rows) AS perm_excl_rate_suppressed,
    suppress_rate(susp_num, susp_den, 100) AS susp_rate,
    rate_is_suppressed(susp_num, susp_den) OR all_withheld(susp_pairs, n_rows) AS susp_rate_suppressed,
    suppress_rate(one_plus_susp_num, one_plus_susp_den, 100) AS one_plus_susp_rate,
    rate_is_suppressed(one_plus_susp_num, one_plus_susp_den)
        OR all_withheld(one_plus_susp_pairs, one_plus_susp_rows) AS one_plus_susp_rate_suppressed,
    n_rows - n_schools_missing AS n_schools,
    n_schools_missing,
    count_is_suppressed(headcount) AS headcount_hidden,
    count_is_suppressed(perm_excl) AS perm_excl_hidden,
    count_is_suppressed(susp) AS susp_hidden,
    count_is_suppressed(one_plus_susp) AS one_plus_susp_hidden
FROM int_exclusion_phase_area_year
