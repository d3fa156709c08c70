-- Internal: pupils with SEN by provision and primary need per area and year,
-- with the provision's total in the area (the denominator of the share).
-- UNSUPPRESSED.
-- Stored in two parts (a national primary-need file is millions of rows, too many to
-- aggregate on every page view): the areas, held in memory, and the School rows.
SELECT * FROM int_sen_need_areas
UNION ALL
SELECT * FROM int_sen_need_schools
