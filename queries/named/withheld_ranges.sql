-- What a withheld cell stands for, per kind of data (config.toml [withheld]), and the
-- default for the rest (at least 1, no upper bound), tables with the same symbols together.
WITH per_table AS (
    SELECT
        fact_table,
        configured,
        string_agg(symbol, ', ' ORDER BY symbol) AS symbols,
        low,
        high
    FROM withheld_ranges
    GROUP BY fact_table, configured, low, high
)

SELECT
    CASE WHEN configured OR count(*) = 1 THEN min(fact_table) ELSE 'other data' END
        AS fact_table,
    symbols,
    low,
    high
FROM per_table
GROUP BY CASE WHEN configured THEN fact_table END, configured, symbols, low, high
ORDER BY configured DESC, count(*), fact_table
