-- Internal: pupils with special educational needs by provision ('SEN support' /
-- 'EHC plan') and primary type of need, per area and year, with the primary suppression
-- only (sen_need_profile adds the complementary one: pages read that). pupils_hidden:
-- hidden by the primary rules with a known count behind it.
-- percent_of_provision: of the area's pupils with that provision (summed over
-- published cells), the share whose primary need is this one.
SELECT
    level,
    area,
    time_period,
    period_label(time_period) AS year,
    sen_provision,
    primary_need,
    CAST(suppress_count(pupils) AS BIGINT) AS pupils,
    count_is_suppressed(pupils) OR all_withheld(pupils_known, n_rows) AS pupils_suppressed,
    suppress_rate(pupils, provision_pupils, 100) AS percent_of_provision,
    rate_is_suppressed(pupils, provision_pupils)
        OR all_withheld(pupils_known, n_rows) AS percent_suppressed,
    pupils_known AS n_schools,
    n_rows - pupils_known AS n_schools_missing,
    count_is_suppressed(pupils) AS pupils_hidden
FROM (
    -- the two stored parts: areas in memory, School rows from Parquet (a filter on
    -- level leaves one part; a locality is not read from a 122,880-row group)
    SELECT * FROM int_sen_need_areas
    UNION ALL
    SELECT * FROM int_sen_need_schools
)
