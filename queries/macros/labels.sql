-- Display helpers shared by views and named queries (macro script, not a view).

-- 202324 -> '2023/24', the label users see for an academic (or financial) year; a calendar
-- year (EHC plans, stored as 2021) is shown as itself (contract.periods.label).
CREATE OR REPLACE MACRO period_label(tp) AS
    CASE WHEN tp < 10000 THEN CAST(tp AS VARCHAR)
    ELSE CAST(tp // 100 AS VARCHAR) || '/' || lpad(CAST(tp % 100 AS VARCHAR), 2, '0') END;
