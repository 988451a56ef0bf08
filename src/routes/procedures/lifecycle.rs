//! Publishing and retiring procedures.

use super::checks::{check_agencies, validated};
use super::types::{draft_of, ProcedureResponse};
use crate::audit::Actor;
use crate::auth::Principal;
use crate::clock::now;
use crate::db::procedures::{self as store, ProcedureRow};
use crate::db::DbConn;
use crate::domain::procedure::{ProcedureAction, ProcedureStatus};
use crate::error::ApiError;
use crate::state::AppState;
use crate::workflow::catalogue;
use actix_web::{post, web};

/// Publish a draft procedure
///
/// Roles: admin. Checks the draft again (its agencies may have been
/// deactivated since it was written), freezes it and stamps `published_at`.
/// If it supersedes a published procedure, that one is retired in the same
/// transaction, so exactly one version of a code is live at any time.
/// Emits `procedure.published` (and `procedure.retired` for the superseded
/// version) on the change feed.
///
/// Errors: 404 unknown id; 409 `invalid_transition` unless the procedure is a
/// draft; 409 `duplicate` when another procedure with the same code — not
/// the one this draft supersedes — is already published; 422 naming each
/// field that no longer passes the rules.
#[utoipa::path(
    tag = "procedures",
    params(("id" = i64, Path, description = "Procedure id", example = 12)),
    responses(
        (status = 200, description = "The published procedure", body = ProcedureResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[post("/procedures/{id}/publish")]
pub async fn publish_procedure(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
) -> Result<web::Json<ProcedureResponse>, ApiError> {
    caller.require_admin()?;
    let id = id.into_inner();
    let actor = Actor::from(&caller);
    let response = state
        .write(move |conn| {
            let row = find_for(conn, id, ProcedureAction::Publish)?;
            let steps = store::steps(conn, id)?;
            let draft = draft_of(&row, steps.clone());
            let errors = check_agencies(conn, &draft.agency_references())?;
            validated(draft, errors)?;
            if let Some(live) = store::with_code(conn, &row.code, Some(id))?
                .into_iter()
                .find(|p| p.status == ProcedureStatus::Published.as_str())
            {
                if Some(live.id) != row.supersedes_id {
                    return Err(ApiError::conflict(
                        "duplicate",
                        format!(
                            "procedure code `{}` is already live as procedure {}, which this draft does not supersede",
                            row.code, live.id
                        ),
                    ));
                }
                // Retire the old version first: a code is live at most once.
                catalogue::retire(conn, &actor, live.id, Some(id), now())?;
            }
            let row = catalogue::publish(conn, &actor, id, now())?;
            Ok(ProcedureResponse::new(row, steps))
        })
        .await?;
    Ok(web::Json(response))
}

/// Retire a published procedure
///
/// Roles: admin. Withdraws a published procedure from the catalogue without
/// a replacement; it stays readable by authenticated users, and dossiers
/// filed under it keep pointing at it. Emits `procedure.retired`.
///
/// Errors: 404 unknown id; 409 `invalid_transition` unless the procedure is
/// published.
#[utoipa::path(
    tag = "procedures",
    params(("id" = i64, Path, description = "Procedure id", example = 12)),
    responses(
        (status = 200, description = "The retired procedure", body = ProcedureResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    ),
    security(("bearer" = []))
)]
#[post("/procedures/{id}/retire")]
pub async fn retire_procedure(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
) -> Result<web::Json<ProcedureResponse>, ApiError> {
    caller.require_admin()?;
    let id = id.into_inner();
    let actor = Actor::from(&caller);
    let response = state
        .write(move |conn| {
            let row = find_for(conn, id, ProcedureAction::Retire)?;
            let row = catalogue::retire(conn, &actor, row.id, None, now())?;
            let steps = store::steps(conn, id)?;
            Ok(ProcedureResponse::new(row, steps))
        })
        .await?;
    Ok(web::Json(response))
}

/// The procedure, if `action` is allowed from its status.
fn find_for(conn: &mut DbConn, id: i64, action: ProcedureAction) -> Result<ProcedureRow, ApiError> {
    let row = store::find(conn, id)?.ok_or_else(|| ApiError::not_found("procedure"))?;
    let status = ProcedureStatus::parse(&row.status).unwrap_or(ProcedureStatus::Retired);
    if status.after(action).is_none() {
        let (verb, from) = match action {
            ProcedureAction::Publish => ("publish", "a draft"),
            ProcedureAction::Retire => ("retire", "a published procedure"),
        };
        return Err(ApiError::conflict(
            "invalid_transition",
            format!("cannot {verb} procedure {id}: it is {status}; only {from} can be"),
        ));
    }
    Ok(row)
}
