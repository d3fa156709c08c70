-- Display helpers shared by views and named queries (macro script, not a view).

-- 202324 -> '2023/24', the label users see for an academic (or financial) year.
CREATE OR REPLACE MACRO period_label(tp) AS
    CAST(tp // 100 AS VARCHAR) || '/' || lpad(CAST(tp % 100 AS VARCHAR), 2, '0');
