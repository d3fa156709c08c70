-- Public, no figures: the years with top-up funding rows (funding_share's default year
-- is the latest of them).
SELECT DISTINCT time_period
FROM topups
