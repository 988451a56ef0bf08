CREATE TABLE agencies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id BIGINT REFERENCES agencies (id),
    level TEXT NOT NULL CHECK (level IN ('province', 'district', 'grassroots')),
    head_name TEXT,
    head_title TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agencies_parent_id ON agencies (parent_id);
