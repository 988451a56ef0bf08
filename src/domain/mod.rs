//! The rules, free of HTTP and SQL.

pub mod agency;
pub mod calendar;
pub mod compliance;
pub mod dossier;
pub mod procedure;
pub mod text;
