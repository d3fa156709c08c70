-- School phases with schools in one year, largest first (for the like-with-like choice).
SELECT phase, count(*) AS n_schools
FROM school_year
WHERE time_period = $time_period AND phase IS NOT NULL
GROUP BY phase
ORDER BY n_schools DESC, phase
