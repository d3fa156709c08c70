-- materialized: table
-- Internal: each school's measures per year with its name, phase, partnership and
-- locality for that year (from school_year). UNSUPPRESSED numerators.
-- Materialised (the header line): computed by the ETL into the build (see
-- queries.persist_materialized_views), else as a table when the connection opens.
SELECT
    f.time_period,
    f.urn,
    y.lineage_urn,
    y.school_name,
    y.phase,
    y.partnership,
    y.locality,
    f.measure,
    f.numerator,
    f.denominator,
    f.numerator_flag,
    f.denominator_flag,
    f.is_known
FROM int_measure_fact AS f
JOIN school_year AS y ON y.time_period = f.time_period AND y.urn = f.urn
ORDER BY f.measure, f.time_period, f.urn  -- clusters rows for row-group skipping
