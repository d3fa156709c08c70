-- The DfE's reasons for the council's LA, its region and England in one year.
SELECT *
FROM reason_benchmarks
WHERE time_period = $time_period
ORDER BY reason, CASE level WHEN 'LA' THEN 0 WHEN 'Regional' THEN 1 ELSE 2 END
