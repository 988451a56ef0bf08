//! Publishing and retiring procedures, each with its audit entry and feed
//! event: shared by the API and the seeders.

use crate::audit::{self, Actor};
use crate::clock::utc;
use crate::db::procedures::{self as store, ProcedureChangeset, ProcedureRow};
use crate::db::DbConn;
use crate::domain::procedure::ProcedureStatus;
use crate::error::ApiError;
use crate::events::{self, Audience};
use chrono::NaiveDateTime;
use serde_json::json;

/// Marks a procedure published at `at` (callers have validated it and
/// retired the version it supersedes).
pub fn publish(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    at: NaiveDateTime,
) -> Result<ProcedureRow, ApiError> {
    let row = store::update(
        conn,
        id,
        &ProcedureChangeset {
            status: Some(ProcedureStatus::Published.as_str().into()),
            published_at: Some(Some(at)),
            updated_at: Some(at),
            ..Default::default()
        },
    )?;
    let data = json!({"id": row.id, "code": row.code, "name": row.name, "version": row.version,
                      "supersedes_id": row.supersedes_id, "published_at": utc(at)});
    audit::record(
        conn,
        actor,
        "procedure.published",
        "procedure",
        Some(id),
        data.clone(),
    )?;
    events::emit(
        conn,
        "procedure.published",
        "procedure",
        id,
        Audience::Everyone,
        data,
    )?;
    Ok(row)
}

/// Retires a published procedure at `at` (by hand, or because
/// `superseded_by` replaces it).
pub fn retire(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    superseded_by: Option<i64>,
    at: NaiveDateTime,
) -> Result<ProcedureRow, ApiError> {
    let row = store::update(
        conn,
        id,
        &ProcedureChangeset {
            status: Some(ProcedureStatus::Retired.as_str().into()),
            retired_at: Some(Some(at)),
            updated_at: Some(at),
            ..Default::default()
        },
    )?;
    let data = json!({"id": row.id, "code": row.code, "name": row.name, "version": row.version,
                      "retired_at": utc(at), "superseded_by": superseded_by});
    audit::record(
        conn,
        actor,
        "procedure.retired",
        "procedure",
        Some(id),
        data.clone(),
    )?;
    events::emit(
        conn,
        "procedure.retired",
        "procedure",
        id,
        Audience::Everyone,
        data,
    )?;
    Ok(row)
}
