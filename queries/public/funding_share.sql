-- materialized: table
-- (a few thousand rows: stored, and held in memory by connect; computed on every query it
-- cost ~9 ms of planning alone nationally)
-- Public: each partnership's and locality's share of the county's high needs
-- top-up funding beside its share of pupils on roll and of pupils with an EHC
-- plan, per year. Shares are of the COUNTY total (all the council's schools,
-- including those in no partnership), so partnerships need not sum to 100.
-- funding_to_pupil_share_ratio > 1: the area gets more than its pupil share.
-- A share is NULL whenever the amount or count behind it is suppressed.
WITH area AS (
    SELECT
        i.level,
        i.area,
        i.parent_area,
        i.time_period,
        max(i.numerator) FILTER (WHERE i.measure = 'topup_amount') AS topup_amount,
        max(i.denominator) FILTER (WHERE i.measure = 'topup_amount') AS topup_pupils,
        bool_or(all_withheld(i.n_schools, i.n_schools + i.n_schools_missing))
            FILTER (WHERE i.measure = 'topup_amount') AS topup_withheld,
        max(i.numerator) FILTER (WHERE i.measure = 'pupils') AS pupils,
        max(i.numerator) FILTER (WHERE i.measure = 'ehc_plan_count') AS ehc_plan_count
    FROM int_area_measure_year AS i
    WHERE i.level IN ('Partnership', 'Locality', 'County')
        AND i.measure IN ('topup_amount', 'pupils', 'ehc_plan_count')
    GROUP BY i.level, i.area, i.parent_area, i.time_period
),
checked AS (
    SELECT
        p.* REPLACE (
            -- once the year has any top-up data, an area with no rows got nothing
            CASE WHEN c.topup_amount IS NOT NULL THEN coalesce(p.topup_amount, 0) END
                AS topup_amount
        ),
        CASE WHEN NOT measure_is_suppressed('amount', c.topup_amount, c.topup_pupils)
            THEN c.topup_amount END AS county_topup_amount,
        c.pupils AS county_pupils,
        c.ehc_plan_count AS county_ehc_plan_count,
        measure_is_suppressed('amount', p.topup_amount, p.topup_pupils)
            OR coalesce(p.topup_withheld, false) AS topup_suppressed,
        count_is_suppressed(p.pupils) AS pupils_suppressed,
        count_is_suppressed(p.ehc_plan_count) AS ehc_plan_suppressed
    FROM area AS p
    LEFT JOIN area AS c ON c.level = 'County' AND c.time_period = p.time_period
    WHERE p.level IN ('Partnership', 'Locality')
)
SELECT
    level,
    area,
    parent_area,
    time_period,
    period_label(time_period) AS year,
    CASE WHEN topup_suppressed THEN NULL ELSE topup_amount END AS topup_amount,
    topup_suppressed,
    CASE WHEN topup_suppressed OR NOT county_topup_amount > 0 THEN NULL
        ELSE 100 * topup_amount / county_topup_amount END AS topup_share_percent,
    CAST(CASE WHEN pupils_suppressed THEN NULL ELSE pupils END AS BIGINT) AS pupils,
    CASE WHEN pupils_suppressed OR NOT county_pupils > 0 THEN NULL
        ELSE 100 * pupils / county_pupils END AS pupil_share_percent,
    CAST(CASE WHEN ehc_plan_suppressed THEN NULL ELSE ehc_plan_count END AS BIGINT) AS ehc_plan_count,
    CASE WHEN ehc_plan_suppressed OR NOT county_ehc_plan_count > 0 THEN NULL
        ELSE 100 * ehc_plan_count / county_ehc_plan_count END AS ehc_plan_share_percent,
    CASE WHEN topup_suppressed OR pupils_suppressed OR NOT county_topup_amount > 0
            OR NOT pupils > 0 OR NOT county_pupils > 0 THEN NULL
        ELSE (topup_amount / county_topup_amount) / (pupils / county_pupils)
    END AS funding_to_pupil_share_ratio,
    county_topup_amount,
    CAST(county_pupils AS BIGINT) AS county_pupils
FROM checked
