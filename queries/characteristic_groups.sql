-- Characteristic groups present in the exclusions data.
SELECT characteristic_group, count(DISTINCT characteristic) AS n_characteristics
FROM exclusions_characteristic
GROUP BY characteristic_group
ORDER BY characteristic_group
