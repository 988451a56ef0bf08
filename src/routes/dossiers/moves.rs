//! The lifecycle moves: start, request-supplement, resume, complete, withdraw.

use super::{dossier_ok, if_match, DossierResponse};
use crate::auth::Principal;
use crate::clock::now;
use crate::domain::dossier::Outcome;
use crate::domain::text;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;
use crate::workflow::local_date;
use crate::workflow::moves::{self, MoveInput};
use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

/// A reason, required for supplement requests and withdrawals.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"reason": "Thiếu bản sao giấy khai sinh"}))]
pub struct ReasonRequest {
    /// Why (1–1000 characters).
    pub reason: String,
}

/// The result of a dossier.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"outcome": "approved", "note": "Quyết định kết nạp số 123-QĐ/TU"}))]
pub struct CompleteRequest {
    /// `approved` or `rejected`.
    pub outcome: Outcome,
    /// Optional note.
    pub note: Option<String>,
}

async fn run(
    state: web::Data<AppState>,
    caller: Principal,
    req: HttpRequest,
    id: i64,
    input: MoveInput,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let tz = state.settings.tz;
    let row = state
        .write(move |conn| moves::apply(conn, &caller, tz, id, expected, input, now()))
        .await?;
    Ok(dossier_ok(&DossierResponse::from_row(
        row,
        local_date(now(), tz),
    )))
}

fn reason(body: &ReasonRequest) -> Result<String, ApiError> {
    text::required_text("reason", &body.reason, 1000).map_err(|e| ApiError::Validation(vec![e]))
}

/// Start handling a dossier
///
/// `received` → `processing`. Roles: officer, leader (of the dossier's current agency or,
/// for a leader, an agency below theirs), admin. Not visible → 404; visible but another
/// agency's → 403; stale `If-Match` → 412; not `received` → 409 `invalid_transition`.
#[utoipa::path(
    tag = "dossiers",
    params(("id" = i64, Path, description = "Dossier id", example = 41),
        ("If-Match" = Option<String>, Header, description = "The ETag last read, e.g. \"1\"")),
    responses(
        (status = 200, description = "The moved dossier", body = DossierResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, description = "If-Match is stale", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/start")]
pub async fn start_dossier(
    state: web::Data<AppState>,
    caller: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    run(state, caller, req, id.into_inner(), MoveInput::Start).await
}

/// Ask the applicant for missing documents
///
/// `processing` → `supplement_requested`; the clock stops until `resume`. Body `{reason}`.
/// Roles and errors as for `start`; an empty reason → 422.
#[utoipa::path(
    tag = "dossiers",
    params(("id" = i64, Path, description = "Dossier id", example = 41),
        ("If-Match" = Option<String>, Header, description = "The ETag last read, e.g. \"2\"")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "The moved dossier", body = DossierResponse),
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
#[post("/dossiers/{id}/request-supplement")]
pub async fn request_supplement(
    state: web::Data<AppState>,
    caller: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = reason(&body.0)?;
    run(
        state,
        caller,
        req,
        id.into_inner(),
        MoveInput::RequestSupplement { reason },
    )
    .await
}

/// Resume after a supplement
///
/// `supplement_requested` → `processing`. The due date moves by the working days in
/// (request date, resume date]. Roles and errors as for `start`.
#[utoipa::path(
    tag = "dossiers",
    params(("id" = i64, Path, description = "Dossier id", example = 41),
        ("If-Match" = Option<String>, Header, description = "The ETag last read, e.g. \"3\"")),
    responses(
        (status = 200, description = "The moved dossier", body = DossierResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, description = "If-Match is stale", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/resume")]
pub async fn resume_dossier(
    state: web::Data<AppState>,
    caller: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    run(state, caller, req, id.into_inner(), MoveInput::Resume).await
}

/// Complete a dossier
///
/// `processing` → `completed` with `outcome` (`approved` | `rejected`) and an optional note.
/// On time when the local completion date is on or before `due_date`. Roles and errors as
/// for `start`.
#[utoipa::path(
    tag = "dossiers",
    params(("id" = i64, Path, description = "Dossier id", example = 41),
        ("If-Match" = Option<String>, Header, description = "The ETag last read, e.g. \"4\"")),
    request_body = CompleteRequest,
    responses(
        (status = 200, description = "The completed dossier", body = DossierResponse),
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
#[post("/dossiers/{id}/complete")]
pub async fn complete_dossier(
    state: web::Data<AppState>,
    caller: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<CompleteRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let note = text::optional_text("note", body.note.as_deref(), 1000)
        .map_err(|e| ApiError::Validation(vec![e]))?;
    run(
        state,
        caller,
        req,
        id.into_inner(),
        MoveInput::Complete {
            outcome: body.outcome,
            note,
        },
    )
    .await
}

/// Withdraw a dossier
///
/// Any open status → `withdrawn`, with a `reason`. A pending transfer is closed as rejected.
/// Roles and errors as for `start` (a final dossier → 409 `invalid_transition`).
#[utoipa::path(
    tag = "dossiers",
    params(("id" = i64, Path, description = "Dossier id", example = 41),
        ("If-Match" = Option<String>, Header, description = "The ETag last read, e.g. \"2\"")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "The withdrawn dossier", body = DossierResponse),
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
#[post("/dossiers/{id}/withdraw")]
pub async fn withdraw_dossier(
    state: web::Data<AppState>,
    caller: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = reason(&body.0)?;
    run(
        state,
        caller,
        req,
        id.into_inner(),
        MoveInput::Withdraw { reason },
    )
    .await
}
