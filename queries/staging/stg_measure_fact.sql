-- Staged layer: every catalogue measure (queries/measures.csv) for every school
-- and year, long, straight from the warehouse fact tables. UNSUPPRESSED.
-- One branch per measure: a filter on `measure` folds the other branches away
-- at plan time, so their files are never read.
-- is_known: the school's numerator (and, for rates, means and money, the
-- denominator) were published. A source cell the publisher withheld (value NULL, flag
-- set) makes the pair unknown; int_school_measure_year says whether it stands for a
-- small number (withheld_ranges, from config.toml [withheld]) that areas count as a
-- range. fact_table names the warehouse table (the key of withheld_ranges).
-- Numerators are DOUBLE (points and money are).

-- school census
SELECT time_period, urn, 'pupils' AS measure,
    CAST(headcount AS DOUBLE) AS numerator, CAST(NULL AS DOUBLE) AS denominator,
    headcount_flag AS numerator_flag, CAST(NULL AS VARCHAR) AS denominator_flag,
    headcount IS NOT NULL AS is_known,
    'pupils' AS fact_table
FROM pupils
UNION ALL
SELECT time_period, urn, 'fsm_count',
    fsm_eligible, NULL, fsm_eligible_flag, NULL, fsm_eligible IS NOT NULL,
    'pupils'
FROM pupils
UNION ALL
SELECT time_period, urn, 'fsm_percent',
    fsm_eligible, headcount, fsm_eligible_flag, headcount_flag,
    fsm_eligible IS NOT NULL AND headcount IS NOT NULL,
    'pupils'
FROM pupils
UNION ALL
SELECT time_period, urn, 'eal_percent',
    eal, headcount, eal_flag, headcount_flag,
    eal IS NOT NULL AND headcount IS NOT NULL,
    'pupils'
FROM pupils
-- absence
UNION ALL
SELECT time_period, urn, 'overall_absence_rate',
    sess_overall, sess_possible, sess_overall_flag, sess_possible_flag,
    sess_overall IS NOT NULL AND sess_possible IS NOT NULL,
    'absence'
FROM absence
UNION ALL
SELECT time_period, urn, 'authorised_absence_rate',
    sess_authorised, sess_possible, sess_authorised_flag, sess_possible_flag,
    sess_authorised IS NOT NULL AND sess_possible IS NOT NULL,
    'absence'
FROM absence
UNION ALL
SELECT time_period, urn, 'unauthorised_absence_rate',
    sess_unauthorised, sess_possible, sess_unauthorised_flag, sess_possible_flag,
    sess_unauthorised IS NOT NULL AND sess_possible IS NOT NULL,
    'absence'
FROM absence
UNION ALL
SELECT time_period, urn, 'persistent_absence_rate',
    enrolments_pa_10, enrolments, enrolments_pa_10_flag, enrolments_flag,
    enrolments_pa_10 IS NOT NULL AND enrolments IS NOT NULL,
    'absence'
FROM absence
-- exclusions: rates per 100 pupils on the exclusions headcount, and counts
UNION ALL
SELECT time_period, urn, 'exclusions_headcount',
    headcount, NULL, headcount_flag, NULL, headcount IS NOT NULL,
    'exclusions'
FROM exclusions
UNION ALL
SELECT time_period, urn, 'perm_excl_rate',
    perm_excl, headcount, perm_excl_flag, headcount_flag,
    perm_excl IS NOT NULL AND headcount IS NOT NULL,
    'exclusions'
FROM exclusions
UNION ALL
SELECT time_period, urn, 'susp_rate',
    susp, headcount, susp_flag, headcount_flag,
    susp IS NOT NULL AND headcount IS NOT NULL,
    'exclusions'
FROM exclusions
UNION ALL
SELECT time_period, urn, 'one_plus_susp_rate',
    one_plus_susp, headcount, one_plus_susp_flag, headcount_flag,
    one_plus_susp IS NOT NULL AND headcount IS NOT NULL,
    'exclusions'
FROM exclusions
-- a year summed from the termly file has no pupils suspended at least once (a pupil
-- suspended in two terms is in both): not a withheld figure, no figure at all
WHERE terms IS NULL
UNION ALL
SELECT time_period, urn, 'perm_excl',
    perm_excl, NULL, perm_excl_flag, NULL, perm_excl IS NOT NULL,
    'exclusions'
FROM exclusions
UNION ALL
SELECT time_period, urn, 'susp',
    susp, NULL, susp_flag, NULL, susp IS NOT NULL,
    'exclusions'
FROM exclusions
UNION ALL
SELECT time_period, urn, 'one_plus_susp',
    one_plus_susp, NULL, one_plus_susp_flag, NULL, one_plus_susp IS NOT NULL,
    'exclusions'
FROM exclusions
WHERE terms IS NULL
-- special educational needs
UNION ALL
SELECT time_period, urn, 'sen_support_percent',
    sen_support, total_pupils, sen_support_flag, total_pupils_flag,
    sen_support IS NOT NULL AND total_pupils IS NOT NULL,
    'sen'
FROM sen
UNION ALL
SELECT time_period, urn, 'ehc_plan_percent',
    ehc_plan, total_pupils, ehc_plan_flag, total_pupils_flag,
    ehc_plan IS NOT NULL AND total_pupils IS NOT NULL,
    'sen'
FROM sen
UNION ALL
SELECT time_period, urn, 'sen_support_count',
    sen_support, NULL, sen_support_flag, NULL, sen_support IS NOT NULL,
    'sen'
FROM sen
UNION ALL
SELECT time_period, urn, 'ehc_plan_count',
    ehc_plan, NULL, ehc_plan_flag, NULL, ehc_plan IS NOT NULL,
    'sen'
FROM sen
-- attainment
UNION ALL
SELECT time_period, urn, 'ks2_rwm_expected_percent',
    rwm_expected, pupils_eligible, rwm_expected_flag, pupils_eligible_flag,
    rwm_expected IS NOT NULL AND pupils_eligible IS NOT NULL,
    'ks2'
FROM ks2
-- Attainment 8 is a mean: total points / pupils, so big schools weigh more.
UNION ALL
SELECT time_period, urn, 'ks4_attainment8',
    att8_total, pupils, att8_total_flag, pupils_flag,
    att8_total IS NOT NULL AND pupils IS NOT NULL,
    'ks4'
FROM ks4
-- High needs funding: several rows per school (bands, provision types), summed
-- to one row per school; a school is known only if every row is.
UNION ALL
SELECT time_period, urn, 'topup_amount',
    sum(amount_gbp), sum(pupils_funded), max(amount_gbp_flag), max(pupils_funded_flag),
    bool_and(amount_gbp IS NOT NULL AND pupils_funded IS NOT NULL),
    'topups'
FROM topups
GROUP BY time_period, urn
UNION ALL
SELECT time_period, urn, 'topup_pupils',
    sum(pupils_funded), NULL, max(pupils_funded_flag), NULL, bool_and(pupils_funded IS NOT NULL),
    'topups'
FROM topups
GROUP BY time_period, urn
UNION ALL
SELECT time_period, urn, 'place_funding',
    sum(amount_gbp), sum(places), max(amount_gbp_flag), max(places_flag),
    bool_and(amount_gbp IS NOT NULL AND places IS NOT NULL),
    'places'
FROM places
GROUP BY time_period, urn
UNION ALL
SELECT time_period, urn, 'high_needs_places',
    sum(places), NULL, max(places_flag), NULL, bool_and(places IS NOT NULL),
    'places'
FROM places
GROUP BY time_period, urn
