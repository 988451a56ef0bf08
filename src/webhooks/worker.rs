//! The delivery worker: every tick it claims the subscriptions with events
//! waiting and drains each in its own task, one event at a time, in order.
//!
//! No database lock is held during HTTP: a subscription is claimed by a
//! lease (a conditional UPDATE of `lease_owner`/`lease_until`), so several
//! instances on one database never deliver one subscription at once, and a
//! dead receiver only ever delays its own subscription.

use super::delivery::{self, backoff, Envelope};
use crate::auth::{Role, Visibility};
use crate::clock::now;
use crate::db::webhooks::{self as store, NewDelivery, WebhookRow};
use crate::db::{users, Database, DbConn};
use crate::error::ApiError;
use crate::events;
use crate::routes::events::Event;
use crate::state::AppState;
use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// How the worker paces itself.
#[derive(Clone, Debug)]
pub struct Tuning {
    /// Pause between two looks for work.
    pub poll: Duration,
    /// How long a claim lasts unless renewed (each delivered event renews it).
    pub lease: Duration,
    /// Timeout of one HTTP attempt, connection included.
    pub timeout: Duration,
    /// Events read from the feed at once for one subscription.
    pub batch: i64,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            poll: Duration::from_millis(250),
            lease: Duration::from_secs(60),
            timeout: Duration::from_secs(5),
            batch: 50,
        }
    }
}

/// One worker: its lease name, its client, the subscriptions it is draining.
pub struct Worker {
    id: String,
    state: Weak<AppState>,
    client: reqwest::Client,
    draining: Mutex<HashSet<i64>>,
    tuning: Tuning,
}

impl Worker {
    /// A worker over `state`, which it does not keep alive.
    pub fn new(state: Weak<AppState>, tuning: Tuning) -> reqwest::Result<Self> {
        Ok(Self {
            id: uuid::Uuid::new_v4().to_string(),
            state,
            client: delivery::client(tuning.timeout)?,
            draining: Mutex::new(HashSet::new()),
            tuning,
        })
    }

    /// The database, while the app is alive.
    fn db(&self) -> Option<Database> {
        self.state.upgrade().map(|s| s.db.clone())
    }

    fn lease_until(&self, from: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
        from + chrono::TimeDelta::from_std(self.tuning.lease).unwrap_or(chrono::TimeDelta::MAX)
    }

    fn draining(&self) -> std::sync::MutexGuard<'_, HashSet<i64>> {
        self.draining.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Runs until the app's state is dropped.
pub async fn run(worker: Arc<Worker>) {
    let mut failing = false;
    loop {
        tokio::time::sleep(worker.tuning.poll).await;
        match tick(&worker).await {
            Ok(true) => failing = false,
            Ok(false) => break,
            // One line per outage, not one per tick.
            Err(e) if !failing => {
                log::warn!("webhook worker: {e}");
                failing = true;
            }
            Err(e) => log::debug!("webhook worker: {e}"),
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
}

/// Claims what is due and starts draining it; false once the app is gone.
async fn tick(worker: &Arc<Worker>) -> Result<bool, ApiError> {
    let Some(db) = worker.db() else {
        return Ok(false);
    };
    let busy: Vec<i64> = worker.draining().iter().copied().collect();
    let (id, until) = (worker.id.clone(), worker.lease_until(now()));
    let claimed = blocking(move || {
        let at = now();
        let due: Vec<i64> = {
            let mut conn = db.conn()?;
            let head = store::last_event_id(&mut conn)?;
            store::due(&mut conn, at, head)?
                .into_iter()
                .map(|h| h.id)
                .filter(|h| !busy.contains(h))
                .collect()
        };
        if due.is_empty() {
            return Ok(Vec::new());
        }
        db.write(|conn| {
            let mut won = Vec::new();
            for hook in due {
                won.extend(store::claim(conn, hook, &id, at, until)?);
            }
            Ok::<_, ApiError>(won)
        })
    })
    .await?;
    for hook in claimed {
        worker.draining().insert(hook.id);
        tokio::spawn(drain_task(worker.clone(), hook));
    }
    Ok(true)
}

/// Marks a subscription as being drained by this worker until dropped, even
/// if the task panics.
struct Draining<'a>(&'a Worker, i64);

impl Drop for Draining<'_> {
    fn drop(&mut self) {
        self.0.draining().remove(&self.1);
    }
}

async fn drain_task(worker: Arc<Worker>, hook: WebhookRow) {
    let id = hook.id;
    let _draining = Draining(&worker, id);
    if let Err(e) = drain(&worker, hook).await {
        log::debug!("webhook {id}: stopped draining: {e}");
        // Hand the lease back so the next tick retries at once rather than
        // when the lease runs out.
        if let Some(db) = worker.db() {
            let name = worker.id.clone();
            let _ = blocking(move || db.write(|c| Ok(store::release(c, id, &name)?))).await;
        }
    }
}

/// The owner's visibility now; `None` when they may no longer receive
/// (deactivated, or no longer admin or integration).
fn owner_visibility(conn: &mut DbConn, owner: i64) -> Result<Option<Visibility>, ApiError> {
    let Some(user) = users::find(conn, owner)? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    Ok(match Role::parse(&user.role) {
        Some(Role::Admin) => Some(Visibility::All),
        Some(Role::Integration) => Some(Visibility::Agencies(
            user.agency_id.into_iter().collect::<BTreeSet<_>>(),
        )),
        _ => None,
    })
}

/// Delivers the subscription's waiting events in order until it is caught
/// up (lease released) or an attempt fails (retry scheduled, lease released).
async fn drain(worker: &Worker, hook: WebhookRow) -> Result<(), ApiError> {
    let types = hook.types();
    let types = (!types.is_empty()).then_some(types);
    let mut cursor = hook.last_event_id;
    let mut failures = hook.failures;
    loop {
        let Some(db) = worker.db() else {
            return Ok(());
        };
        let (owner, types, batch) = (hook.owner_id, types.clone(), worker.tuning.batch);
        let read = db.clone();
        let waiting = blocking(move || {
            let mut conn = read.conn()?;
            let Some(visibility) = owner_visibility(&mut conn, owner)? else {
                return Ok(None);
            };
            // The head first: every event up to it has committed, so when
            // none of them match, the cursor may move to it.
            let head = store::last_event_id(&mut conn)?;
            let ids = visibility.ids();
            let rows = events::list(&mut conn, ids.as_deref(), types.as_deref(), cursor, batch)?;
            Ok(Some((head, rows)))
        })
        .await?;
        let (id, name) = (hook.id, worker.id.clone());
        let rows = match waiting {
            Some((head, rows)) if rows.is_empty() => {
                blocking(move || {
                    db.write(|c| {
                        store::skip_to(c, id, &name, head)?;
                        Ok(store::release(c, id, &name)?)
                    })
                })
                .await?;
                return Ok(());
            }
            Some((_, rows)) => rows,
            None => {
                blocking(move || db.write(|c| Ok(store::release(c, id, &name)?))).await?;
                return Ok(());
            }
        };
        for row in rows {
            if worker.state.strong_count() == 0 {
                return Ok(());
            }
            let event = Event::from(row);
            let attempt = failures + 1;
            let delivered = deliver(worker, &hook, &event, attempt).await?;
            match delivered {
                Some(true) => {
                    cursor = event.id;
                    failures = 0;
                }
                // Failed (a retry is scheduled) or the lease is lost.
                Some(false) | None => return Ok(()),
            }
        }
    }
}

/// One attempt at one event, logged. `Some(true)` when delivered and the
/// cursor moved; `Some(false)` when it failed and a retry is scheduled;
/// `None` when the lease was lost or the subscription deleted meanwhile.
async fn deliver(
    worker: &Worker,
    hook: &WebhookRow,
    event: &Event,
    attempt: i32,
) -> Result<Option<bool>, ApiError> {
    let body = serde_json::to_vec(event).map_err(ApiError::internal)?;
    let delivery_id = uuid::Uuid::new_v4().to_string();
    let envelope = Envelope {
        secret: &hook.secret,
        event_type: &event.event_type,
        delivery_id: &delivery_id,
    };
    let outcome = delivery::post(&worker.client, &hook.url, &envelope, body).await;
    let at = now();
    let ok = outcome.delivered();
    let wait = backoff(attempt);
    let record = NewDelivery {
        webhook_id: hook.id,
        delivery_id,
        event_id: event.id,
        event_type: event.event_type.clone(),
        attempt,
        succeeded: ok,
        status_code: outcome.status.map(i32::from),
        error: outcome.error.clone(),
        duration_ms: i64::try_from(outcome.duration.as_millis()).unwrap_or(i64::MAX),
        attempted_at: at,
        next_attempt_at: (!ok).then(|| at + chrono::TimeDelta::from_std(wait).unwrap_or_default()),
    };
    if !ok {
        log::info!(
            "webhook {}: event {} not delivered (attempt {attempt}: {}); next try in {}s",
            hook.id,
            event.id,
            outcome
                .status
                .map(|s| format!("HTTP {s}"))
                .or(outcome.error)
                .unwrap_or_default(),
            wait.as_secs()
        );
    }
    let Some(db) = worker.db() else {
        return Ok(None);
    };
    let (name, until) = (worker.id.clone(), worker.lease_until(at));
    let kept = blocking(move || {
        db.write(|c| {
            Ok(if ok {
                store::record_success(c, &name, &record, until)?
            } else {
                store::record_failure(c, &name, &record)?
            })
        })
    })
    .await?;
    Ok(kept.then_some(ok))
}
