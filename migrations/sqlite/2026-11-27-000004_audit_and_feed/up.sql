-- One row that every write transaction locks first: it keeps the audit chain
-- linear and makes feed ids increase in commit order.
CREATE TABLE chain_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    audit_seq BIGINT NOT NULL,
    audit_hash TEXT NOT NULL,
    event_seq BIGINT NOT NULL
);
INSERT INTO chain_head (id, audit_seq, audit_hash, event_seq)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);

CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id BIGINT,
    actor_username TEXT,
    actor_role TEXT,
    actor_agency_id BIGINT,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id BIGINT,
    data TEXT NOT NULL,
    request_id TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE events (
    id BIGINT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    event_type TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    public BOOLEAN NOT NULL,
    payload TEXT NOT NULL
);

CREATE TABLE event_agencies (
    event_id BIGINT NOT NULL REFERENCES events (id),
    agency_id BIGINT NOT NULL,
    PRIMARY KEY (agency_id, event_id)
);
