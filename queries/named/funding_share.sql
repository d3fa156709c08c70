-- Partnerships' shares of county top-up funding for one year (default: the
-- latest year with top-up data), optionally within one locality.
SELECT
    area AS partnership,
    parent_area AS locality,
    time_period,
    year,
    topup_amount,
    topup_suppressed,
    topup_share_percent,
    pupils,
    pupil_share_percent,
    ehc_plan_count,
    ehc_plan_share_percent,
    funding_to_pupil_share_ratio,
    county_topup_amount,
    county_pupils
FROM funding_share
WHERE level = 'Partnership'
    AND time_period = coalesce($time_period, (SELECT max(time_period) FROM topup_years))
    AND ($locality IS NULL OR parent_area = $locality)
ORDER BY topup_share_percent DESC NULLS LAST, partnership
