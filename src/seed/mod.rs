//! Seeding a database through the same rules as the API: a demo province
//! to explore, and synthetic data at scale for benchmarks.

pub mod bulk;
pub mod demo;
pub mod synthetic;
