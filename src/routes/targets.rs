//! `/targets`: the yearly targets for the share of eligible inter-agency
//! dossiers routed electronically (SPEC §1, §5). Seeded with 2025 → 0.80 and
//! 2030 → 1.00.

use crate::audit::{self, Actor};
use crate::auth::{MaybePrincipal, Principal};
use crate::db::targets::{self as store, TargetRow};
use crate::error::{ApiError, FieldError};
use crate::extract::Json;
use crate::pagination::{Page, PageParams};
use crate::routes::created;
use crate::state::AppState;
use actix_web::{get, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

/// Years a target may be set for.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The target of one year. A year without one takes the target of the latest
/// earlier year that has one.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"year": 2025, "electronic_rate": 0.8}))]
pub struct TargetResponse {
    /// The year.
    pub year: i32,
    /// The share (0 to 1) of eligible inter-agency dossiers to route electronically.
    pub electronic_rate: f64,
}

impl From<TargetRow> for TargetResponse {
    fn from(row: TargetRow) -> Self {
        Self {
            year: row.year,
            electronic_rate: row.electronic_rate,
        }
    }
}

/// A year's target.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"electronic_rate": 0.9}))]
pub struct PutTargetRequest {
    /// The share (0 to 1) of eligible inter-agency dossiers to route electronically.
    pub electronic_rate: f64,
}

/// List targets
///
/// Targets in year order, cursor-paginated. Public: no token needed.
///
/// Errors: 400 for a malformed query or cursor, 401 for a bad token, 422 for
/// a `limit` out of range.
#[utoipa::path(
    tag = "calendar",
    params(PageParams),
    responses(
        (status = 200, description = "A page of targets", body = Page<TargetResponse>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security((), ("bearer" = []))
)]
#[get("/targets")]
pub async fn list_targets(
    state: web::Data<AppState>,
    _caller: MaybePrincipal,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<TargetResponse>>, ApiError> {
    let limit = page.limit()?;
    let after = page
        .after_id()?
        .map(i32::try_from)
        .transpose()
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_cursor",
                "`cursor` is not a cursor this list gave out",
            )
        })?;
    let rows = state
        .read(move |conn| Ok(store::list(conn, after, limit)?))
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| vec![r.year.to_string()],
        TargetResponse::from,
    )))
}

/// Get a year's target
///
/// The target set for exactly this year. Public: no token needed.
///
/// Errors: 400 for a non-numeric year, 401 for a bad token, 404 when the year
/// has no target of its own.
#[utoipa::path(
    tag = "calendar",
    params(("year" = i32, Path, description = "The year", example = 2025)),
    responses(
        (status = 200, description = "The target", body = TargetResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security((), ("bearer" = []))
)]
#[get("/targets/{year}")]
pub async fn get_target(
    state: web::Data<AppState>,
    _caller: MaybePrincipal,
    year: web::Path<i32>,
) -> Result<web::Json<TargetResponse>, ApiError> {
    let year = year.into_inner();
    let row = state.read(move |conn| Ok(store::find(conn, year)?)).await?;
    row.map(|r| web::Json(r.into()))
        .ok_or_else(|| ApiError::not_found("target"))
}

/// Set a year's target
///
/// Roles: admin. Sets the electronic routing target of `year`, replacing any
/// target it had. Compliance statistics use it from then on.
///
/// Answers 201 with `Location` when the year had no target, 200 when its
/// target was replaced. Errors: 400 for a non-numeric year, 422 for a year
/// outside 2000–2100 or a rate outside 0–1.
#[utoipa::path(
    tag = "calendar",
    params(("year" = i32, Path, description = "The year (2000–2100)", example = 2027)),
    request_body = PutTargetRequest,
    responses(
        (status = 200, description = "The target, replaced", body = TargetResponse),
        (status = 201, description = "The new target", body = TargetResponse,
            headers(("Location" = String, description = "URL of the target"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 415, description = "Body not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[put("/targets/{year}")]
pub async fn put_target(
    state: web::Data<AppState>,
    caller: Principal,
    year: web::Path<i32>,
    body: Json<PutTargetRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let year = year.into_inner();
    let rate = body.0.electronic_rate;
    let mut errors = Vec::new();
    if !YEARS.contains(&year) {
        errors.push(FieldError::new("year", "must be from 2000 to 2100"));
    }
    if !(0.0..=1.0).contains(&rate) {
        errors.push(FieldError::new(
            "electronic_rate",
            "must be from 0 to 1 (a share, not a percentage)",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let target = TargetRow {
        year,
        electronic_rate: rate,
    };
    let actor = Actor::from(&caller);
    let (before, target) = state
        .write(move |conn| {
            let before = store::put(conn, &target)?;
            let after = json!({"year": year, "electronic_rate": rate});
            let (action, data) = match &before {
                None => ("target.created", json!({ "after": after })),
                Some(old) => (
                    "target.updated",
                    json!({"before": {"year": year, "electronic_rate": old.electronic_rate},
                           "after": after}),
                ),
            };
            audit::record(conn, &actor, action, "target", Some(i64::from(year)), data)?;
            Ok((before, target))
        })
        .await?;
    let body = TargetResponse::from(target);
    Ok(match before {
        None => created(&format!("/api/v1/targets/{year}"), &body),
        Some(_) => HttpResponse::Ok().json(body),
    })
}

/// Registers the target operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_targets)
        .service(get_target)
        .service(put_target);
}
