//! Who may see and move a dossier (SPEC §6).

use crate::auth::{Principal, Role, Visibility};
use crate::db::dossiers::{self, DossierRow};
use crate::db::DbConn;
use crate::error::ApiError;

/// Loads a dossier the caller can see; anything else is the same 404.
pub fn visible_dossier(
    conn: &mut DbConn,
    caller: &Principal,
    id: i64,
) -> Result<DossierRow, ApiError> {
    let row = dossiers::find(conn, id)?.ok_or_else(|| ApiError::not_found("dossier"))?;
    let visible = match &caller.visibility {
        Visibility::All => true,
        Visibility::Agencies(set) => {
            let ids: Vec<i64> = set.iter().copied().collect();
            dossiers::visible_to(conn, id, &ids)?
        }
    };
    if visible {
        Ok(row)
    } else {
        Err(ApiError::not_found("dossier"))
    }
}

/// Roles that move dossiers.
pub const MOVER_ROLES: [Role; 3] = [Role::Officer, Role::Leader, Role::Admin];

/// 403 unless the caller may act for `agency` (its own agency, a leader's
/// subtree, or any for an admin).
pub fn act_for(caller: &Principal, agency: i64, what: &str) -> Result<(), ApiError> {
    caller.require(&MOVER_ROLES)?;
    if caller.visibility.contains(agency) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "only the {what} agency may do this"
        )))
    }
}

/// 412 unless `expected` (from `If-Match`) is the dossier's current version.
pub fn check_version(row: &DossierRow, expected: Option<i32>) -> Result<(), ApiError> {
    match expected {
        Some(v) if v != row.version => Err(ApiError::PreconditionFailed(format!(
            "the dossier is at version {}, not {v}; read it again",
            row.version
        ))),
        _ => Ok(()),
    }
}
