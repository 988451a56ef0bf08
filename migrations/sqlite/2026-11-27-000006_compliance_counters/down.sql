DROP TABLE stats_monthly;
DROP TABLE stats_daily;
