//! `POST /dossiers/{id}/transfers`: send a dossier to another agency.

use super::if_match;
use crate::auth::Principal;
use crate::clock::now;
use crate::db::idempotency::StoredAnswer;
use crate::domain::dossier::TransferMethod;
use crate::domain::text;
use crate::error::ApiError;
use crate::extract::JsonWithRaw;
use crate::routes::idempotency::{self, respond};
use crate::routes::transfers::TransferResponse;
use crate::state::AppState;
use crate::workflow::transfers::{self, SendInput};
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

/// Where and how to send a dossier.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"to_agency_id": 3, "method": "electronic", "step_seq": 2, "note": "Chuyển Ủy ban Kiểm tra thẩm định"}))]
pub struct TransferRequest {
    /// An active agency other than the current one.
    pub to_agency_id: i64,
    /// `electronic` or `paper`.
    pub method: TransferMethod,
    /// The procedure step this transfer carries out, if any (must exist in the procedure).
    pub step_seq: Option<i32>,
    /// A note for the destination (up to 1000 characters).
    pub note: Option<String>,
}

/// Transfer a dossier
///
/// Roles: officer, leader (of the dossier's current agency), admin. Only from `processing`;
/// puts the dossier `in_transfer` with one pending transfer (a second concurrent transfer →
/// 409). The destination must be active and not the current agency (422). `on_process` on
/// the answer tells whether the destination is named by the procedure's steps (recorded,
/// not enforced). Honours `If-Match` (412) and `Idempotency-Key` (replay, or 409
/// `idempotency_key_reused`).
#[utoipa::path(
    tag = "transfers",
    params(("id" = i64, Path, description = "Dossier id", example = 41),
        ("If-Match" = Option<String>, Header, description = "The dossier's ETag last read"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = TransferRequest,
    responses(
        (status = 201, description = "The pending transfer", body = TransferResponse,
            headers(("Location" = String, description = "URL of the transfer"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, description = "If-Match is stale", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/transfers")]
pub async fn transfer_dossier(
    state: web::Data<AppState>,
    caller: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: JsonWithRaw<TransferRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let input = body.value;
    let note = text::optional_text("note", input.note.as_deref(), 1000)
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let key = idempotency::from_request(&req, caller.user_id, &body.raw)?;
    let send = SendInput {
        to_agency_id: input.to_agency_id,
        method: input.method,
        step_seq: input.step_seq,
        note,
    };
    let answer = state
        .write(move |conn| -> Result<StoredAnswer, ApiError> {
            if let Some(stored) = key.as_ref().map(|k| k.replay(conn)).transpose()?.flatten() {
                return Ok(stored);
            }
            let (transfer, _) = transfers::send(conn, &caller, id, expected, send, now())?;
            let body = TransferResponse::from(transfer);
            let location = format!("/api/v1/transfers/{}", body.id);
            let json = serde_json::to_string(&body).map_err(ApiError::internal)?;
            match &key {
                Some(k) => k.store(conn, StatusCode::CREATED, Some(location), None, json),
                None => Ok(StoredAnswer {
                    user_id: caller.user_id,
                    idempotency_key: String::new(),
                    request_hash: String::new(),
                    status_code: 201,
                    location: Some(location),
                    etag: None,
                    body: json,
                    created_at: now(),
                }),
            }
        })
        .await?;
    Ok(respond(&answer))
}
