//! Transfer rows and queries.

use super::schema::{dossier_agencies, transfers};
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A stored transfer.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = transfers)]
pub struct TransferRow {
    pub id: i64,
    pub dossier_id: i64,
    pub from_agency_id: i64,
    pub to_agency_id: i64,
    pub method: String,
    pub step_seq: Option<i32>,
    pub on_process: bool,
    pub note: Option<String>,
    pub status: String,
    pub sent_at: NaiveDateTime,
    pub sent_by: i64,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
    pub reason: Option<String>,
}

/// A new transfer.
#[derive(Debug, Insertable)]
#[diesel(table_name = transfers)]
pub struct NewTransfer {
    pub dossier_id: i64,
    pub from_agency_id: i64,
    pub to_agency_id: i64,
    pub method: String,
    pub step_seq: Option<i32>,
    pub on_process: bool,
    pub note: Option<String>,
    pub status: String,
    pub sent_at: NaiveDateTime,
    pub sent_by: i64,
}

/// One transfer.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<TransferRow>> {
    transfers::table
        .find(id)
        .select(TransferRow::as_select())
        .first(conn)
        .optional()
}

/// The pending transfer of a dossier, if any.
pub fn pending_of(conn: &mut DbConn, dossier: i64) -> QueryResult<Option<TransferRow>> {
    transfers::table
        .filter(transfers::dossier_id.eq(dossier))
        .filter(transfers::status.eq("pending"))
        .select(TransferRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts a transfer and returns its row.
pub fn insert(conn: &mut DbConn, new: &NewTransfer) -> QueryResult<TransferRow> {
    diesel::insert_into(transfers::table)
        .values(new)
        .returning(transfers::all_columns)
        .get_result(conn)
}

/// Records the destination's decision on a pending transfer.
pub fn decide(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    at: NaiveDateTime,
    by: i64,
    reason: Option<&str>,
) -> QueryResult<TransferRow> {
    diesel::update(
        transfers::table
            .filter(transfers::id.eq(id))
            .filter(transfers::status.eq("pending")),
    )
    .set((
        transfers::status.eq(status),
        transfers::decided_at.eq(Some(at)),
        transfers::decided_by.eq(Some(by)),
        transfers::reason.eq(reason),
    ))
    .returning(transfers::all_columns)
    .get_result(conn)
}

/// Which transfers of an agency to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Sent to the agency.
    Incoming,
    /// Sent by the agency.
    Outgoing,
}

/// Filters of the transfer list.
#[derive(Debug, Default, Clone)]
pub struct TransferQuery {
    /// Only transfers of dossiers seen by one of these agencies (`None`: all).
    pub visible: Option<Vec<i64>>,
    /// Only transfers to or from these agencies (per `direction`).
    pub agencies: Option<Vec<i64>>,
    pub direction: Option<Direction>,
    pub status: Option<String>,
    pub dossier_id: Option<i64>,
    pub after: Option<i64>,
}

/// A page of transfers, newest first, `limit + 1` rows at most.
pub fn list(conn: &mut DbConn, f: &TransferQuery, limit: i64) -> QueryResult<Vec<TransferRow>> {
    let mut q = transfers::table
        .select(TransferRow::as_select())
        .order(transfers::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(agencies) = &f.visible {
        q = q.filter(diesel::dsl::exists(
            dossier_agencies::table
                .filter(dossier_agencies::dossier_id.eq(transfers::dossier_id))
                .filter(dossier_agencies::agency_id.eq_any(agencies.clone())),
        ));
    }
    if let Some(agencies) = &f.agencies {
        q = match f.direction {
            Some(Direction::Incoming) => q.filter(transfers::to_agency_id.eq_any(agencies.clone())),
            Some(Direction::Outgoing) => {
                q.filter(transfers::from_agency_id.eq_any(agencies.clone()))
            }
            None => q.filter(
                transfers::to_agency_id
                    .eq_any(agencies.clone())
                    .or(transfers::from_agency_id.eq_any(agencies.clone())),
            ),
        };
    }
    if let Some(status) = &f.status {
        q = q.filter(transfers::status.eq(status.clone()));
    }
    if let Some(d) = f.dossier_id {
        q = q.filter(transfers::dossier_id.eq(d));
    }
    if let Some(after) = f.after {
        q = q.filter(transfers::id.lt(after));
    }
    q.load(conn)
}
