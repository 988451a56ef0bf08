//! lienthong: the system of record for administrative procedures of Party
//! agencies — catalogue, dossiers, transfers and compliance statistics.

pub mod audit;
pub mod auth;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod compliance;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod extract;
pub mod openapi;
pub mod pagination;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod state;
pub mod webhooks;
pub mod workflow;
