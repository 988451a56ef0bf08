DROP TABLE event_agencies;
DROP TABLE events;
DROP TABLE audit_log;
DROP TABLE chain_head;
