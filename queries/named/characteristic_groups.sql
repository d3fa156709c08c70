-- Characteristic groups present in the exclusions data (precomputed by a view).
SELECT characteristic_group, n_characteristics
FROM exclusion_characteristic_groups
ORDER BY characteristic_group
