//! `/transfers`: each agency's inbox and outbox, and the destination's decision.

use crate::auth::{Principal, Visibility};
use crate::clock::{now, utc};
use crate::db::transfers::{self as store, Direction, TransferQuery, TransferRow};
use crate::domain::dossier::{TransferMethod, TransferStatus};
use crate::domain::text;
use crate::error::ApiError;
use crate::extract::Json;
use crate::pagination::{Page, PageParams};
use crate::routes::dossiers::if_match;
use crate::state::AppState;
use crate::workflow::transfers::{decide, visible_transfer};
use actix_web::{get, post, web, HttpRequest};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A transfer of a dossier between agencies.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 3, "dossier_id": 41, "from_agency_id": 2, "to_agency_id": 3, "method": "electronic",
    "step_seq": 2, "on_process": true, "note": "Chuyển Ủy ban Kiểm tra thẩm định", "status": "pending",
    "sent_at": "2025-05-27T02:15:00Z", "sent_by": 5, "decided_at": null, "decided_by": null, "reason": null
}))]
pub struct TransferResponse {
    /// Server-assigned id.
    pub id: i64,
    /// The dossier.
    pub dossier_id: i64,
    /// Sender.
    pub from_agency_id: i64,
    /// Destination.
    pub to_agency_id: i64,
    /// `electronic` or `paper`.
    pub method: TransferMethod,
    /// The procedure step carried out, if named.
    pub step_seq: Option<i32>,
    /// Whether the destination is named by the procedure's steps.
    pub on_process: bool,
    /// Sender's note.
    pub note: Option<String>,
    /// `pending`, `accepted` or `rejected`.
    pub status: TransferStatus,
    /// When it was sent (UTC).
    pub sent_at: DateTime<Utc>,
    /// Who sent it.
    pub sent_by: i64,
    /// When the destination decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// Who decided.
    pub decided_by: Option<i64>,
    /// Why it was rejected.
    pub reason: Option<String>,
}

impl From<TransferRow> for TransferResponse {
    fn from(r: TransferRow) -> Self {
        Self {
            id: r.id,
            dossier_id: r.dossier_id,
            from_agency_id: r.from_agency_id,
            to_agency_id: r.to_agency_id,
            method: TransferMethod::parse(&r.method).unwrap_or(TransferMethod::Paper),
            step_seq: r.step_seq,
            on_process: r.on_process,
            note: r.note,
            status: TransferStatus::parse(&r.status).unwrap_or(TransferStatus::Pending),
            sent_at: utc(r.sent_at),
            sent_by: r.sent_by,
            decided_at: r.decided_at.map(utc),
            decided_by: r.decided_by,
            reason: r.reason,
        }
    }
}

/// `incoming` (inbox) or `outgoing` (outbox).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DirectionParam {
    /// Sent to the agency.
    Incoming,
    /// Sent by the agency.
    Outgoing,
}

/// Filters of the transfer list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransferFilter {
    /// Inbox or outbox of `agency_id` (or of the caller's agencies); both when absent.
    pub direction: Option<DirectionParam>,
    /// Whose inbox or outbox (default: every agency the caller sees); outside visibility → 403.
    pub agency_id: Option<i64>,
    /// Only this status.
    pub status: Option<TransferStatus>,
    /// Only this dossier's transfers.
    pub dossier_id: Option<i64>,
}

/// List transfers
///
/// Roles: officer, leader, integration, inspector, admin — transfers of dossiers visible to
/// the caller, newest first, cursor-paginated. `direction=incoming&status=pending` is an
/// agency's inbox.
#[utoipa::path(
    tag = "transfers",
    params(PageParams, TransferFilter),
    responses(
        (status = 200, description = "A page of transfers", body = Page<TransferResponse>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[get("/transfers")]
pub async fn list_transfers(
    state: web::Data<AppState>,
    caller: Principal,
    page: web::Query<PageParams>,
    filter: web::Query<TransferFilter>,
) -> Result<web::Json<Page<TransferResponse>>, ApiError> {
    let limit = page.limit()?;
    let after = page.after_id()?;
    let f = filter.into_inner();
    let agencies = match (f.agency_id, &caller.visibility) {
        (Some(a), v) if !v.contains(a) => {
            return Err(ApiError::Forbidden(
                "this agency is outside your visibility".into(),
            ))
        }
        (Some(a), _) => Some(vec![a]),
        (None, Visibility::All) => None,
        (None, v) => v.ids(),
    };
    let query = TransferQuery {
        visible: caller.visibility.ids(),
        agencies,
        direction: f.direction.map(|d| match d {
            DirectionParam::Incoming => Direction::Incoming,
            DirectionParam::Outgoing => Direction::Outgoing,
        }),
        status: f.status.map(|s| s.as_str().to_string()),
        dossier_id: f.dossier_id,
        after,
    };
    let rows = state
        .read(move |conn| Ok(store::list(conn, &query, limit)?))
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| vec![r.id.to_string()],
        TransferResponse::from,
    )))
}

/// Get a transfer
///
/// Roles: as for listing; a transfer of a dossier the caller cannot see → 404.
#[utoipa::path(
    tag = "transfers",
    params(("id" = i64, Path, description = "Transfer id", example = 3)),
    responses(
        (status = 200, description = "The transfer", body = TransferResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/transfers/{id}")]
pub async fn get_transfer(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
) -> Result<web::Json<TransferResponse>, ApiError> {
    let id = id.into_inner();
    let row = state
        .read(move |conn| visible_transfer(conn, &caller, id))
        .await?;
    Ok(web::Json(row.into()))
}

/// Why a transfer is refused.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"reason": "Hồ sơ chưa có ý kiến của chi bộ"}))]
pub struct RejectRequest {
    /// Why (1–1000 characters).
    pub reason: String,
}

/// Accept a transfer
///
/// Roles: officer, leader (of the destination agency), admin. The dossier moves to the
/// destination and back to `processing`. Not pending → 409 `invalid_transition`; another
/// agency's inbox → 403; not visible → 404; `If-Match` names the dossier's version (412).
#[utoipa::path(
    tag = "transfers",
    params(("id" = i64, Path, description = "Transfer id", example = 3),
        ("If-Match" = Option<String>, Header, description = "The dossier's ETag last read")),
    responses(
        (status = 200, description = "The accepted transfer", body = TransferResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, description = "If-Match is stale", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/transfers/{id}/accept")]
pub async fn accept_transfer(
    state: web::Data<AppState>,
    caller: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
) -> Result<web::Json<TransferResponse>, ApiError> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let (row, _) = state
        .write(move |conn| decide(conn, &caller, id, expected, true, None, now()))
        .await?;
    Ok(web::Json(row.into()))
}

/// Reject a transfer
///
/// Roles and errors as for accepting; a `reason` is required (422). The dossier goes back
/// to `processing` at the sender.
#[utoipa::path(
    tag = "transfers",
    params(("id" = i64, Path, description = "Transfer id", example = 3),
        ("If-Match" = Option<String>, Header, description = "The dossier's ETag last read")),
    request_body = RejectRequest,
    responses(
        (status = 200, description = "The rejected transfer", body = TransferResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, description = "If-Match is stale", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[post("/transfers/{id}/reject")]
pub async fn reject_transfer(
    state: web::Data<AppState>,
    caller: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<RejectRequest>,
) -> Result<web::Json<TransferResponse>, ApiError> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let reason = text::required_text("reason", &body.0.reason, 1000)
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let (row, _) = state
        .write(move |conn| decide(conn, &caller, id, expected, false, Some(reason), now()))
        .await?;
    Ok(web::Json(row.into()))
}

/// Registers the transfer operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_transfers)
        .service(get_transfer)
        .service(accept_transfer)
        .service(reject_transfer);
}
