-- Public: the reconciliation of the county's schools with the DfE's own LA figures. For
-- every count and rate measure and year where a file carries the DfE's Local authority
-- row for the council: that figure (its numerator: exclusions, pupils, sessions …), the
-- sum of the county's published school cells, the cells the DfE withheld and the range
-- they stand for (config.toml [withheld]), and whether the residual (LA figure minus the
-- published sum) fits that range. A residual that does not fit means schools are missing
-- (from GIAS, the membership or the file), or the school cells and the LA row count
-- different things (e.g. figures derived from rounded percentages). County-level sums of
-- published figures only: no small number below the county is shown.
-- A residual within half a unit (or 0.1% of the LA figure, for numerators derived from
-- rounded rates) of the range fits.
WITH la AS (
    SELECT measure, time_period, max(numerator) AS la_figure
    FROM int_area_measure_year
    WHERE level = 'LA' AND (old_la_code = old_la_code() OR area_code = new_la_code())
    GROUP BY measure, time_period
),

county AS (
    SELECT
        c.measure,
        c.time_period,
        coalesce(c.numerator, 0) AS schools_published,
        c.n_schools,
        coalesce(c.n_withheld, 0) AS withheld_cells,
        coalesce(c.withheld_low, 0) AS withheld_low,
        CASE WHEN coalesce(c.n_withheld, 0) = 0 THEN 0 ELSE c.withheld_high END AS withheld_high,
        c.n_schools_missing - coalesce(c.n_withheld, 0) AS other_missing
    FROM int_area_measure_year AS c
    WHERE c.level = 'County'
),

joined AS (
    SELECT
        m.sort_order,
        la.measure,
        m.label,
        m.source,
        la.time_period,
        la.la_figure,
        c.schools_published,
        c.n_schools,
        c.withheld_cells,
        c.withheld_low,
        c.withheld_high,
        c.other_missing,
        la.la_figure - c.schools_published AS residual,
        greatest(0.5, 0.001 * abs(la.la_figure)) AS tolerance
    FROM la
    JOIN county AS c ON c.measure = la.measure AND c.time_period = la.time_period
    JOIN measures AS m ON m.measure = la.measure
    WHERE m.kind IN ('count', 'rate')
),

final AS (
    SELECT
        measure,
        label,
        source,
        time_period,
        period_label(time_period) AS year,
        la_figure,
        schools_published,
        n_schools,
        withheld_cells,
        withheld_low,
        withheld_high,
        other_missing,
        residual,
        CASE
            WHEN residual < withheld_low - tolerance THEN 'below'
            WHEN withheld_high IS NOT NULL AND residual > withheld_high + tolerance THEN 'above'
            ELSE 'fits'
        END AS residual_fits,
        sort_order
    FROM joined
)

SELECT * FROM final
ORDER BY sort_order, time_period
