//! Placeholder: filled in by the webhooks work.

/// Registers this module's operations.
pub fn configure(_cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {}
