-- Internal: exclusions by pupil characteristic per area and year. UNSUPPRESSED.
-- Rates are within the characteristic: exclusions of pupils with it / pupils with
-- it, over schools where both cells are published.
-- Stored in two parts (a national characteristics file is millions of rows, too many
-- to aggregate on every page view): the areas, held in memory, and the School rows.
SELECT * FROM int_exclusion_characteristic_areas
UNION ALL
SELECT * FROM int_exclusion_characteristic_schools
