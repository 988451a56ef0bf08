//! `/events`: the change feed (SPEC §8).

use crate::auth::Principal;
use crate::clock::utc;
use crate::domain::dossier::{DossierStatus, TransferMethod, TransferStatus};
use crate::error::ApiError;
use crate::events::{self, EventRow};
use crate::pagination::{Page, MAX_LIMIT};
use crate::state::AppState;
use actix_web::{get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Payload of `dossier.received`.
#[derive(Serialize, ToSchema)]
pub struct DossierReceivedPayload {
    pub dossier_id: i64,
    pub code: String,
    pub procedure_id: i64,
    pub received_agency_id: i64,
    pub status: DossierStatus,
    pub due_date: NaiveDate,
    pub channel: String,
    pub received_at: DateTime<Utc>,
}

/// Payload of `dossier.status_changed`.
#[derive(Serialize, ToSchema)]
pub struct DossierStatusChangedPayload {
    pub dossier_id: i64,
    pub code: String,
    /// `start`, `request_supplement`, `resume`, `complete`, `withdraw`, `transfer`,
    /// `accept_transfer`, `reject_transfer`.
    pub action: String,
    pub from: DossierStatus,
    pub to: DossierStatus,
    pub current_agency_id: i64,
    pub version: i32,
    pub due_date: NaiveDate,
    pub transfer_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// Payload of `transfer.sent`, `transfer.accepted` and `transfer.rejected`.
#[derive(Serialize, ToSchema)]
pub struct TransferPayload {
    pub transfer_id: i64,
    pub dossier_id: i64,
    pub code: String,
    pub from_agency_id: i64,
    pub to_agency_id: i64,
    pub method: TransferMethod,
    pub step_seq: Option<i32>,
    pub on_process: bool,
    pub status: TransferStatus,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// Payload of `procedure.published` and `procedure.retired`.
#[derive(Serialize, ToSchema)]
pub struct ProcedurePayload {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub version: i32,
    /// For `procedure.published`: the version it replaces.
    pub supersedes_id: Option<i64>,
    /// For `procedure.published`.
    pub published_at: Option<DateTime<Utc>>,
    /// For `procedure.retired`.
    pub retired_at: Option<DateTime<Utc>>,
    /// For `procedure.retired`: the version that replaced it, if any.
    pub superseded_by: Option<i64>,
}

/// The payload, by `type`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum EventPayload {
    /// `dossier.received`
    DossierReceived(DossierReceivedPayload),
    /// `dossier.status_changed`
    DossierStatusChanged(DossierStatusChangedPayload),
    /// `transfer.sent`, `transfer.accepted`, `transfer.rejected`
    Transfer(TransferPayload),
    /// `procedure.published`, `procedure.retired`
    Procedure(ProcedurePayload),
}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1042, "type": "transfer.sent", "entity_type": "transfer", "entity_id": 3, "at": "2025-05-27T02:15:00Z",
    "payload": {"transfer_id": 3, "dossier_id": 41, "code": "BTC-TU-250526-0001", "from_agency_id": 2, "to_agency_id": 3,
                "method": "electronic", "step_seq": 2, "on_process": true, "status": "pending", "reason": null,
                "at": "2025-05-27T02:15:00Z"}
}))]
pub struct Event {
    /// Strictly increasing in commit order: poll with `after=<last id seen>`.
    pub id: i64,
    /// `dossier.received`, `dossier.status_changed`, `transfer.sent`, `transfer.accepted`,
    /// `transfer.rejected`, `procedure.published`, `procedure.retired`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// `dossier`, `transfer` or `procedure`.
    pub entity_type: String,
    /// The entity's id.
    pub entity_id: i64,
    /// When it was committed (UTC).
    pub at: DateTime<Utc>,
    /// What changed; its shape depends on `type`.
    #[schema(value_type = EventPayload)]
    pub payload: serde_json::Value,
}

impl From<EventRow> for Event {
    fn from(r: EventRow) -> Self {
        Self {
            id: r.id,
            event_type: r.event_type,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            at: utc(r.at),
            payload: serde_json::from_str(&r.payload).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// Where to read from.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// The last event id already seen (default 0: from the start).
    pub after: Option<i64>,
    /// Events per page, 1 to 500 (default 50).
    pub limit: Option<i64>,
    /// Comma-separated event types to keep (default all).
    #[param(example = "dossier.received,dossier.status_changed")]
    pub types: Option<String>,
}

/// Read the change feed
///
/// Roles: officer, leader, integration, inspector, admin. Events in commit order with
/// strictly increasing ids, filtered by the caller's visibility (dossier and transfer events
/// reach the agencies that see the dossier; procedure events reach everyone). Poll with
/// `after=<last id>` to see every event exactly once. `next_cursor` is non-null when more
/// events are waiting right now.
#[utoipa::path(
    tag = "feed",
    params(FeedParams),
    responses(
        (status = 200, description = "A page of events", body = Page<Event>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: Principal,
    params: web::Query<FeedParams>,
) -> Result<web::Json<Page<Event>>, ApiError> {
    let limit = match params.limit {
        None => 50,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => return Err(ApiError::invalid("limit", "must be from 1 to 500")),
    };
    let after = params.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::invalid("after", "must not be negative"));
    }
    let types: Option<Vec<String>> = params.types.as_deref().map(|t| {
        t.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    });
    let visible = caller.visibility.ids();
    let rows = state
        .read(move |conn| {
            Ok(events::list(
                conn,
                visible.as_deref(),
                types.as_deref(),
                after,
                limit,
            )?)
        })
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| vec![r.id.to_string()],
        Event::from,
    )))
}

/// Registers the feed.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_events);
}
