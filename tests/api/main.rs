//! Black-box tests: the real app over HTTP, on SQLite and on PostgreSQL.

mod helpers;

mod agencies;
mod audit_feed;
mod auth;
mod catalog_stats;
mod compliance;
mod demo;
mod dossiers;
mod errors;
mod holidays_targets;
mod identity_provider;
mod operations;
mod procedures;
mod synthetic;
mod transfers;
mod users;
mod webhooks;
