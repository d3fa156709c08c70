-- Every school-year mapped to each area it counts towards: one row per level
-- (School, Partnership, Locality, County). Aggregating a school-level
-- fact over this mapping gives every level's figure from one GROUP BY, so all
-- views share the same membership rules. Membership is school_year's (as at the
-- January census of that year), so a school that changes partnership counts in
-- the right one each year. A school in no partnership still counts in its
-- locality (if any) and in the county.
-- School areas are keyed by URN as text: school names are not unique.
-- parent_area: School -> partnership, Partnership -> its locality,
-- Locality -> county, County -> region.
SELECT
    time_period, urn, 'School' AS level, CAST(urn AS VARCHAR) AS area,
    partnership AS parent_area, locality
FROM school_year
UNION ALL
SELECT
    time_period, urn, 'Partnership' AS level, partnership AS area,
    locality AS parent_area, locality
FROM school_year
WHERE partnership IS NOT NULL
UNION ALL
SELECT
    time_period, urn, 'Locality' AS level, locality AS area,
    council_name() AS parent_area, locality
FROM school_year
WHERE locality IS NOT NULL
UNION ALL
SELECT
    time_period, urn, 'County' AS level, council_name() AS area,
    region_name() AS parent_area, CAST(NULL AS VARCHAR) AS locality
FROM school_year
