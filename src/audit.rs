//! The audit log (SPEC §8): every change appends an entry to a SHA-256 hash
//! chain, in the same transaction as the change.
//!
//! Canonical encoding of an entry (what its `hash` is the SHA-256 of, as
//! lower-case hex): the UTF-8 bytes of the compact JSON array
//! `[id, at, actor_id, actor_username, actor_role, actor_agency_id, action,
//! entity_type, entity_id, data, request_id, prev_hash]`, where `at` is
//! `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, six decimals), `data` is the stored
//! JSON text as a string, absent values are `null`, and `prev_hash` is the
//! previous entry's hash (64 zeros for the first).

use crate::auth::{Principal, Role};
use crate::clock::now;
use crate::db::schema::{audit_log, chain_head};
use crate::db::DbConn;
use crate::error::ApiError;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who made a change, and in which request.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    /// The user, if authenticated.
    pub user_id: Option<i64>,
    /// The user's name (or the name tried, for a failed login).
    pub username: Option<String>,
    /// The user's role.
    pub role: Option<Role>,
    /// The user's agency.
    pub agency_id: Option<i64>,
    /// The request's `X-Request-Id`.
    pub request_id: Option<String>,
}

impl From<&Principal> for Actor {
    fn from(p: &Principal) -> Self {
        Self {
            user_id: Some(p.user_id),
            username: Some(p.username.clone()),
            role: Some(p.role),
            agency_id: p.agency_id,
            request_id: p.request_id.clone(),
        }
    }
}

/// A stored entry.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor_username: Option<String>,
    pub actor_role: Option<String>,
    pub actor_agency_id: Option<i64>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<i64>,
    pub data: String,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// The canonical encoding (see the module documentation).
    pub fn canonical(&self) -> String {
        json!([
            self.id,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            self.actor_id,
            self.actor_username,
            self.actor_role,
            self.actor_agency_id,
            self.action,
            self.entity_type,
            self.entity_id,
            self.data,
            self.request_id,
            self.prev_hash,
        ])
        .to_string()
    }

    /// SHA-256 of the canonical encoding, as hex.
    pub fn compute_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical().as_bytes()))
    }
}

/// Appends an entry for a change. Call it inside the change's transaction.
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    entity_type: &str,
    entity_id: Option<i64>,
    data: Value,
) -> Result<i64, ApiError> {
    let (seq, prev_hash): (i64, String) = diesel::update(chain_head::table.find(1))
        .set(chain_head::audit_seq.eq(chain_head::audit_seq + 1))
        .returning((chain_head::audit_seq, chain_head::audit_hash))
        .get_result(conn)?;
    let mut row = AuditRow {
        id: seq,
        at: now(),
        actor_id: actor.user_id,
        actor_username: actor.username.clone(),
        actor_role: actor.role.map(|r| r.as_str().to_string()),
        actor_agency_id: actor.agency_id,
        action: action.to_string(),
        entity_type: entity_type.to_string(),
        entity_id,
        data: data.to_string(),
        request_id: actor.request_id.clone(),
        prev_hash,
        hash: String::new(),
    };
    row.hash = row.compute_hash();
    diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(conn)?;
    diesel::update(chain_head::table.find(1))
        .set(chain_head::audit_hash.eq(&row.hash))
        .execute(conn)?;
    Ok(row.id)
}

/// The outcome of re-computing the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Entries read.
    pub entries_checked: i64,
    /// The first entry whose link or hash does not match, if any.
    pub first_invalid_id: Option<i64>,
}

/// Re-computes the whole chain, in batches, in id order.
pub fn verify(conn: &mut DbConn) -> QueryResult<Verification> {
    let mut checked = 0;
    let mut prev = GENESIS_HASH.to_string();
    let mut after = 0i64;
    loop {
        let batch: Vec<AuditRow> = audit_log::table
            .filter(audit_log::id.gt(after))
            .order(audit_log::id.asc())
            .limit(1000)
            .select(AuditRow::as_select())
            .load(conn)?;
        if batch.is_empty() {
            return Ok(Verification {
                entries_checked: checked,
                first_invalid_id: None,
            });
        }
        for row in batch {
            checked += 1;
            if row.prev_hash != prev || row.compute_hash() != row.hash {
                return Ok(Verification {
                    entries_checked: checked,
                    first_invalid_id: Some(row.id),
                });
            }
            prev = row.hash;
            after = row.id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> AuditRow {
        AuditRow {
            id: 1,
            at: chrono::NaiveDate::from_ymd_opt(2025, 5, 26)
                .unwrap()
                .and_hms_micro_opt(1, 0, 0, 42)
                .unwrap(),
            actor_id: Some(1),
            actor_username: Some("admin".into()),
            actor_role: Some("admin".into()),
            actor_agency_id: None,
            action: "agency.created".into(),
            entity_type: "agency".into(),
            entity_id: Some(2),
            data: r#"{"code":"BTC-TU"}"#.into(),
            request_id: Some("r-1".into()),
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn the_canonical_encoding_is_a_fixed_json_array() {
        assert_eq!(
            row().canonical(),
            r#"[1,"2025-05-26T01:00:00.000042Z",1,"admin","admin",null,"agency.created","agency",2,"{\"code\":\"BTC-TU\"}","r-1","0000000000000000000000000000000000000000000000000000000000000000"]"#
        );
    }

    #[test]
    fn any_change_to_an_entry_changes_its_hash() {
        let original = row().compute_hash();
        assert_eq!(original.len(), 64);
        let mut edited = row();
        edited.data = r#"{"code":"BTC-TX"}"#.into();
        assert_ne!(edited.compute_hash(), original);
        let mut relinked = row();
        relinked.prev_hash = "f".repeat(64);
        assert_ne!(relinked.compute_hash(), original);
    }
}

/// Filters of the audit list.
#[derive(Debug, Default, Clone)]
pub struct AuditQuery {
    pub entity_type: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub action: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub after: Option<i64>,
}

/// A page of entries in chain order, `limit + 1` rows at most.
pub fn list(conn: &mut DbConn, f: &AuditQuery, limit: i64) -> QueryResult<Vec<AuditRow>> {
    let mut q = audit_log::table
        .select(AuditRow::as_select())
        .order(audit_log::id.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(v) = &f.entity_type {
        q = q.filter(audit_log::entity_type.eq(v.clone()));
    }
    if let Some(v) = f.entity_id {
        q = q.filter(audit_log::entity_id.eq(v));
    }
    if let Some(v) = f.actor_id {
        q = q.filter(audit_log::actor_id.eq(v));
    }
    if let Some(v) = &f.action {
        q = q.filter(audit_log::action.eq(v.clone()));
    }
    if let Some(v) = f.from {
        q = q.filter(audit_log::at.ge(v));
    }
    if let Some(v) = f.to {
        q = q.filter(audit_log::at.lt(v));
    }
    if let Some(v) = f.after {
        q = q.filter(audit_log::id.gt(v));
    }
    q.load(conn)
}
