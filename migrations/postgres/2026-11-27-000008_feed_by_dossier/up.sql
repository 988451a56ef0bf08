-- Feed visibility follows the dossier (SPEC §6): an event about a dossier is
-- seen by whoever sees the dossier, read through dossier_agencies, instead of
-- a copy of the audience per event.
ALTER TABLE events ADD COLUMN dossier_id BIGINT;
CREATE INDEX events_dossier_id ON events (dossier_id, id);
UPDATE events SET dossier_id = entity_id WHERE entity_type = 'dossier';
UPDATE events SET dossier_id = (SELECT t.dossier_id FROM transfers t WHERE t.id = events.entity_id)
    WHERE entity_type = 'transfer';
DROP TABLE event_agencies;
