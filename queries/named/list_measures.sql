-- The measure catalogue in file order, optionally one subject; the measures published for
-- LAs only (EHC plans: the SEND board's) are left out, since no area of schools has them.
SELECT
    measure, label, subject, kind, unit, multiplier, numerator_label, denominator_label,
    definition, source, higher_is
FROM measures
WHERE ($subject IS NULL OR subject = $subject) AND NOT area_only
ORDER BY sort_order
