-- SEN primary needs for one area and year, largest first within each provision.
SELECT *
FROM sen_need_profile
WHERE level = $level AND area = $area AND time_period = $time_period
ORDER BY sen_provision, pupils DESC NULLS LAST, primary_need
