-- The measure catalogue in file order, optionally one subject.
SELECT
    measure, label, subject, kind, unit, multiplier, numerator_label, denominator_label,
    definition, source, higher_is
FROM measures
WHERE $subject IS NULL OR subject = $subject
ORDER BY sort_order
