-- Public: permanent exclusions and suspensions by reason, per area and year, suppressed
-- (primary and complementary). Rates are per 100 pupils on roll in the schools reporting
-- the reason (so they sum, across reasons, to about the overall rate).
WITH hide AS (
    SELECT
        level,
        area,
        time_period,
        part AS reason,
        bool_or(family = 'Permanent exclusions') AS perm,
        bool_or(family = 'Suspensions') AS susp
    FROM int_complementary_cells
    WHERE tbl = 'reason'
    GROUP BY level, area, time_period, part
),

final AS (
    SELECT
        p.* EXCLUDE (perm_excl_hidden, susp_hidden) REPLACE (
            CASE WHEN h.perm THEN NULL ELSE p.perm_excl END AS perm_excl,
            p.perm_excl_suppressed OR coalesce(h.perm, false) AS perm_excl_suppressed,
            CASE WHEN h.perm THEN NULL ELSE p.perm_excl_rate END AS perm_excl_rate,
            p.perm_excl_rate_suppressed OR coalesce(h.perm, false) AS perm_excl_rate_suppressed,
            CASE WHEN h.susp THEN NULL ELSE p.susp END AS susp,
            p.susp_suppressed OR coalesce(h.susp, false) AS susp_suppressed,
            CASE WHEN h.susp THEN NULL ELSE p.susp_rate END AS susp_rate,
            p.susp_rate_suppressed OR coalesce(h.susp, false) AS susp_rate_suppressed
        )
    FROM int_primary_exclusions_by_reason AS p
    LEFT JOIN hide AS h
        ON h.level = p.level AND h.area = p.area AND h.time_period = p.time_period
        AND h.reason = p.reason
)

SELECT * FROM final
