-- Every measure in the catalogue, in file order, for the data dictionary: the school
-- measures and those the DfE publishes only for LAs, regions and England (area_only: the
-- SEND board's EHC plan measures).
SELECT
    measure, label, subject, kind, unit, multiplier, numerator_label, denominator_label,
    definition, source, higher_is, area_only
FROM measures
ORDER BY sort_order
