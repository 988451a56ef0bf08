DROP TABLE idempotency_keys;
DROP TABLE dossier_history;
DROP TABLE transfers;
DROP TABLE dossier_sequences;
DROP TABLE dossier_agencies;
DROP TABLE dossiers;
