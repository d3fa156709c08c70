-- Suppression: the ONE place disclosure control is defined.
--
-- The files of queries/macros/ are macro scripts, not views: queries.connect() runs
-- them (in name order) after creating the `settings` table from the build's settings
-- ([suppression] of config.toml) and before creating any view. Every public view
-- (queries/public/, no stg_ / int_ prefix) returns its numbers through these macros,
-- so changing a threshold in config.toml changes every page and download at once and
-- nothing else needs editing. Named queries (queries/named/) read public views only.
--
-- The thresholds min_count() and min_denominator() are constant macros that
-- queries.connect() creates from config.toml [suppression] (also stored in the
-- `settings` table). Constants, not subqueries on `settings`, so they fold at
-- plan time.
--
-- Rules:
--   count   a non-zero count below min_count is hidden; zero is shown as 0.
--   rate    hidden when its numerator is non-zero and below min_count, or its
--           denominator is below min_denominator (including 0).
--   mean    (e.g. Attainment 8 = total points / pupils) hidden when the number of
--           pupils is below min_denominator; points are not a count of people.
--   amount  (money) hidden when it is non-zero and the people or places it pays
--           for (its denominator) number fewer than min_count, or are unknown,
--           so one child's funding cannot be read off.
-- withheld  every school contributing to a figure had its source cell withheld
--           by the publisher (value NULL, flag such as 'c'): the figure is NULL and
--           also reported as suppressed, so pages say "suppressed", not "no data".
-- A hidden value is NULL with suppressed = TRUE. Views must also NULL the
-- numerator and denominator they show beside a hidden value (use *_is_suppressed).
-- Complementary (differencing) suppression: queries/complementary.py hides, besides
-- these, the cells that would let a hidden one be worked out by subtraction (its table,
-- int_complementary_cells, is applied by disclosed_area_measure_year,
-- exclusions_by_reason and exclusions_by_characteristic).

CREATE OR REPLACE MACRO count_is_suppressed(n) AS
    coalesce(n > 0 AND n < min_count(), false);

CREATE OR REPLACE MACRO rate_is_suppressed(num, den) AS
    coalesce(num > 0 AND num < min_count(), false) OR coalesce(den < min_denominator(), false);

CREATE OR REPLACE MACRO suppress_count(n) AS
    CASE WHEN count_is_suppressed(n) THEN NULL ELSE n END;

-- multiplier is 100 for a percentage or a rate per 100 pupils.
CREATE OR REPLACE MACRO suppress_rate(num, den, multiplier) AS
    CASE WHEN rate_is_suppressed(num, den) OR NOT den > 0 THEN NULL ELSE multiplier * num / den END;

-- n_known: contributing rows whose cells were published; n_rows: all contributing rows.
CREATE OR REPLACE MACRO all_withheld(n_known, n_rows) AS
    coalesce(n_rows > 0 AND n_known = 0, false);

-- Catalogue measures: kind and multiplier come from the measures table (measures.csv).
CREATE OR REPLACE MACRO measure_is_suppressed(kind, num, den) AS
    CASE kind
        WHEN 'count' THEN count_is_suppressed(num)
        WHEN 'rate' THEN rate_is_suppressed(num, den)
        WHEN 'mean' THEN coalesce(den < min_denominator(), false)
        WHEN 'amount' THEN coalesce(num <> 0 AND (den IS NULL OR den < min_count()), false)
        ELSE true  -- an unknown kind fails closed
    END;

CREATE OR REPLACE MACRO suppress_measure(kind, multiplier, num, den) AS
    CASE
        WHEN measure_is_suppressed(kind, num, den) THEN NULL
        WHEN kind IN ('rate', 'mean') THEN CASE WHEN den > 0 THEN multiplier * num / den END
        ELSE multiplier * num
    END;
