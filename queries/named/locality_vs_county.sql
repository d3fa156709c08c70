-- Every measure for one locality in one year beside county, region, LA and England.
SELECT * EXCLUDE (sort_order)
FROM locality_vs_county
WHERE locality = $locality AND time_period = $time_period
ORDER BY sort_order
