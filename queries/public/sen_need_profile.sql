-- Public: pupils with special educational needs by provision ('SEN support' /
-- 'EHC plan') and primary type of need, per area and year, suppressed (primary and
-- complementary). percent_of_provision: of the area's pupils with that provision (summed
-- over published cells), the share whose primary need is this one.
WITH hide AS (
    SELECT DISTINCT level, area, time_period, part
    FROM int_complementary_cells
    WHERE tbl = 'need'
),

final AS (
    SELECT
        p.* EXCLUDE (pupils_hidden) REPLACE (
            CASE WHEN h.part IS NULL THEN p.pupils END AS pupils,
            p.pupils_suppressed OR h.part IS NOT NULL AS pupils_suppressed,
            CASE WHEN h.part IS NULL THEN p.percent_of_provision END AS percent_of_provision,
            p.percent_suppressed OR h.part IS NOT NULL AS percent_suppressed
        )
    FROM int_primary_sen_need_profile AS p
    LEFT JOIN hide AS h
        ON h.level = p.level AND h.area = p.area AND h.time_period = p.time_period
        AND h.part = p.sen_provision || ': ' || p.primary_need
)

SELECT * FROM final
