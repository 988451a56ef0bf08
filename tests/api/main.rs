//! Black-box tests: the real app over HTTP, on SQLite and on PostgreSQL.

mod helpers;

mod agencies;
mod auth;
mod errors;
mod operations;
mod users;
