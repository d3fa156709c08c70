-- The partnerships of one locality in one year with their headline measures side
-- by side (a pivot of area_measure_year, so every value is already suppressed).
-- n_schools counts the partnership's schools that year (from school_year);
-- suppressed_measures lists the headline measures hidden for the partnership.
-- Reads area_measure_year_areas: the rows of area_measure_year for every level but
-- School (the same suppressed rows, held in memory), so no query plan binds the
-- millions of School rows it never returns.
WITH schools AS (
    SELECT partnership, count(DISTINCT urn) AS n_schools
    FROM school_year
    WHERE locality = $locality AND time_period = $time_period AND partnership IS NOT NULL
    GROUP BY partnership
),
wide AS (
    SELECT
        area AS partnership,
        parent_area AS locality,
        time_period,
        year,
        max(value) FILTER (WHERE measure = 'pupils') AS pupils,
        max(value) FILTER (WHERE measure = 'fsm_percent') AS fsm_percent,
        max(value) FILTER (WHERE measure = 'eal_percent') AS eal_percent,
        max(value) FILTER (WHERE measure = 'sen_support_percent') AS sen_support_percent,
        max(value) FILTER (WHERE measure = 'ehc_plan_percent') AS ehc_plan_percent,
        max(value) FILTER (WHERE measure = 'overall_absence_rate') AS overall_absence_rate,
        max(value) FILTER (WHERE measure = 'persistent_absence_rate') AS persistent_absence_rate,
        max(value) FILTER (WHERE measure = 'perm_excl_rate') AS perm_excl_rate,
        max(value) FILTER (WHERE measure = 'susp_rate') AS susp_rate,
        max(value) FILTER (WHERE measure = 'ks2_rwm_expected_percent') AS ks2_rwm_expected_percent,
        max(value) FILTER (WHERE measure = 'ks4_attainment8') AS ks4_attainment8,
        max(value) FILTER (WHERE measure = 'topup_amount') AS topup_amount,
        list(measure ORDER BY measure) FILTER (WHERE suppressed) AS suppressed_measures
    FROM area_measure_year_areas
    WHERE level = 'Partnership'
        AND parent_area = $locality
        AND time_period = $time_period
        AND measure IN (
            'pupils', 'fsm_percent', 'eal_percent', 'sen_support_percent', 'ehc_plan_percent',
            'overall_absence_rate', 'persistent_absence_rate', 'perm_excl_rate', 'susp_rate',
            'ks2_rwm_expected_percent', 'ks4_attainment8', 'topup_amount'
        )
    GROUP BY area, parent_area, time_period, year
)
SELECT
    w.partnership,
    w.locality,
    w.time_period,
    w.year,
    coalesce(s.n_schools, 0) AS n_schools,
    CAST(w.pupils AS BIGINT) AS pupils,
    w.fsm_percent,
    w.eal_percent,
    w.sen_support_percent,
    w.ehc_plan_percent,
    w.overall_absence_rate,
    w.persistent_absence_rate,
    w.perm_excl_rate,
    w.susp_rate,
    w.ks2_rwm_expected_percent,
    w.ks4_attainment8,
    w.topup_amount,
    coalesce(w.suppressed_measures, []) AS suppressed_measures
FROM wide AS w
LEFT JOIN schools AS s ON s.partnership = w.partnership
ORDER BY w.partnership
