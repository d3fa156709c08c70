-- Public: exclusions by pupil characteristic (gender, SEN provision, FSM eligibility,
-- ethnicity, NC year) per area and year, suppressed (primary and complementary). Rates
-- are per 100 pupils WITH that characteristic, e.g. suspensions of boys per 100 boys.
WITH hide AS (
    SELECT
        level,
        area,
        time_period,
        part,
        bool_or(family = 'Pupils on roll (exclusions headcount)') AS headcount,
        bool_or(family = 'Permanent exclusions') AS perm,
        bool_or(family = 'Suspensions') AS susp,
        bool_or(family = 'Pupils with one or more suspensions') AS one_plus
    FROM int_complementary_cells
    WHERE tbl = 'group'
    GROUP BY level, area, time_period, part
),

final AS (
    SELECT
        p.* EXCLUDE (headcount_hidden, perm_excl_hidden, susp_hidden, one_plus_susp_hidden)
        REPLACE (
            CASE WHEN h.headcount THEN NULL ELSE p.headcount END AS headcount,
            p.headcount_suppressed OR coalesce(h.headcount, false) AS headcount_suppressed,
            CASE WHEN h.perm THEN NULL ELSE p.perm_excl END AS perm_excl,
            p.perm_excl_suppressed OR coalesce(h.perm, false) AS perm_excl_suppressed,
            CASE WHEN h.susp THEN NULL ELSE p.susp END AS susp,
            p.susp_suppressed OR coalesce(h.susp, false) AS susp_suppressed,
            CASE WHEN h.one_plus THEN NULL ELSE p.one_plus_susp END AS one_plus_susp,
            p.one_plus_susp_suppressed OR coalesce(h.one_plus, false) AS one_plus_susp_suppressed,
            -- a rate hides with its count, and with its pupils (its denominator)
            CASE WHEN h.perm OR h.headcount THEN NULL ELSE p.perm_excl_rate END AS perm_excl_rate,
            p.perm_excl_rate_suppressed OR coalesce(h.perm OR h.headcount, false)
                AS perm_excl_rate_suppressed,
            CASE WHEN h.susp OR h.headcount THEN NULL ELSE p.susp_rate END AS susp_rate,
            p.susp_rate_suppressed OR coalesce(h.susp OR h.headcount, false)
                AS susp_rate_suppressed,
            CASE WHEN h.one_plus OR h.headcount THEN NULL ELSE p.one_plus_susp_rate END
                AS one_plus_susp_rate,
            p.one_plus_susp_rate_suppressed OR coalesce(h.one_plus OR h.headcount, false)
                AS one_plus_susp_rate_suppressed
        )
    FROM int_primary_exclusions_by_characteristic AS p
    LEFT JOIN hide AS h
        ON h.level = p.level AND h.area = p.area AND h.time_period = p.time_period
        AND h.part = p.characteristic_group || ': ' || p.characteristic
)

SELECT * FROM final
