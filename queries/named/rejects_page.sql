-- One page of ETL problems in the order of rejects.sql, optionally for one file and one
-- rule ($source_file / $rule NULL: all).
SELECT source_file, source_row, column_name, value, rule, reason, severity
FROM rejects
WHERE ($source_file IS NULL OR source_file = $source_file)
  AND ($rule IS NULL OR rule = $rule)
ORDER BY severity = 'warning', source_file, source_row, column_name, rule, reason
LIMIT $limit OFFSET $offset
