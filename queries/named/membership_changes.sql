-- The schools that joined or left one partnership or locality, by year (see the view).
SELECT *
FROM membership_changes
WHERE level = $level AND area = $area
ORDER BY time_period, change, school_name
