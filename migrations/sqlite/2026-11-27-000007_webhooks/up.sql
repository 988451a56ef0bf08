-- Webhook subscriptions (SPEC §8). `last_event_id` is the last event id handled
-- (delivered, or skipped as not matching); the worker claims a subscription
-- by setting `lease_owner`/`lease_until` with a conditional UPDATE, so
-- several instances on one database deliver each subscription in order.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id BIGINT NOT NULL REFERENCES users (id),
    url TEXT NOT NULL,
    event_types TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_event_id BIGINT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    last_success_at TIMESTAMP,
    lease_owner TEXT,
    lease_until TIMESTAMP
);
CREATE INDEX webhooks_owner_id ON webhooks (owner_id);

-- One row per delivery attempt.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    delivery_id TEXT NOT NULL,
    event_id BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    succeeded BOOLEAN NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms BIGINT NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
