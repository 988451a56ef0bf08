//! Transfers between agencies (SPEC §4): send, accept, reject.

use super::access::{act_for, check_version, visible_dossier};
use super::moves::{record_move, status_of, transition};
use super::payloads;
use crate::audit::{self, Actor};
use crate::auth::Principal;
use crate::db::dossiers::{self, DossierChangeset, DossierRow};
use crate::db::schema::procedure_steps;
use crate::db::stats::{self, Cell};
use crate::db::transfers::{self as store, NewTransfer, TransferRow};
use crate::db::{agencies, DbConn};
use crate::domain::dossier::{Move, TransferMethod, TransferStatus};
use crate::error::ApiError;
use crate::events::{self, Audience};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

/// What the sender asks for.
#[derive(Clone, Debug)]
pub struct SendInput {
    pub to_agency_id: i64,
    pub method: TransferMethod,
    pub step_seq: Option<i32>,
    pub note: Option<String>,
}

fn conflict_on_race(row: &DossierRow) -> ApiError {
    ApiError::conflict(
        "concurrent_modification",
        format!(
            "dossier {} was moved at the same time; read it again",
            row.code
        ),
    )
}

/// Sends a dossier in `processing` to another active agency.
pub fn send(
    conn: &mut DbConn,
    caller: &Principal,
    dossier_id: i64,
    expected_version: Option<i32>,
    input: SendInput,
    at: NaiveDateTime,
) -> Result<(TransferRow, DossierRow), ApiError> {
    let row = visible_dossier(conn, caller, dossier_id)?;
    act_for(caller, row.current_agency_id, "dossier's current")?;
    check_version(&row, expected_version)?;
    let from = status_of(&row)?;
    let to = transition(from, Move::Transfer)?;
    match agencies::find(conn, input.to_agency_id)? {
        Some(a) if a.active => {}
        _ => {
            return Err(ApiError::invalid(
                "to_agency_id",
                "no active agency has this id",
            ))
        }
    }
    if input.to_agency_id == row.current_agency_id {
        return Err(ApiError::invalid(
            "to_agency_id",
            "the dossier is already at this agency",
        ));
    }
    let steps: Vec<(i32, i64)> = procedure_steps::table
        .filter(procedure_steps::procedure_id.eq(row.procedure_id))
        .select((procedure_steps::seq, procedure_steps::agency_id))
        .load(conn)?;
    if let Some(seq) = input.step_seq {
        if !steps.iter().any(|(s, _)| *s == seq) {
            return Err(ApiError::invalid(
                "step_seq",
                "the procedure has no step with this seq",
            ));
        }
    }
    let on_process = steps
        .iter()
        .any(|(s, a)| *a == input.to_agency_id && input.step_seq.is_none_or(|seq| seq == *s));
    let transfer = store::insert(
        conn,
        &NewTransfer {
            dossier_id,
            from_agency_id: row.current_agency_id,
            to_agency_id: input.to_agency_id,
            method: input.method.as_str().into(),
            step_seq: input.step_seq,
            on_process,
            note: input.note.clone(),
            status: TransferStatus::Pending.as_str().into(),
            sent_at: at,
            sent_by: caller.user_id,
        },
    )?;
    let paper = input.method == TransferMethod::Paper;
    let changes = DossierChangeset {
        status: Some(to.as_str().into()),
        transfer_count: Some(row.transfer_count + 1),
        paper_transfer_count: Some(row.paper_transfer_count + i32::from(paper)),
        version: Some(row.version + 1),
        updated_at: Some(at),
        ..Default::default()
    };
    if dossiers::update(conn, dossier_id, row.version, &changes)? == 0 {
        return Err(conflict_on_race(&row));
    }
    stats::bump(
        conn,
        &Cell::of(&row),
        stats::transfer_delta(
            row.eligible,
            row.transfer_count,
            row.paper_transfer_count,
            paper,
        ),
    )?;
    dossiers::grant_agency(conn, dossier_id, input.to_agency_id)?;
    let actor = Actor::from(caller);
    let payload = payloads::transfer(&transfer, &row.code);
    audit::record(
        conn,
        &actor,
        "transfer.sent",
        "transfer",
        Some(transfer.id),
        payload.clone(),
    )?;
    let audience = Audience::Dossier(dossier_id);
    events::emit(
        conn,
        "transfer.sent",
        "transfer",
        transfer.id,
        audience,
        payload,
    )?;
    let after = record_move(
        conn,
        &actor,
        &row,
        Move::Transfer,
        from,
        to,
        Some(transfer.id),
        input.note,
        json!({"to_agency_id": input.to_agency_id, "method": input.method}),
    )?;
    Ok((transfer, after))
}

/// Loads a transfer whose dossier the caller can see.
pub fn visible_transfer(
    conn: &mut DbConn,
    caller: &Principal,
    id: i64,
) -> Result<TransferRow, ApiError> {
    let transfer = store::find(conn, id)?.ok_or_else(|| ApiError::not_found("transfer"))?;
    visible_dossier(conn, caller, transfer.dossier_id)
        .map_err(|_| ApiError::not_found("transfer"))?;
    Ok(transfer)
}

/// The destination accepts (the dossier moves there) or rejects (it goes
/// back to the sender) a pending transfer.
pub fn decide(
    conn: &mut DbConn,
    caller: &Principal,
    transfer_id: i64,
    expected_version: Option<i32>,
    accept: bool,
    reason: Option<String>,
    at: NaiveDateTime,
) -> Result<(TransferRow, DossierRow), ApiError> {
    let transfer = visible_transfer(conn, caller, transfer_id)?;
    act_for(caller, transfer.to_agency_id, "destination")?;
    if transfer.status != TransferStatus::Pending.as_str() {
        return Err(ApiError::conflict(
            "invalid_transition",
            format!("the transfer is already {}", transfer.status),
        ));
    }
    let row =
        dossiers::find(conn, transfer.dossier_id)?.ok_or_else(|| ApiError::not_found("dossier"))?;
    check_version(&row, expected_version)?;
    let action = if accept {
        Move::AcceptTransfer
    } else {
        Move::RejectTransfer
    };
    let from = status_of(&row)?;
    let to = transition(from, action)?;
    let status = if accept {
        TransferStatus::Accepted
    } else {
        TransferStatus::Rejected
    };
    let decided = store::decide(
        conn,
        transfer_id,
        status.as_str(),
        at,
        caller.user_id,
        reason.as_deref(),
    )?;
    let changes = DossierChangeset {
        status: Some(to.as_str().into()),
        current_agency_id: accept.then_some(transfer.to_agency_id),
        version: Some(row.version + 1),
        updated_at: Some(at),
        ..Default::default()
    };
    if dossiers::update(conn, row.id, row.version, &changes)? == 0 {
        return Err(conflict_on_race(&row));
    }
    let actor = Actor::from(caller);
    let event = if accept {
        "transfer.accepted"
    } else {
        "transfer.rejected"
    };
    let payload = payloads::transfer(&decided, &row.code);
    audit::record(
        conn,
        &actor,
        event,
        "transfer",
        Some(transfer_id),
        payload.clone(),
    )?;
    let audience = Audience::Dossier(row.id);
    events::emit(conn, event, "transfer", transfer_id, audience, payload)?;
    let after = record_move(
        conn,
        &actor,
        &row,
        action,
        from,
        to,
        Some(transfer_id),
        reason,
        json!({}),
    )?;
    Ok((decided, after))
}
