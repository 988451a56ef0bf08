//! Placeholder: filled in by the webhooks work.

use crate::state::AppState;
use actix_web::web;

/// Starts the background delivery worker.
pub fn spawn_worker(_state: &web::Data<AppState>) {}
