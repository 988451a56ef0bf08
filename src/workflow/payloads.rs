//! The feed and audit payloads of dossier and transfer changes, shared by
//! the write path and the bulk generator so both write the same shapes.

use crate::clock::utc;
use crate::db::dossiers::DossierRow;
use crate::db::transfers::TransferRow;
use crate::domain::dossier::{DossierStatus, Move};
use serde_json::{json, Value};

/// `dossier.received`.
pub fn received(row: &DossierRow) -> Value {
    json!({
        "dossier_id": row.id, "code": row.code, "procedure_id": row.procedure_id,
        "received_agency_id": row.received_agency_id, "status": row.status, "due_date": row.due_date,
        "channel": row.channel, "received_at": utc(row.received_at),
    })
}

/// `dossier.status_changed`, for the dossier as it is after the move.
pub fn status_changed(
    after: &DossierRow,
    action: Move,
    from: DossierStatus,
    to: DossierStatus,
    transfer_id: Option<i64>,
) -> Value {
    json!({
        "dossier_id": after.id, "code": after.code, "action": action.as_str(),
        "from": from.as_str(), "to": to.as_str(), "current_agency_id": after.current_agency_id,
        "version": after.version, "due_date": after.due_date, "transfer_id": transfer_id,
        "at": utc(after.updated_at),
    })
}

/// The audit data of a move: its event payload plus the note and details.
pub fn move_audit(payload: &Value, note: Option<&str>, details: Value) -> Value {
    let mut data = payload.clone();
    data["note"] = json!(note);
    data["details"] = details;
    data
}

/// `transfer.sent`, `transfer.accepted`, `transfer.rejected`.
pub fn transfer(t: &TransferRow, code: &str) -> Value {
    json!({
        "transfer_id": t.id, "dossier_id": t.dossier_id, "code": code,
        "from_agency_id": t.from_agency_id, "to_agency_id": t.to_agency_id,
        "method": t.method, "step_seq": t.step_seq, "on_process": t.on_process,
        "status": t.status, "reason": t.reason,
        "at": utc(t.decided_at.unwrap_or(t.sent_at)),
    })
}
