//! Webhooks (SPEC §8): the change feed pushed to subscribers' URLs, signed,
//! in order, at least once, with retries and a delivery log.

pub mod delivery;
pub mod signature;
pub mod subscription;
pub mod worker;

use crate::state::AppState;
use actix_web::web;
use std::sync::Arc;

/// The event types a subscription may ask for.
pub const EVENT_TYPES: [&str; 7] = [
    "dossier.received",
    "dossier.status_changed",
    "transfer.sent",
    "transfer.accepted",
    "transfer.rejected",
    "procedure.published",
    "procedure.retired",
];

/// Starts the background delivery worker on the current async runtime. It
/// holds only a weak reference to the state and stops once the app is
/// dropped (or when the runtime shuts down).
pub fn spawn_worker(state: &web::Data<AppState>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        log::warn!("webhook deliveries are off: no async runtime to run them on");
        return;
    };
    let state = Arc::downgrade(&state.clone().into_inner());
    match worker::Worker::new(state, worker::Tuning::default()) {
        Ok(w) => {
            runtime.spawn(worker::run(Arc::new(w)));
        }
        Err(e) => log::error!("webhook deliveries are off: {e}"),
    }
}
