//! The checks a draft passes before it is stored or published, beyond its
//! own rules (`domain::procedure`): agencies, revisions, codes.

use crate::db::procedures as store;
use crate::db::{agencies, DbConn};
use crate::domain::procedure::{ProcedureDraft, ProcedureStatus};
use crate::error::{ApiError, FieldError};
use std::collections::HashMap;

/// The draft with its texts trimmed, or one 422 naming every broken rule:
/// the draft's own and `more` (found in the database).
pub fn validated(draft: ProcedureDraft, more: Vec<FieldError>) -> Result<ProcedureDraft, ApiError> {
    match draft.validate() {
        Ok(draft) if more.is_empty() => Ok(draft),
        Ok(_) => Err(ApiError::Validation(more)),
        Err(mut errors) => {
            errors.extend(more);
            Err(ApiError::Validation(errors))
        }
    }
}

/// One error per reference to an agency that does not exist or is inactive.
pub fn check_agencies(
    conn: &mut DbConn,
    references: &[(String, i64)],
) -> Result<Vec<FieldError>, ApiError> {
    let mut ids: Vec<i64> = references.iter().map(|(_, id)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let active: HashMap<i64, bool> = agencies::find_many(conn, &ids)?
        .into_iter()
        .map(|a| (a.id, a.active))
        .collect();
    Ok(references
        .iter()
        .filter_map(|(field, id)| match active.get(id) {
            Some(true) => None,
            Some(false) => Some(FieldError::new(field.as_str(), "the agency is inactive")),
            None => Some(FieldError::new(field.as_str(), "no agency has this id")),
        })
        .collect())
}

/// The rules of a revision: it supersedes a procedure that exists and (when
/// the revision is being created) is published, and keeps its code.
pub fn check_revision(
    conn: &mut DbConn,
    code: &str,
    superseded: i64,
    creating: bool,
) -> Result<Vec<FieldError>, ApiError> {
    let Some(old) = store::find(conn, superseded)? else {
        return Ok(vec![FieldError::new(
            "supersedes_id",
            "no procedure has this id",
        )]);
    };
    let mut errors = Vec::new();
    if creating && old.status != ProcedureStatus::Published.as_str() {
        errors.push(FieldError::new(
            "supersedes_id",
            format!(
                "only a published procedure can be superseded; procedure {superseded} is {}",
                old.status
            ),
        ));
    }
    if code.trim() != old.code {
        errors.push(FieldError::new(
            "code",
            format!(
                "a revision keeps the code of the procedure it supersedes (`{}`)",
                old.code
            ),
        ));
    }
    Ok(errors)
}

/// Makes sure no draft or published procedure other than `except` holds
/// `code`, and returns the version a new procedure with it gets (after any
/// retired ones).
pub fn claim_code(conn: &mut DbConn, code: &str, except: Option<i64>) -> Result<i32, ApiError> {
    let holders = store::with_code(conn, code, except)?;
    if let Some(holder) = holders
        .iter()
        .find(|p| p.status != ProcedureStatus::Retired.as_str())
    {
        return Err(ApiError::conflict(
            "duplicate",
            format!(
                "procedure code `{code}` is already in the catalogue (procedure {}, {}); to revise a published procedure, create a draft with supersedes_id",
                holder.id, holder.status
            ),
        ));
    }
    Ok(holders.iter().map(|p| p.version).max().unwrap_or(0) + 1)
}

/// The version after every procedure with `code`.
pub fn next_version(conn: &mut DbConn, code: &str) -> Result<i32, ApiError> {
    let holders = store::with_code(conn, code, None)?;
    Ok(holders.iter().map(|p| p.version).max().unwrap_or(0) + 1)
}
