//! Reading dossiers: list, one, history.

use super::{dossier_ok, DossierResponse};
use crate::auth::Principal;
use crate::clock::{now, utc};
use crate::db::dossiers::{self, DossierQuery, HistoryRow};
use crate::domain::dossier::DossierStatus;
use crate::domain::text::fold;
use crate::error::ApiError;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::workflow::access::visible_dossier;
use crate::workflow::local_date;
use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filters of the dossier list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DossierFilter {
    /// Only this status.
    pub status: Option<DossierStatus>,
    /// Only dossiers filed under this procedure version.
    pub procedure_id: Option<i64>,
    /// Only dossiers currently at this agency.
    pub agency_id: Option<i64>,
    /// Received on or after this local date.
    pub received_from: Option<NaiveDate>,
    /// Received on or before this local date.
    pub received_to: Option<NaiveDate>,
    /// `true`: open and past due as of today (local); `false`: not overdue.
    pub overdue: Option<bool>,
    /// Exactly this code.
    pub code: Option<String>,
    /// Text in the code, title or applicant's name (case and diacritics ignored).
    pub q: Option<String>,
}

/// List dossiers
///
/// Roles: officer, leader, integration, inspector, admin — only dossiers visible to the caller
/// (received at, held by, or transferred to or from one of its agencies). Newest first
/// (`received_at`, then id), cursor-paginated. `received_from` after `received_to` → 422.
#[utoipa::path(
    tag = "dossiers",
    params(PageParams, DossierFilter),
    responses(
        (status = 200, description = "A page of dossiers", body = Page<DossierResponse>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[get("/dossiers")]
pub async fn list_dossiers(
    state: web::Data<AppState>,
    caller: Principal,
    page: web::Query<PageParams>,
    filter: web::Query<DossierFilter>,
) -> Result<web::Json<Page<DossierResponse>>, ApiError> {
    let limit = page.limit()?;
    let after = match page.after()? {
        None => None,
        Some(parts) => Some(parse_cursor(&parts)?),
    };
    let f = filter.into_inner();
    if let (Some(from), Some(to)) = (f.received_from, f.received_to) {
        if from > to {
            return Err(ApiError::invalid(
                "received_from",
                "must not be after received_to",
            ));
        }
    }
    let today = local_date(now(), state.settings.tz);
    let text = f.q.as_deref().map(fold).filter(|t| !t.is_empty()).map(|t| {
        format!(
            "%{}%",
            t.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    let query = DossierQuery {
        visible: caller.visibility.ids(),
        status: f.status.map(|s| s.as_str().to_string()),
        procedure_id: f.procedure_id,
        current_agency_id: f.agency_id,
        received_from: f.received_from,
        received_to: f.received_to,
        overdue_before: (f.overdue == Some(true)).then_some(today),
        not_overdue_at: (f.overdue == Some(false)).then_some(today),
        code: f.code,
        text,
        after,
    };
    let rows = state
        .read(move |conn| Ok(dossiers::list(conn, &query, limit)?))
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| {
            vec![
                r.received_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
                r.id.to_string(),
            ]
        },
        |r| DossierResponse::from_row(r, today),
    )))
}

fn parse_cursor(parts: &[String]) -> Result<(chrono::NaiveDateTime, i64), ApiError> {
    let bad = || {
        ApiError::bad_request(
            "invalid_cursor",
            "`cursor` is not a cursor this list gave out",
        )
    };
    match parts {
        [at, id] => Ok((
            chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S%.f").map_err(|_| bad())?,
            id.parse().map_err(|_| bad())?,
        )),
        _ => Err(bad()),
    }
}

/// Get a dossier
///
/// Roles: officer, leader, integration, inspector, admin, when the dossier is visible to
/// them (otherwise 404). Sends `ETag: "<version>"` for `If-Match` on the moves.
#[utoipa::path(
    tag = "dossiers",
    params(("id" = i64, Path, description = "Dossier id", example = 41)),
    responses(
        (status = 200, description = "The dossier", body = DossierResponse,
            headers(("ETag" = String, description = "Version, e.g. \"2\""))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/dossiers/{id}")]
pub async fn get_dossier(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let today = local_date(now(), state.settings.tz);
    let row = state
        .read(move |conn| visible_dossier(conn, &caller, id))
        .await?;
    Ok(dossier_ok(&DossierResponse::from_row(row, today)))
}

/// Who did what to a dossier, and when.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 7, "action": "transfer", "from_status": "processing", "to_status": "in_transfer",
    "actor_id": 5, "actor_username": "officer.btc", "actor_agency_id": 2, "agency_id": 2,
    "transfer_id": 3, "note": "Chuyển Ủy ban Kiểm tra thẩm định", "at": "2025-05-27T02:15:00Z"
}))]
pub struct HistoryEntry {
    /// Entry id (increasing).
    pub id: i64,
    /// `file`, `start`, `request_supplement`, `resume`, `complete`, `withdraw`, `transfer`,
    /// `accept_transfer` or `reject_transfer`.
    pub action: String,
    /// Status before (null for filing).
    pub from_status: Option<DossierStatus>,
    /// Status after.
    pub to_status: DossierStatus,
    /// Who.
    pub actor_id: Option<i64>,
    /// Their username.
    pub actor_username: Option<String>,
    /// Their agency.
    pub actor_agency_id: Option<i64>,
    /// The dossier's current agency after the move.
    pub agency_id: i64,
    /// The transfer involved, if any.
    pub transfer_id: Option<i64>,
    /// Reason or note.
    pub note: Option<String>,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

impl From<HistoryRow> for HistoryEntry {
    fn from(r: HistoryRow) -> Self {
        Self {
            id: r.id,
            action: r.action,
            from_status: r.from_status.as_deref().and_then(DossierStatus::parse),
            to_status: DossierStatus::parse(&r.to_status).unwrap_or(DossierStatus::Received),
            actor_id: r.actor_id,
            actor_username: r.actor_username,
            actor_agency_id: r.actor_agency_id,
            agency_id: r.agency_id,
            transfer_id: r.transfer_id,
            note: r.note,
            at: utc(r.at),
        }
    }
}

/// A dossier's history
///
/// Roles: as for reading the dossier. The timeline, oldest first, cursor-paginated.
#[utoipa::path(
    tag = "dossiers",
    params(("id" = i64, Path, description = "Dossier id", example = 41), PageParams),
    responses(
        (status = 200, description = "A page of the timeline", body = Page<HistoryEntry>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/dossiers/{id}/history")]
pub async fn get_dossier_history(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<HistoryEntry>>, ApiError> {
    let id = id.into_inner();
    let limit = page.limit()?;
    let after = page.after_id()?;
    let rows = state
        .read(move |conn| {
            visible_dossier(conn, &caller, id)?;
            Ok(dossiers::history(conn, id, after, limit)?)
        })
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| vec![r.id.to_string()],
        HistoryEntry::from,
    )))
}
