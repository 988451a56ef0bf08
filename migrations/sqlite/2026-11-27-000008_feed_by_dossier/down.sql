CREATE TABLE event_agencies (
    event_id BIGINT NOT NULL REFERENCES events (id),
    agency_id BIGINT NOT NULL,
    PRIMARY KEY (agency_id, event_id)
);
INSERT INTO event_agencies (event_id, agency_id)
    SELECT e.id, da.agency_id FROM events e JOIN dossier_agencies da ON da.dossier_id = e.dossier_id;
DROP INDEX events_dossier_id;
ALTER TABLE events DROP COLUMN dossier_id;
