-- Internal: permanent exclusions and suspensions by reason, per area and year, with the
-- primary suppression only (exclusions_by_reason adds the complementary one: pages read
-- that). *_hidden: hidden by the primary rules with a known count behind it. Rates are per 100 pupils on roll in the schools reporting the
-- reason (so they sum, across reasons, to about the overall rate).
SELECT
    level,
    area,
    time_period,
    period_label(time_period) AS year,
    reason,
    CAST(suppress_count(perm_excl) AS BIGINT) AS perm_excl,
    count_is_suppressed(perm_excl) OR all_withheld(perm_excl_known, n_rows) AS perm_excl_suppressed,
    CAST(suppress_count(susp) AS BIGINT) AS susp,
    count_is_suppressed(susp) OR all_withheld(susp_known, n_rows) AS susp_suppressed,
    suppress_rate(perm_excl_num, perm_excl_den, 100) AS perm_excl_rate,
    rate_is_suppressed(perm_excl_num, perm_excl_den)
        OR all_withheld(perm_excl_pairs, n_rows) AS perm_excl_rate_suppressed,
    suppress_rate(susp_num, susp_den, 100) AS susp_rate,
    rate_is_suppressed(susp_num, susp_den) OR all_withheld(susp_pairs, n_rows) AS susp_rate_suppressed,
    n_rows - n_schools_missing AS n_schools,
    n_schools_missing,
    count_is_suppressed(perm_excl) AS perm_excl_hidden,
    count_is_suppressed(susp) AS susp_hidden
FROM (
    -- the two stored parts: areas in memory, School rows from Parquet (a filter on
    -- level leaves one part; a locality is not read from a 122,880-row group)
    SELECT * FROM int_exclusion_reason_areas
    UNION ALL
    SELECT * FROM int_exclusion_reason_schools
)
