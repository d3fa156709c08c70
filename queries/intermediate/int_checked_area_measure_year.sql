-- Internal: the body of area_measure_year (see there): every catalogue measure for
-- every area and year, SUPPRESSED. Stored in two parts (School rows and the rest) so
-- the small part can be held in memory and the large one read from sorted Parquet.
--
-- Honest totals (docs/architecture.md, "Withheld cells and estimates"):
-- * the County's figure is the DfE's own figure for the LA wherever a file carries the
--   LA row (dfe_la_figure); schools_numerator keeps the sum of its schools' cells;
-- * an area whose schools include withheld cells (n_withheld) is a range: numerator_low
--   / numerator_high are its published sum plus each withheld cell's range, and its
--   numerator and value are an estimate (estimated = true) that shares the LA's residual
--   (the DfE's LA figure minus the county's published sum) equally over the county's
--   withheld cells, each kept within its range; without an LA figure each withheld
--   cell counts as the middle of its range; a cell with no upper bound counts as its
--   lower bound (the figure reads "at least");
-- * a school's own withheld cell is never estimated: it is suppressed.
WITH la AS (
    SELECT
        measure,
        time_period,
        max(numerator) AS la_numerator,
        max(denominator) AS la_denominator
    FROM int_area_measure_year
    WHERE level = 'LA' AND (old_la_code = old_la_code() OR area_code = new_la_code())
    GROUP BY measure, time_period
),

per_cell AS (
    SELECT
        c.measure,
        c.time_period,
        la.la_numerator,
        la.la_denominator,
        CASE WHEN c.n_withheld > 0 THEN
            CASE
                -- no upper bound: a residual could hold schools missing from the county
                WHEN c.withheld_high IS NULL THEN c.withheld_low
                WHEN la.la_numerator IS NOT NULL THEN greatest(c.withheld_low,
                    least(la.la_numerator - coalesce(c.numerator, 0), c.withheld_high))
                ELSE (c.withheld_low + c.withheld_high) / 2
            END / c.n_withheld
        END AS withheld_each
    FROM int_area_measure_year AS c
    LEFT JOIN la ON la.measure = c.measure AND la.time_period = c.time_period
    WHERE c.level = 'County'
),

estimated AS (
    SELECT
        i.*,
        m.kind,
        m.multiplier,
        m.area_only,
        i.level = 'County' AND p.la_numerator IS NOT NULL AS dfe_la_figure,
        i.level NOT IN ('School', 'National', 'Regional', 'LA')
            AND coalesce(i.n_withheld, 0) > 0 AS has_withheld,
        p.la_numerator,
        p.la_denominator,
        p.withheld_each
    FROM int_area_measure_year AS i
    JOIN measures AS m ON m.measure = i.measure
    LEFT JOIN per_cell AS p ON p.measure = i.measure AND p.time_period = i.time_period
),

figures AS (
    SELECT
        *,
        CASE
            WHEN dfe_la_figure THEN la_numerator
            WHEN has_withheld THEN coalesce(numerator, 0) + n_withheld * withheld_each
            ELSE numerator
        END AS figure_numerator,
        CASE WHEN dfe_la_figure THEN la_denominator ELSE denominator END AS figure_denominator,
        CASE
            WHEN dfe_la_figure THEN la_numerator
            WHEN has_withheld THEN coalesce(numerator, 0) + withheld_low
            ELSE numerator
        END AS figure_low,
        CASE
            WHEN dfe_la_figure THEN la_numerator
            WHEN has_withheld THEN coalesce(numerator, 0) + withheld_high
            ELSE numerator
        END AS figure_high
    FROM estimated
),

-- A measure the DfE publishes only for LAs, regions and England (EHC plans) is shown as
-- published: the DfE applied its disclosure control first (a withheld cell is already
-- NULL), no school or locality figure lies below it to be recovered by subtraction, and
-- hiding a published figure (an LA's 6 of 7 plans in 20 weeks in 2014) would only make
-- the app disagree with the DfE.
checked AS (
    SELECT
        *,
        NOT area_only AND (
            measure_is_suppressed(kind, figure_numerator, figure_denominator)
            OR all_withheld(n_schools + coalesce(n_withheld, 0), n_schools + n_schools_missing)
            OR (level = 'School' AND n_withheld > 0)
        ) AS suppressed
    FROM figures
),

final AS (
    SELECT
        level,
        area,
        urn,
        area_name,
        parent_area,
        locality,
        area_code,
        old_la_code,
        time_period,
        period_label(time_period) AS year,
        measure,
        CASE WHEN suppressed THEN NULL ELSE figure_numerator END AS numerator,
        CASE WHEN suppressed THEN NULL ELSE figure_denominator END AS denominator,
        CASE
            WHEN suppressed THEN NULL
            WHEN area_only AND kind IN ('rate', 'mean') THEN
                CASE WHEN figure_denominator > 0
                    THEN multiplier * figure_numerator / figure_denominator END
            WHEN area_only THEN multiplier * figure_numerator
            ELSE suppress_measure(kind, multiplier, figure_numerator, figure_denominator)
        END AS value,
        suppressed,
        n_schools,
        n_schools_missing,
        CASE WHEN n_schools + n_schools_missing > 0
            THEN 100.0 * n_schools / (n_schools + n_schools_missing) END AS coverage_percent,
        NOT suppressed AND has_withheld AND NOT dfe_la_figure AS estimated,
        coalesce(dfe_la_figure, false) AS dfe_la_figure,
        n_withheld,
        CASE WHEN suppressed OR NOT has_withheld OR dfe_la_figure THEN NULL
            WHEN kind = 'rate' THEN multiplier * figure_low / figure_denominator
            ELSE multiplier * figure_low END AS value_low,
        CASE WHEN suppressed OR NOT has_withheld OR dfe_la_figure THEN NULL
            WHEN kind = 'rate' THEN multiplier * figure_high / figure_denominator
            ELSE multiplier * figure_high END AS value_high,
        CASE WHEN suppressed OR level IN ('National', 'Regional', 'LA') THEN NULL
            ELSE numerator END AS schools_numerator,
        -- what each withheld cell counts as this measure and year (internal: the
        -- like-for-like series reuse it; disclosed_area_measure_year drops it)
        withheld_each
    FROM checked
)

SELECT * FROM final
