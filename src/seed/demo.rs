//! Placeholder: filled in by the demo work.

use crate::config::Settings;
use crate::db::Database;

/// Seeds the demo province into an empty database; returns a message for the operator.
pub fn run(_db: &Database, _settings: &Settings) -> Result<String, String> {
    Err("the demo seed is not available yet".into())
}
