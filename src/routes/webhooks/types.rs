//! The request and response bodies of `/webhooks`.

use crate::clock::utc;
use crate::db::webhooks::{DeliveryRow, WebhookRow};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A webhook subscription. The secret is shown only once, when it is created.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 4, "url": "https://dms.btc.example.vn/hooks/lienthong",
    "event_types": ["dossier.received", "dossier.status_changed"], "owner_id": 9,
    "created_at": "2025-05-26T01:00:00Z", "last_event_id": 1042, "failures": 0,
    "next_attempt_at": null, "last_success_at": "2025-05-27T02:15:01Z"
}))]
pub struct WebhookResponse {
    /// Server-assigned id.
    pub id: i64,
    /// Where events are POSTed.
    pub url: String,
    /// The event types delivered; empty means every type.
    pub event_types: Vec<String>,
    /// The user who created it: events are filtered by what this user sees at delivery
    /// time, and deliveries stop while the user is inactive.
    pub owner_id: i64,
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
    /// The last event id handled: delivered, or passed over as not matching. The next
    /// delivery is the first matching event after it.
    pub last_event_id: i64,
    /// Consecutive failed attempts at the next event (0 when healthy).
    pub failures: i32,
    /// When the next attempt is due after a failure (UTC); null when none is waiting.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When an event was last delivered (UTC).
    pub last_success_at: Option<DateTime<Utc>>,
}

impl From<WebhookRow> for WebhookResponse {
    fn from(r: WebhookRow) -> Self {
        Self {
            event_types: r.types(),
            id: r.id,
            url: r.url,
            owner_id: r.owner_id,
            created_at: utc(r.created_at),
            last_event_id: r.last_event_id,
            failures: r.failures,
            next_attempt_at: r.next_attempt_at.map(utc),
            last_success_at: r.last_success_at.map(utc),
        }
    }
}

/// A new subscription, with its secret: the only time the secret is returned.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 4, "url": "https://dms.btc.example.vn/hooks/lienthong",
    "event_types": ["dossier.received", "dossier.status_changed"], "owner_id": 9,
    "created_at": "2025-05-26T01:00:00Z", "last_event_id": 1040, "failures": 0,
    "next_attempt_at": null, "last_success_at": null,
    "secret": "7c1f0e5b2a9d4c8e6f3a1b0d9e8c7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e"
}))]
pub struct CreatedWebhookResponse {
    /// The subscription.
    #[serde(flatten)]
    pub webhook: WebhookResponse,
    /// The key of `X-Lienthong-Signature`: the one given, or the generated one. Keep it:
    /// it is never shown again.
    pub secret: String,
}

/// A new subscription.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "url": "https://dms.btc.example.vn/hooks/lienthong",
    "event_types": ["dossier.received", "dossier.status_changed"],
    "secret": "a-long-shared-secret-for-hmac"
}))]
pub struct CreateWebhookRequest {
    /// Where to POST events: an absolute `http` or `https` URL (at most 2000 characters,
    /// no user name or password in it).
    pub url: String,
    /// Event types to deliver: `dossier.received`, `dossier.status_changed`,
    /// `transfer.sent`, `transfer.accepted`, `transfer.rejected`, `procedure.published`,
    /// `procedure.retired`. Empty or absent: every type.
    pub event_types: Option<Vec<String>>,
    /// The HMAC key, 16 to 256 characters. Absent: the server generates one (64 hex
    /// digits) and returns it in this response only.
    pub secret: Option<String>,
    /// Deliver the events after this id (0 replays the whole feed the owner may see).
    /// Absent: only events written after the subscription is created.
    pub after: Option<i64>,
}

/// One delivery attempt.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 77, "delivery_id": "1b4e28ba-2fa1-41d2-883f-0016d3cca427", "event_id": 1043,
    "event_type": "dossier.status_changed", "attempt": 2, "succeeded": false, "status_code": 503,
    "error": null, "duration_ms": 41, "attempted_at": "2025-05-27T02:15:03Z",
    "next_attempt_at": "2025-05-27T02:15:05Z"
}))]
pub struct DeliveryResponse {
    /// Server-assigned id (newer attempts have larger ids).
    pub id: i64,
    /// The `X-Lienthong-Delivery` header sent with this attempt.
    pub delivery_id: String,
    /// The event (its feed id).
    pub event_id: i64,
    /// The event's type.
    pub event_type: String,
    /// 1 for the first attempt at this event, 2 for the first retry, and so on.
    pub attempt: i32,
    /// Whether the receiver answered 2xx (the subscription then moved on).
    pub succeeded: bool,
    /// The receiver's HTTP status, if it answered.
    pub status_code: Option<i32>,
    /// Why no answer came (timeout, refused connection, …).
    pub error: Option<String>,
    /// How long the attempt took, in milliseconds.
    pub duration_ms: i64,
    /// When it was made (UTC).
    pub attempted_at: DateTime<Utc>,
    /// After a failure: when the event is tried again (UTC).
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl From<DeliveryRow> for DeliveryResponse {
    fn from(r: DeliveryRow) -> Self {
        Self {
            id: r.id,
            delivery_id: r.delivery_id,
            event_id: r.event_id,
            event_type: r.event_type,
            attempt: r.attempt,
            succeeded: r.succeeded,
            status_code: r.status_code,
            error: r.error,
            duration_ms: r.duration_ms,
            attempted_at: utc(r.attempted_at),
            next_attempt_at: r.next_attempt_at.map(utc),
        }
    }
}
