-- Internal: exclusions by reason per area and year. UNSUPPRESSED.
-- Rates per 100 pupils use the school's headcount from the exclusions table;
-- each count pairs with the headcount of the schools where both are published.
-- Stored in two parts (a national reasons file is millions of rows, too many to
-- aggregate on every page view): the areas, held in memory, and the School rows.
SELECT * FROM int_exclusion_reason_areas
UNION ALL
SELECT * FROM int_exclusion_reason_schools
