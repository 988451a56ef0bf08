//! The lifecycle moves made by the dossier's current agency (SPEC §4).

use super::access::{act_for, check_version, visible_dossier};
use super::{calendar, local_date, payloads};
use crate::audit::{self, Actor};
use crate::auth::Principal;
use crate::db::dossiers::{self, DossierChangeset, DossierRow, NewHistory};
use crate::db::stats::{self, Cell, Delta};
use crate::db::{transfers, DbConn};
use crate::domain::dossier::{DossierStatus, Move, Outcome};
use crate::error::ApiError;
use crate::events::{self, Audience};
use chrono::{FixedOffset, NaiveDateTime};
use serde_json::json;

/// A move with what it carries.
#[derive(Clone, Debug)]
pub enum MoveInput {
    /// Start handling a received dossier.
    Start,
    /// Ask the applicant for missing documents.
    RequestSupplement { reason: String },
    /// The documents arrived; the clock runs again.
    Resume,
    /// Finish with an outcome.
    Complete {
        outcome: Outcome,
        note: Option<String>,
    },
    /// The applicant withdraws.
    Withdraw { reason: String },
}

impl MoveInput {
    fn action(&self) -> Move {
        match self {
            MoveInput::Start => Move::Start,
            MoveInput::RequestSupplement { .. } => Move::RequestSupplement,
            MoveInput::Resume => Move::Resume,
            MoveInput::Complete { .. } => Move::Complete,
            MoveInput::Withdraw { .. } => Move::Withdraw,
        }
    }

    fn note(&self) -> Option<String> {
        match self {
            MoveInput::RequestSupplement { reason } | MoveInput::Withdraw { reason } => {
                Some(reason.clone())
            }
            MoveInput::Complete { note, .. } => note.clone(),
            MoveInput::Start | MoveInput::Resume => None,
        }
    }
}

/// Parses a stored status.
pub fn status_of(row: &DossierRow) -> Result<DossierStatus, ApiError> {
    DossierStatus::parse(&row.status).ok_or_else(|| ApiError::internal("unknown stored status"))
}

/// 409 `invalid_transition` when the move is not allowed from `from`.
pub fn transition(from: DossierStatus, action: Move) -> Result<DossierStatus, ApiError> {
    from.apply(action)
        .map_err(|e| ApiError::conflict("invalid_transition", e.to_string()))
}

/// Applies one move, made at `at`, to a dossier the caller can see and act for.
pub fn apply(
    conn: &mut DbConn,
    caller: &Principal,
    tz: FixedOffset,
    id: i64,
    expected_version: Option<i32>,
    input: MoveInput,
    at: NaiveDateTime,
) -> Result<DossierRow, ApiError> {
    let row = visible_dossier(conn, caller, id)?;
    act_for(caller, row.current_agency_id, "dossier's current")?;
    check_version(&row, expected_version)?;
    let from = status_of(&row)?;
    let action = input.action();
    let to = transition(from, action)?;
    let today = local_date(at, tz);
    let mut changes = DossierChangeset {
        status: Some(to.as_str().into()),
        version: Some(row.version + 1),
        updated_at: Some(at),
        ..Default::default()
    };
    let mut extra = json!({});
    match &input {
        MoveInput::Start => {}
        MoveInput::RequestSupplement { .. } => changes.paused_since = Some(Some(today)),
        MoveInput::Resume => {
            let paused = row.paused_since.unwrap_or(today);
            // The pause holds at most as many working days as calendar days.
            let span = (today - paused).num_days().max(0) as u32;
            let cal = calendar(conn, paused, today.max(row.due_date), span)?;
            let stopped = cal.working_days_between(paused, today);
            let due = cal.add_working_days(row.due_date, stopped);
            changes.due_date = Some(due);
            changes.paused_since = Some(None);
            extra = json!({"paused_working_days": stopped, "due_date_before": row.due_date, "due_date": due});
        }
        MoveInput::Complete { outcome, .. } => {
            changes.outcome = Some(Some(outcome.as_str().into()));
            changes.completed_at = Some(Some(at));
            changes.completed_date = Some(Some(today));
            extra = json!({"outcome": outcome, "on_time": today <= row.due_date});
        }
        MoveInput::Withdraw { reason } => {
            changes.paused_since = Some(None);
            if let Some(pending) = transfers::pending_of(conn, id)? {
                transfers::decide(
                    conn,
                    pending.id,
                    "rejected",
                    at,
                    caller.user_id,
                    Some(&format!("dossier withdrawn: {reason}")),
                )?;
                extra = json!({"cancelled_transfer_id": pending.id});
            }
        }
    }
    if dossiers::update(conn, id, row.version, &changes)? == 0 {
        return Err(ApiError::conflict(
            "concurrent_modification",
            "another request moved this dossier at the same time; read it again",
        ));
    }
    if let MoveInput::Complete { .. } = input {
        let delta = Delta {
            completed: 1,
            on_time: i64::from(today <= row.due_date),
            ..Default::default()
        };
        stats::bump(conn, &Cell::of(&row), delta)?;
    }
    let note = input.note();
    record_move(
        conn,
        &Actor::from(caller),
        &row,
        action,
        from,
        to,
        None,
        note,
        extra,
    )
}

/// Writes the history entry, audit entry and feed event of a move, and
/// returns the dossier as it now is.
#[allow(clippy::too_many_arguments)]
pub fn record_move(
    conn: &mut DbConn,
    actor: &Actor,
    before: &DossierRow,
    action: Move,
    from: DossierStatus,
    to: DossierStatus,
    transfer_id: Option<i64>,
    note: Option<String>,
    extra: serde_json::Value,
) -> Result<DossierRow, ApiError> {
    let after =
        dossiers::find(conn, before.id)?.ok_or_else(|| ApiError::internal("dossier vanished"))?;
    dossiers::add_history(
        conn,
        &NewHistory {
            dossier_id: before.id,
            action: action.as_str().into(),
            from_status: Some(from.as_str().into()),
            to_status: to.as_str().into(),
            actor_id: actor.user_id,
            actor_username: actor.username.clone(),
            actor_agency_id: actor.agency_id,
            agency_id: after.current_agency_id,
            transfer_id,
            note: note.clone(),
            at: after.updated_at,
        },
    )?;
    let payload = payloads::status_changed(&after, action, from, to, transfer_id);
    let audit_data = payloads::move_audit(&payload, note.as_deref(), extra);
    audit::record(
        conn,
        actor,
        &format!("dossier.{}", action.as_str()),
        "dossier",
        Some(after.id),
        audit_data,
    )?;
    let audience = Audience::Dossier(after.id);
    events::emit(
        conn,
        "dossier.status_changed",
        "dossier",
        after.id,
        audience,
        payload,
    )?;
    Ok(after)
}
