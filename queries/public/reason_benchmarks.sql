-- Public: the DfE's reasons for suspensions and permanent exclusions for the council's
-- LA, its region and England, per year (benchmark_breakdowns, published for areas only),
-- suppressed. share_of_susp / share_of_perm: the reason's share of the area's reasons
-- that year, over the reasons whose cells were published (the DfE withholds small area
-- counts: 'x'); a withheld or hidden count has no share.
WITH reasons AS (
    SELECT
        time_period,
        CASE geographic_level
            WHEN 'Local authority' THEN 'LA'
            ELSE geographic_level
        END AS level,
        area_name,
        characteristic AS reason,
        perm_excl,
        susp
    FROM benchmark_breakdowns
    WHERE breakdown = 'reason'
        AND (
            geographic_level = 'National'
            OR (geographic_level = 'Regional' AND area_code = region_code())
            OR (geographic_level = 'Local authority'
                AND (old_la_code = old_la_code() OR area_code = new_la_code()))
        )
),
totals AS (
    SELECT *, sum(perm_excl) OVER area_year AS perm_total, sum(susp) OVER area_year AS susp_total
    FROM reasons
    WINDOW area_year AS (PARTITION BY time_period, level, area_name)
),
final AS (
    SELECT
        time_period,
        period_label(time_period) AS year,
        level,
        area_name,
        reason,
        CAST(suppress_count(perm_excl) AS BIGINT) AS perm_excl,
        perm_excl IS NULL OR count_is_suppressed(perm_excl) AS perm_excl_suppressed,
        CAST(suppress_count(susp) AS BIGINT) AS susp,
        susp IS NULL OR count_is_suppressed(susp) AS susp_suppressed,
        CASE WHEN NOT count_is_suppressed(perm_excl) AND perm_total > 0
            THEN 100 * perm_excl / perm_total END AS share_of_perm,
        CASE WHEN NOT count_is_suppressed(susp) AND susp_total > 0
            THEN 100 * susp / susp_total END AS share_of_susp
    FROM totals
)
SELECT * FROM final
