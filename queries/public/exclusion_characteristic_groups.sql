-- materialized: table
-- Public, no figures: the characteristic groups in the exclusions data and how many
-- characteristics each has (names only, no count of pupils). Computed once: counting
-- distinct names scans every breakdown row (millions nationally).
SELECT characteristic_group, count(DISTINCT characteristic) AS n_characteristics
FROM exclusions_characteristic
GROUP BY characteristic_group
ORDER BY characteristic_group
