-- ETL problems counted by file, rule and severity (the Data page's summary; the rows
-- themselves are read a page at a time by rejects_page).
SELECT source_file, rule, severity, count(*) AS rows
FROM rejects
GROUP BY source_file, rule, severity
ORDER BY severity = 'warning', source_file, rule
