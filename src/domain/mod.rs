//! The rules, free of HTTP and SQL.

pub mod agency;
pub mod text;
