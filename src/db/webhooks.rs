//! Webhook subscriptions, their delivery log, and the worker's lease.

use super::schema::{chain_head, users, webhook_deliveries, webhooks};
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A stored subscription.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: i64,
    pub owner_id: i64,
    pub url: String,
    /// JSON array of event types; empty means every type.
    pub event_types: String,
    pub secret: String,
    pub created_at: NaiveDateTime,
    /// The last event id handled (delivered, or skipped as not matching).
    pub last_event_id: i64,
    /// Consecutive failed attempts at the next event.
    pub failures: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub last_success_at: Option<NaiveDateTime>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
}

impl WebhookRow {
    /// The event types it wants; empty means every type.
    pub fn types(&self) -> Vec<String> {
        serde_json::from_str(&self.event_types).unwrap_or_default()
    }
}

/// A new subscription.
#[derive(Debug, Insertable)]
#[diesel(table_name = webhooks)]
pub struct NewWebhook {
    pub owner_id: i64,
    pub url: String,
    pub event_types: String,
    pub secret: String,
    pub created_at: NaiveDateTime,
    pub last_event_id: i64,
}

/// One delivery attempt.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: i64,
    pub webhook_id: i64,
    pub delivery_id: String,
    pub event_id: i64,
    pub event_type: String,
    pub attempt: i32,
    pub succeeded: bool,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub attempted_at: NaiveDateTime,
    pub next_attempt_at: Option<NaiveDateTime>,
}

/// A new delivery attempt.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct NewDelivery {
    pub webhook_id: i64,
    pub delivery_id: String,
    pub event_id: i64,
    pub event_type: String,
    pub attempt: i32,
    pub succeeded: bool,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub attempted_at: NaiveDateTime,
    pub next_attempt_at: Option<NaiveDateTime>,
}

/// The id of the last event written (0 before the first). Every event up to
/// it has committed: writers take the chain head in turn.
pub fn last_event_id(conn: &mut DbConn) -> QueryResult<i64> {
    chain_head::table
        .find(1)
        .select(chain_head::event_seq)
        .first(conn)
}

/// Inserts a subscription and returns its row.
pub fn insert(conn: &mut DbConn, new: &NewWebhook) -> QueryResult<WebhookRow> {
    diesel::insert_into(webhooks::table)
        .values(new)
        .returning(webhooks::all_columns)
        .get_result(conn)
}

/// One subscription.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<WebhookRow>> {
    webhooks::table
        .find(id)
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()
}

/// A page of subscriptions in id order (of one owner, or all), `limit + 1`
/// rows at most.
pub fn list(
    conn: &mut DbConn,
    owner: Option<i64>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<WebhookRow>> {
    let mut q = webhooks::table
        .select(WebhookRow::as_select())
        .order(webhooks::id.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(owner) = owner {
        q = q.filter(webhooks::owner_id.eq(owner));
    }
    if let Some(after) = after {
        q = q.filter(webhooks::id.gt(after));
    }
    q.load(conn)
}

/// Deletes a subscription and its delivery log.
pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id)))
        .execute(conn)?;
    diesel::delete(webhooks::table.find(id)).execute(conn)
}

/// A page of a subscription's delivery log, newest first, `limit + 1` rows at most.
pub fn deliveries(
    conn: &mut DbConn,
    webhook: i64,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    let mut q = webhook_deliveries::table
        .select(DeliveryRow::as_select())
        .filter(webhook_deliveries::webhook_id.eq(webhook))
        .order(webhook_deliveries::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(webhook_deliveries::id.lt(before));
    }
    q.load(conn)
}

/// Subscriptions with events after their cursor, no retry pending, no live
/// lease, and an owner who is still active: the worker's to-do list.
pub fn due(conn: &mut DbConn, now: NaiveDateTime, head: i64) -> QueryResult<Vec<WebhookRow>> {
    webhooks::table
        .select(WebhookRow::as_select())
        .filter(webhooks::last_event_id.lt(head))
        .filter(
            webhooks::next_attempt_at
                .is_null()
                .or(webhooks::next_attempt_at.le(now)),
        )
        .filter(
            webhooks::lease_until
                .is_null()
                .or(webhooks::lease_until.lt(now)),
        )
        .filter(
            webhooks::owner_id.eq_any(
                users::table
                    .filter(users::active.eq(true))
                    .filter(users::role.eq_any(["admin", "integration"]))
                    .select(users::id),
            ),
        )
        .order(webhooks::id.asc())
        .load(conn)
}

/// Takes the lease of a subscription unless another worker holds a live one,
/// and returns its fresh row when taken. A conditional UPDATE, so two
/// workers cannot both win.
pub fn claim(
    conn: &mut DbConn,
    id: i64,
    worker: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Option<WebhookRow>> {
    diesel::update(
        webhooks::table.filter(webhooks::id.eq(id)).filter(
            webhooks::lease_until
                .is_null()
                .or(webhooks::lease_until.lt(now)),
        ),
    )
    .set((
        webhooks::lease_owner.eq(worker),
        webhooks::lease_until.eq(until),
    ))
    .returning(webhooks::all_columns)
    .get_result(conn)
    .optional()
}

/// Gives the lease back.
pub fn release(conn: &mut DbConn, id: i64, worker: &str) -> QueryResult<()> {
    diesel::update(
        webhooks::table
            .filter(webhooks::id.eq(id))
            .filter(webhooks::lease_owner.eq(worker)),
    )
    .set((
        webhooks::lease_owner.eq(None::<String>),
        webhooks::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

/// Moves the cursor past events that do not match, while holding the lease.
pub fn skip_to(conn: &mut DbConn, id: i64, worker: &str, event_id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        webhooks::table
            .filter(webhooks::id.eq(id))
            .filter(webhooks::lease_owner.eq(worker))
            .filter(webhooks::last_event_id.lt(event_id)),
    )
    .set(webhooks::last_event_id.eq(event_id))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records a delivered event: the cursor moves to it, the failure count
/// resets, the lease is renewed. False (and nothing written) when the lease
/// was lost or the subscription deleted.
pub fn record_success(
    conn: &mut DbConn,
    worker: &str,
    attempt: &NewDelivery,
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        webhooks::table
            .filter(webhooks::id.eq(attempt.webhook_id))
            .filter(webhooks::lease_owner.eq(worker)),
    )
    .set((
        webhooks::last_event_id.eq(attempt.event_id),
        webhooks::failures.eq(0),
        webhooks::next_attempt_at.eq(None::<NaiveDateTime>),
        webhooks::last_success_at.eq(Some(attempt.attempted_at)),
        webhooks::lease_until.eq(lease_until),
    ))
    .execute(conn)?;
    if n == 1 {
        diesel::insert_into(webhook_deliveries::table)
            .values(attempt)
            .execute(conn)?;
    }
    Ok(n == 1)
}

/// Records a failed attempt: the cursor stays, the next try waits until
/// `attempt.next_attempt_at`, and the lease is given back.
pub fn record_failure(conn: &mut DbConn, worker: &str, attempt: &NewDelivery) -> QueryResult<bool> {
    let n = diesel::update(
        webhooks::table
            .filter(webhooks::id.eq(attempt.webhook_id))
            .filter(webhooks::lease_owner.eq(worker)),
    )
    .set((
        webhooks::failures.eq(attempt.attempt),
        webhooks::next_attempt_at.eq(attempt.next_attempt_at),
        webhooks::lease_owner.eq(None::<String>),
        webhooks::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    if n == 1 {
        diesel::insert_into(webhook_deliveries::table)
            .values(attempt)
            .execute(conn)?;
    }
    Ok(n == 1)
}
