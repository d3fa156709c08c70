-- materialized: table
-- (computed once by the ETL, stored sorted so filtered reads skip row groups:
-- pages filter by partnership or locality and year, or one school)
-- Public: one row per school and year with the headline measures side by side
-- (already suppressed: a pivot of area_measure_year at School level).
-- The headline measures are the catalogue's (contract/measures.csv, headline = true): the
-- /*headline_...*/ markers are written out from it (queries/catalogue_sql.py).
-- suppressed_measures lists the headline measures hidden for this school and year.
-- urn, partnership and locality come from the pivot itself (not the join) so
-- filters on them reach the school-level rows, and the Parquet scans, first.
WITH wide AS (
    SELECT
        urn,
        time_period,
        year,
        area_name AS school_name,
        parent_area AS partnership,
        locality,
        /*headline_pivot*/
        list(measure ORDER BY measure) FILTER (WHERE suppressed) AS suppressed_measures
    FROM area_measure_year
    WHERE level = 'School'
        -- only the headline measures: the other branches fold away at plan time
        AND measure IN (/*headline_measures*/)
    GROUP BY urn, time_period, year, area_name, parent_area, locality
)
SELECT
    w.urn,
    w.school_name,
    y.phase,
    w.partnership,
    w.locality,
    y.lineage_urn,
    w.time_period,
    w.year,
    /*headline_columns:w*/
    coalesce(w.suppressed_measures, []) AS suppressed_measures
FROM wide AS w
JOIN school_year AS y ON y.urn = w.urn AND y.time_period = w.time_period
ORDER BY w.locality, w.partnership, w.urn, w.time_period  -- clusters rows for row-group skipping
