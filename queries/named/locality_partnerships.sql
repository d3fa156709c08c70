-- The partnerships of one locality in one year with their headline measures side
-- by side (a pivot of area_measure_year, so every value is already suppressed).
-- n_schools counts the partnership's schools that year (from school_year);
-- The headline measures are the catalogue's (the /*headline_...*/ markers, written out by
-- queries/catalogue_sql.py). suppressed_measures lists those hidden for the partnership.
-- Reads area_measure_year_areas: the rows of area_measure_year for every level but
-- School (the same suppressed rows, held in memory), so no query plan binds the
-- millions of School rows it never returns.
WITH schools AS (
    SELECT partnership, count(DISTINCT urn) AS n_schools
    FROM school_year
    WHERE locality = $locality AND time_period = $time_period AND partnership IS NOT NULL
    GROUP BY partnership
),
wide AS (
    SELECT
        area AS partnership,
        parent_area AS locality,
        time_period,
        year,
        /*headline_pivot*/
        list(measure ORDER BY measure) FILTER (WHERE suppressed) AS suppressed_measures
    FROM area_measure_year_areas
    WHERE level = 'Partnership'
        AND parent_area = $locality
        AND time_period = $time_period
        AND measure IN (/*headline_measures*/)
    GROUP BY area, parent_area, time_period, year
)
SELECT
    w.partnership,
    w.locality,
    w.time_period,
    w.year,
    coalesce(s.n_schools, 0) AS n_schools,
    /*headline_columns:w*/
    coalesce(w.suppressed_measures, []) AS suppressed_measures
FROM wide AS w
LEFT JOIN schools AS s ON s.partnership = w.partnership
ORDER BY w.partnership
