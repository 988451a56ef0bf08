//! Placeholder: filled in by the synthetic-data work.

use crate::config::Settings;
use crate::db::Database;

/// What to generate.
#[derive(Clone, Debug)]
pub struct SyntheticOptions {
    /// Dossiers to create.
    pub dossiers: u64,
    /// First year of reception.
    pub from_year: i32,
    /// Last year of reception.
    pub to_year: i32,
    /// Random seed.
    pub seed: u64,
}

/// Generates synthetic data; returns a summary for the operator.
pub fn run(
    _db: &Database,
    _settings: &Settings,
    _options: &SyntheticOptions,
) -> Result<String, String> {
    Err("synthetic seeding is not available yet".into())
}
