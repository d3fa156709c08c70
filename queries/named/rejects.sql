-- ETL problems: rejected rows first, then warnings, in file order.
SELECT source_file, source_row, column_name, value, rule, reason, severity
FROM rejects
ORDER BY severity = 'warning', source_file, source_row, column_name
