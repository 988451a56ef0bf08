//! Writing drafts: creating a procedure (or a revision) and editing a draft.

use super::checks::{check_agencies, check_revision, claim_code, next_version, validated};
use super::types::{draft_of, CreateProcedureRequest, ProcedureResponse, UpdateProcedureRequest};
use crate::audit::{self, Actor};
use crate::auth::Principal;
use crate::clock::now;
use crate::db::procedures::{self as store, NewProcedure, ProcedureChangeset, StepRow};
use crate::domain::procedure::{ProcedureDraft, ProcedureStatus};
use crate::error::ApiError;
use crate::extract::Json;
use crate::routes::created;
use crate::state::AppState;
use actix_web::{patch, post, web, HttpResponse};
use serde_json::{json, Map, Value};

/// Create a procedure
///
/// Roles: admin. Creates a **draft**: version 1 of a new code, or — with
/// `supersedes_id` — the next version of a published procedure, keeping its
/// code. Publishing the revision later retires the version it supersedes.
///
/// Errors: 422 naming each invalid field — the process rules (at least one
/// step; `seq` 1..n in order; the steps' days adding up to no more than
/// `processing_days`; an inter-agency procedure with steps in two or more
/// distinct agencies), agencies that do not exist or are inactive, a
/// `supersedes_id` that is unknown or not published, a revision whose code
/// differs. 409 `duplicate` when the code is already in the catalogue as a
/// draft or a published procedure (revise it with `supersedes_id` instead), or
/// when the superseded procedure already has an open revision.
#[utoipa::path(
    tag = "procedures",
    request_body = CreateProcedureRequest,
    responses(
        (status = 201, description = "The new draft", body = ProcedureResponse,
            headers(("Location" = String, description = "URL of the new procedure"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict),
        (status = 415, description = "Body not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[post("/procedures")]
pub async fn create_procedure(
    state: web::Data<AppState>,
    caller: Principal,
    body: Json<CreateProcedureRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let req = body.0;
    let actor = Actor::from(&caller);
    let response = state
        .write(move |conn| {
            let draft = req.draft();
            let mut errors = check_agencies(conn, &draft.agency_references())?;
            if let Some(superseded) = req.supersedes_id {
                errors.extend(check_revision(conn, &draft.code, superseded, true)?);
            }
            let draft = validated(draft, errors)?;
            let version = match req.supersedes_id {
                Some(superseded) => {
                    if let Some(open) = store::open_revision_of(conn, superseded, None)? {
                        return Err(ApiError::conflict(
                            "duplicate",
                            format!("procedure {superseded} already has an open revision: draft {open}; edit that one"),
                        ));
                    }
                    next_version(conn, &draft.code)?
                }
                None => claim_code(conn, &draft.code, None)?,
            };
            let at = now();
            let row = store::insert(
                conn,
                &NewProcedure {
                    code: draft.code.clone(),
                    name: draft.name.clone(),
                    search_text: draft.search_text(),
                    field: draft.field.clone(),
                    description: draft.description.clone(),
                    legal_basis: draft.legal_basis.clone(),
                    lead_agency_id: draft.lead_agency_id,
                    interagency: draft.interagency,
                    electronic_eligible: draft.electronic_eligible,
                    processing_days: draft.processing_days,
                    documents: documents_json(&draft),
                    status: ProcedureStatus::Draft.as_str().into(),
                    version,
                    supersedes_id: req.supersedes_id,
                    created_at: at,
                    updated_at: at,
                },
            )?;
            let steps = step_rows(row.id, &draft);
            store::replace_steps(conn, row.id, &steps)?;
            let procedure = ProcedureResponse::new(row, steps);
            audit::record(
                conn,
                &actor,
                "procedure.created",
                "procedure",
                Some(procedure.id),
                json!({ "after": &procedure }),
            )?;
            Ok(procedure)
        })
        .await?;
    Ok(created(
        &format!("/api/v1/procedures/{}", response.id),
        &response,
    ))
}

/// Update a draft procedure
///
/// Roles: admin. Only the fields sent change; `steps` and `documents`, when
/// sent, replace the whole list. The draft is checked again as a whole, with
/// the same rules as at creation.
///
/// Errors: 404 unknown id; 409 `procedure_not_editable` when the procedure is
/// published or retired (published procedures are frozen: create a draft with
/// `supersedes_id` to revise one); 409 `duplicate` when a new code is already
/// in the catalogue; 422 naming each invalid field.
#[utoipa::path(
    tag = "procedures",
    params(("id" = i64, Path, description = "Procedure id", example = 12)),
    request_body = UpdateProcedureRequest,
    responses(
        (status = 200, description = "The updated draft", body = ProcedureResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 415, description = "Body not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[patch("/procedures/{id}")]
pub async fn update_procedure(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
    body: Json<UpdateProcedureRequest>,
) -> Result<web::Json<ProcedureResponse>, ApiError> {
    caller.require_admin()?;
    let id = id.into_inner();
    let req = body.0;
    let actor = Actor::from(&caller);
    let response = state
        .write(move |conn| {
            let row = store::find(conn, id)?.ok_or_else(|| ApiError::not_found("procedure"))?;
            let status = ProcedureStatus::parse(&row.status).unwrap_or(ProcedureStatus::Retired);
            if !status.is_editable() {
                return Err(ApiError::conflict(
                    "procedure_not_editable",
                    format!("procedure {id} is {status} and can no longer change; create a draft with supersedes_id = {id} to revise it"),
                ));
            }
            let current = draft_of(&row, store::steps(conn, id)?);
            let changed = req.apply(&current);
            let mut errors = check_agencies(conn, &changed.agency_references())?;
            if let Some(superseded) = row.supersedes_id {
                errors.extend(check_revision(conn, &changed.code, superseded, false)?);
            }
            let draft = validated(changed, errors)?;
            let version = if draft.code != row.code && row.supersedes_id.is_none() {
                Some(claim_code(conn, &draft.code, Some(id))?)
            } else {
                None
            };
            let changes = ProcedureChangeset {
                code: Some(draft.code.clone()),
                name: Some(draft.name.clone()),
                search_text: Some(draft.search_text()),
                field: Some(draft.field.clone()),
                description: Some(draft.description.clone()),
                legal_basis: Some(draft.legal_basis.clone()),
                lead_agency_id: Some(draft.lead_agency_id),
                interagency: Some(draft.interagency),
                electronic_eligible: Some(draft.electronic_eligible),
                processing_days: Some(draft.processing_days),
                documents: Some(documents_json(&draft)),
                version,
                updated_at: Some(now()),
                ..Default::default()
            };
            let row = store::update(conn, id, &changes)?;
            let steps = step_rows(id, &draft);
            if draft.steps != current.steps {
                store::replace_steps(conn, id, &steps)?;
            }
            audit::record(
                conn,
                &actor,
                "procedure.updated",
                "procedure",
                Some(id),
                changes_between(&current, &draft),
            )?;
            Ok(ProcedureResponse::new(row, steps))
        })
        .await?;
    Ok(web::Json(response))
}

fn step_rows(procedure_id: i64, draft: &ProcedureDraft) -> Vec<StepRow> {
    draft
        .steps
        .iter()
        .map(|s| StepRow {
            procedure_id,
            seq: s.seq,
            agency_id: s.agency_id,
            action: s.action.clone(),
            days: s.days,
        })
        .collect()
}

fn documents_json(draft: &ProcedureDraft) -> String {
    serde_json::to_string(&draft.documents).unwrap_or_else(|_| "[]".into())
}

/// The audit data of an edit: the fields that changed, before and after.
fn changes_between(before: &ProcedureDraft, after: &ProcedureDraft) -> Value {
    let as_map = |d: &ProcedureDraft| match serde_json::to_value(d) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let (old, new) = (as_map(before), as_map(after));
    let mut was = Map::new();
    let mut now = Map::new();
    for (key, value) in new {
        if old.get(&key) != Some(&value) {
            was.insert(key.clone(), old.get(&key).cloned().unwrap_or(Value::Null));
            now.insert(key, value);
        }
    }
    json!({"before": was, "after": now})
}
