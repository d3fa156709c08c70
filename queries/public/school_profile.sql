-- materialized: table
-- (computed once by the ETL, stored sorted so filtered reads skip row groups:
-- pages filter by partnership or locality and year, or one school)
-- Public: one row per school and year with the headline measures side by side
-- (already suppressed: a pivot of area_measure_year at School level).
-- suppressed_measures lists the headline measures hidden for this school and year.
-- urn, partnership and locality come from the pivot itself (not the join) so
-- filters on them reach the school-level rows, and the Parquet scans, first.
WITH wide AS (
    SELECT
        urn,
        time_period,
        year,
        area_name AS school_name,
        parent_area AS partnership,
        locality,
        max(value) FILTER (WHERE measure = 'pupils') AS pupils,
        max(value) FILTER (WHERE measure = 'fsm_percent') AS fsm_percent,
        max(value) FILTER (WHERE measure = 'eal_percent') AS eal_percent,
        max(value) FILTER (WHERE measure = 'sen_support_percent') AS sen_support_percent,
        max(value) FILTER (WHERE measure = 'ehc_plan_percent') AS ehc_plan_percent,
        max(value) FILTER (WHERE measure = 'overall_absence_rate') AS overall_absence_rate,
        max(value) FILTER (WHERE measure = 'persistent_absence_rate') AS persistent_absence_rate,
        max(value) FILTER (WHERE measure = 'perm_excl') AS perm_excl,
        max(value) FILTER (WHERE measure = 'perm_excl_rate') AS perm_excl_rate,
        max(value) FILTER (WHERE measure = 'susp') AS susp,
        max(value) FILTER (WHERE measure = 'susp_rate') AS susp_rate,
        max(value) FILTER (WHERE measure = 'one_plus_susp_rate') AS one_plus_susp_rate,
        max(value) FILTER (WHERE measure = 'ks2_rwm_expected_percent') AS ks2_rwm_expected_percent,
        max(value) FILTER (WHERE measure = 'ks4_attainment8') AS ks4_attainment8,
        max(value) FILTER (WHERE measure = 'topup_amount') AS topup_amount,
        list(measure ORDER BY measure) FILTER (WHERE suppressed) AS suppressed_measures
    FROM area_measure_year
    WHERE level = 'School'
        -- only the headline measures: the other branches fold away at plan time
        AND measure IN (
            'pupils', 'fsm_percent', 'eal_percent', 'sen_support_percent', 'ehc_plan_percent',
            'overall_absence_rate', 'persistent_absence_rate', 'perm_excl', 'perm_excl_rate',
            'susp', 'susp_rate', 'one_plus_susp_rate', 'ks2_rwm_expected_percent',
            'ks4_attainment8', 'topup_amount'
        )
    GROUP BY urn, time_period, year, area_name, parent_area, locality
)
SELECT
    w.urn,
    w.school_name,
    y.phase,
    w.partnership,
    w.locality,
    y.lineage_urn,
    w.time_period,
    w.year,
    CAST(w.pupils AS BIGINT) AS pupils,
    w.fsm_percent,
    w.eal_percent,
    w.sen_support_percent,
    w.ehc_plan_percent,
    w.overall_absence_rate,
    w.persistent_absence_rate,
    CAST(w.perm_excl AS BIGINT) AS perm_excl,
    w.perm_excl_rate,
    CAST(w.susp AS BIGINT) AS susp,
    w.susp_rate,
    w.one_plus_susp_rate,
    w.ks2_rwm_expected_percent,
    w.ks4_attainment8,
    w.topup_amount,
    coalesce(w.suppressed_measures, []) AS suppressed_measures
FROM wide AS w
JOIN school_year AS y ON y.urn = w.urn AND y.time_period = w.time_period
ORDER BY w.locality, w.partnership, w.urn, w.time_period  -- clusters rows for row-group skipping
