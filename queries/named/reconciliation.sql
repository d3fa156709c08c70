-- The reconciliation of the county's schools with the DfE's LA figures (see the view).
SELECT * EXCLUDE (sort_order)
FROM reconciliation
ORDER BY sort_order, time_period
