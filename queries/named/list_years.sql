-- Years with any school data, newest first.
SELECT time_period, period_label(time_period) AS year, count(*) AS n_schools
FROM school_year
GROUP BY time_period
ORDER BY time_period DESC
