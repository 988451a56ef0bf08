//! `/audit`: read and verify the audit chain (SPEC §8).

use crate::audit::{self, AuditQuery, AuditRow};
use crate::auth::{Principal, Role};
use crate::clock::utc;
use crate::error::ApiError;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One link of the audit chain.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 118, "at": "2025-05-27T02:15:00.123456Z", "actor_id": 5, "actor_username": "officer.btc",
    "actor_role": "officer", "actor_agency_id": 2, "action": "transfer.sent", "entity_type": "transfer",
    "entity_id": 3, "data": {"transfer_id": 3, "dossier_id": 41, "from_agency_id": 2, "to_agency_id": 3, "method": "electronic"},
    "request_id": "0b5c7e0e-3f7a-4b8e-9a57-0d4f4d1f1c2a",
    "prev_hash": "5d41402abc4b2a76b9719d911017c592ae0f5b5f1f6e1b2f2b7d3c1a9e8f7a6b",
    "hash": "9c56cc51b374c3ba189210d5b6d4bf57790d351c96c47c02190ecf1e430635ab"
}))]
pub struct AuditEntry {
    /// Position in the chain (1, 2, 3, …).
    pub id: i64,
    /// When (UTC, microseconds).
    pub at: DateTime<Utc>,
    /// The user who made the change (null for the system or a failed login).
    pub actor_id: Option<i64>,
    /// Their username (or the name tried, for a failed login).
    pub actor_username: Option<String>,
    /// Their role.
    pub actor_role: Option<String>,
    /// Their agency.
    pub actor_agency_id: Option<i64>,
    /// What happened, e.g. `dossier.start`, `agency.updated`, `auth.login_failed`.
    pub action: String,
    /// The kind of thing changed.
    pub entity_type: String,
    /// Its id.
    pub entity_id: Option<i64>,
    /// Before/after or parameters.
    pub data: serde_json::Value,
    /// The `X-Request-Id` of the change.
    pub request_id: Option<String>,
    /// The previous entry's hash (64 zeros for the first).
    pub prev_hash: String,
    /// SHA-256 of this entry's canonical encoding (see the README).
    pub hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        Self {
            id: r.id,
            at: utc(r.at),
            actor_id: r.actor_id,
            actor_username: r.actor_username,
            actor_role: r.actor_role,
            actor_agency_id: r.actor_agency_id,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            data: serde_json::from_str(&r.data).unwrap_or(serde_json::Value::Null),
            request_id: r.request_id,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// Filters of the audit list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// e.g. `dossier`, `transfer`, `procedure`, `agency`, `user`, `holiday`, `target`.
    pub entity_type: Option<String>,
    /// The entity's id (with `entity_type`).
    pub entity_id: Option<i64>,
    /// The acting user.
    pub actor_id: Option<i64>,
    /// Exactly this action.
    pub action: Option<String>,
    /// At or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// List audit entries
///
/// Roles: inspector, admin. Entries in chain order, cursor-paginated, filtered by entity,
/// actor, action and time range. Each entry carries its hash and the previous one's, so an
/// export can be re-verified offline (the canonical encoding is in the README).
#[utoipa::path(
    tag = "audit",
    params(PageParams, AuditFilter),
    responses(
        (status = 200, description = "A page of entries", body = Page<AuditEntry>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: Principal,
    page: web::Query<PageParams>,
    filter: web::Query<AuditFilter>,
) -> Result<web::Json<Page<AuditEntry>>, ApiError> {
    caller.require(&[Role::Inspector, Role::Admin])?;
    let limit = page.limit()?;
    let f = filter.into_inner();
    if let (Some(from), Some(to)) = (f.from, f.to) {
        if from > to {
            return Err(ApiError::invalid("from", "must not be after `to`"));
        }
    }
    let query = AuditQuery {
        entity_type: f.entity_type,
        entity_id: f.entity_id,
        actor_id: f.actor_id,
        action: f.action,
        from: f.from.map(|t| t.naive_utc()),
        to: f.to.map(|t| t.naive_utc()),
        after: page.after_id()?,
    };
    let rows = state
        .read(move |conn| Ok(audit::list(conn, &query, limit)?))
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| vec![r.id.to_string()],
        AuditEntry::from,
    )))
}

/// The result of re-computing the chain.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"entries_checked": 1204, "valid": true, "first_invalid_id": null}))]
pub struct VerifyResponse {
    /// Entries read (up to and including the first invalid one).
    pub entries_checked: i64,
    /// Whether every entry links to its predecessor and matches its hash.
    pub valid: bool,
    /// The first entry that does not.
    pub first_invalid_id: Option<i64>,
}

/// Verify the audit chain
///
/// Roles: inspector, admin. Re-computes every entry's SHA-256 and link, in order, and names
/// the first entry that was altered, removed or inserted out of place.
#[utoipa::path(
    tag = "audit",
    responses(
        (status = 200, description = "The verdict", body = VerifyResponse),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/audit/verify")]
pub async fn verify_audit(
    state: web::Data<AppState>,
    caller: Principal,
) -> Result<web::Json<VerifyResponse>, ApiError> {
    caller.require(&[Role::Inspector, Role::Admin])?;
    let v = state.read(|conn| Ok(audit::verify(conn)?)).await?;
    Ok(web::Json(VerifyResponse {
        entries_checked: v.entries_checked,
        valid: v.first_invalid_id.is_none(),
        first_invalid_id: v.first_invalid_id,
    }))
}

/// Registers the audit operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_audit).service(verify_audit);
}
