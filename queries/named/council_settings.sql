-- The council's settings from data/config.toml as the connection sees them: suppression
-- thresholds (min_count, min_denominator), council name and codes. One row.
SELECT min_count, min_denominator, council_name, old_la_code, new_la_code, region_code,
    region_name
FROM settings
