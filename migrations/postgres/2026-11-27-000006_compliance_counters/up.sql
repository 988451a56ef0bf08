-- Compliance counters (SPEC §5), kept in the same transaction as each change,
-- by local reception day and by month, per received agency, procedure and
-- channel. A query reads whole months from stats_monthly and the loose days
-- at either end of its range from stats_daily.
CREATE TABLE stats_daily (
    day DATE NOT NULL,
    agency_id BIGINT NOT NULL,
    procedure_id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    dossiers BIGINT NOT NULL DEFAULT 0,
    interagency BIGINT NOT NULL DEFAULT 0,
    electronic BIGINT NOT NULL DEFAULT 0,
    completed BIGINT NOT NULL DEFAULT 0,
    on_time BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, agency_id, procedure_id, channel)
);

CREATE TABLE stats_monthly (
    month DATE NOT NULL,
    agency_id BIGINT NOT NULL,
    procedure_id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    dossiers BIGINT NOT NULL DEFAULT 0,
    interagency BIGINT NOT NULL DEFAULT 0,
    electronic BIGINT NOT NULL DEFAULT 0,
    completed BIGINT NOT NULL DEFAULT 0,
    on_time BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (month, agency_id, procedure_id, channel)
);
