-- materialized: table
-- Internal: each school's measures per year with its name, phase, partnership and
-- locality for that year (from school_year). UNSUPPRESSED numerators.
-- Materialised (the header line): computed by the ETL into the build (see
-- queries.persist_materialized_views), else as a table when the connection opens.
-- is_withheld: the publisher withheld the numerator of a count or rate (a symbol that
-- config.toml [withheld] says stands for a small number that is not zero) and the
-- denominator, if any, is published. withheld_low / withheld_high: the range the cell
-- stands for (high NULL: no upper bound). Areas count such a cell as that range.
WITH fact AS (
    SELECT
        f.*,
        coalesce(
            NOT f.is_known AND f.numerator IS NULL AND w.low IS NOT NULL
            AND (m.kind = 'count' OR (m.kind = 'rate' AND f.denominator IS NOT NULL)),
            false
        ) AS is_withheld,
        w.low AS range_low,
        w.high AS range_high
    FROM stg_measure_fact AS f
    JOIN measures AS m ON m.measure = f.measure
    LEFT JOIN withheld_ranges AS w
        ON w.fact_table = f.fact_table AND w.symbol = lower(trim(f.numerator_flag))
),

final AS (
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
        f.is_known,
        f.is_withheld,
        CASE WHEN f.is_withheld THEN f.range_low END AS withheld_low,
        CASE WHEN f.is_withheld THEN f.range_high END AS withheld_high
    FROM fact AS f
    JOIN school_year AS y ON y.time_period = f.time_period AND y.urn = f.urn
)

SELECT * FROM final
ORDER BY measure, time_period, urn  -- clusters rows for row-group skipping
