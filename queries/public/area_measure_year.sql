-- Public: every catalogue measure for every area and year, suppressed.
-- level: School (area = URN as text, urn = URN, area_name = school name), Partnership,
-- Locality, County (schools in the council's warehouse), and the DfE's
-- National / Regional / LA figures from benchmarks.
-- value: rate/mean = multiplier * numerator / denominator; count/amount = numerator.
-- suppressed: hidden by the thresholds (see macros/suppression.sql), or every school
-- in the area had its source cell withheld. numerator and denominator are NULL
-- whenever value is hidden, so no unsuppressed small number leaks.
-- n_schools: schools whose figures were used; n_schools_missing: schools with a
-- row but a withheld source cell, left out of both sums.
-- Computed in int_checked_area_measure_year; stored in two parts for speed at scale.
SELECT * FROM area_measure_year_areas
UNION ALL
SELECT * FROM area_measure_year_schools
