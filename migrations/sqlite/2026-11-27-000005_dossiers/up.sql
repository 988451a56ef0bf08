CREATE TABLE dossiers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    procedure_id BIGINT NOT NULL REFERENCES procedures (id),
    title TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_kind TEXT NOT NULL CHECK (applicant_kind IN ('member', 'organisation')),
    applicant_reference TEXT,
    applicant_contact TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('in_person', 'postal', 'online', 'integration')),
    received_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    current_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    status TEXT NOT NULL CHECK (status IN ('received', 'processing', 'in_transfer', 'supplement_requested', 'completed', 'withdrawn')),
    outcome TEXT CHECK (outcome IN ('approved', 'rejected')),
    received_at TIMESTAMP NOT NULL,
    received_date DATE NOT NULL,
    due_date DATE NOT NULL,
    completed_at TIMESTAMP,
    completed_date DATE,
    paused_since DATE,
    -- Filed under an inter-agency, electronic-eligible procedure (SPEC §5).
    eligible BOOLEAN NOT NULL,
    transfer_count INTEGER NOT NULL DEFAULT 0,
    paper_transfer_count INTEGER NOT NULL DEFAULT 0,
    documents TEXT NOT NULL,
    search_text TEXT NOT NULL,
    lookup_key_hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX dossiers_received_at ON dossiers (received_at, id);
CREATE INDEX dossiers_status ON dossiers (status, received_at, id);
CREATE INDEX dossiers_procedure ON dossiers (procedure_id, received_at, id);
CREATE INDEX dossiers_current_agency ON dossiers (current_agency_id, received_at, id);
CREATE INDEX dossiers_received_agency ON dossiers (received_agency_id, received_date);
CREATE INDEX dossiers_received_date ON dossiers (received_date);
CREATE INDEX dossiers_open ON dossiers (received_date, received_agency_id, procedure_id, channel, due_date)
    WHERE status IN ('received', 'processing', 'in_transfer', 'supplement_requested');

-- The agencies that see a dossier: where it was received and both ends of
-- each of its transfers (the current agency is always one of them).
CREATE TABLE dossier_agencies (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    PRIMARY KEY (agency_id, dossier_id)
);
CREATE INDEX dossier_agencies_dossier ON dossier_agencies (dossier_id);

CREATE TABLE dossier_sequences (
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    day DATE NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (agency_id, day)
);

CREATE TABLE transfers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    from_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    to_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    method TEXT NOT NULL CHECK (method IN ('electronic', 'paper')),
    step_seq INTEGER,
    on_process BOOLEAN NOT NULL,
    note TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    sent_at TIMESTAMP NOT NULL,
    sent_by BIGINT NOT NULL REFERENCES users (id),
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users (id),
    reason TEXT
);
-- At most one pending transfer per dossier, whatever races.
CREATE UNIQUE INDEX transfers_one_pending ON transfers (dossier_id) WHERE status = 'pending';
CREATE INDEX transfers_dossier ON transfers (dossier_id, id);
CREATE INDEX transfers_to ON transfers (to_agency_id, status, id);
CREATE INDEX transfers_from ON transfers (from_agency_id, status, id);

CREATE TABLE dossier_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    actor_username TEXT,
    actor_agency_id BIGINT,
    agency_id BIGINT NOT NULL,
    transfer_id BIGINT,
    note TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX dossier_history_dossier ON dossier_history (dossier_id, id);

CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    location TEXT,
    etag TEXT,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
