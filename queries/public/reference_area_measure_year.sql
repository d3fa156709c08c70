-- Public: the reference rows set beside an area's figures: the County, England, the
-- council's region and its DfE LA figure, for every measure and year, suppressed: the
-- rows of area_measure_year_areas (held in memory), so no plan reading them binds
-- the millions of School rows. measure_by_area.sql and measure_by_area_areas.sql read
-- their reference rows here.
SELECT *
FROM area_measure_year_areas AS a
WHERE a.level IN ('County', 'National')
    OR (a.level = 'Regional' AND (a.area_code = region_code() OR a.area = region_name()))
    OR (a.level = 'LA' AND (a.old_la_code = old_la_code() OR a.area_code = new_la_code()))
