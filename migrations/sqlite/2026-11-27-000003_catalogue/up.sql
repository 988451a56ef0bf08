CREATE TABLE procedures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    field TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL DEFAULT '',
    lead_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    interagency BOOLEAN NOT NULL,
    electronic_eligible BOOLEAN NOT NULL,
    processing_days INTEGER NOT NULL CHECK (processing_days >= 1),
    documents TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
    version INTEGER NOT NULL DEFAULT 1,
    published_at TIMESTAMP,
    retired_at TIMESTAMP,
    supersedes_id BIGINT REFERENCES procedures (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- A code is live (published) at most once.
CREATE UNIQUE INDEX procedures_live_code ON procedures (code) WHERE status = 'published';
CREATE INDEX procedures_code ON procedures (code);
CREATE INDEX procedures_status ON procedures (status, id);
CREATE INDEX procedures_field ON procedures (field);
CREATE INDEX procedures_lead_agency_id ON procedures (lead_agency_id);
CREATE INDEX procedures_supersedes_id ON procedures (supersedes_id);

CREATE TABLE procedure_steps (
    procedure_id BIGINT NOT NULL REFERENCES procedures (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    action TEXT NOT NULL,
    days INTEGER NOT NULL CHECK (days >= 0),
    PRIMARY KEY (procedure_id, seq)
);
CREATE INDEX procedure_steps_agency_id ON procedure_steps (agency_id, procedure_id);

CREATE TABLE holidays (
    date DATE PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE targets (
    year INTEGER PRIMARY KEY NOT NULL,
    electronic_rate DOUBLE PRECISION NOT NULL CHECK (electronic_rate >= 0 AND electronic_rate <= 1)
);
INSERT INTO targets (year, electronic_rate) VALUES (2025, 0.8), (2030, 1.0);
