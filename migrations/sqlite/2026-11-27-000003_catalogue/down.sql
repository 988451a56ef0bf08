DROP TABLE targets;
DROP TABLE holidays;
DROP TABLE procedure_steps;
DROP TABLE procedures;
