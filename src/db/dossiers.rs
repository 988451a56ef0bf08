//! Dossier rows and queries.

use super::schema::{dossier_agencies, dossier_history, dossier_sequences, dossiers};
use super::DbConn;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// A stored dossier.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = dossiers)]
pub struct DossierRow {
    pub id: i64,
    pub code: String,
    pub procedure_id: i64,
    pub title: String,
    pub applicant_name: String,
    pub applicant_kind: String,
    pub applicant_reference: Option<String>,
    pub applicant_contact: Option<String>,
    pub channel: String,
    pub received_agency_id: i64,
    pub current_agency_id: i64,
    pub status: String,
    pub outcome: Option<String>,
    pub received_at: NaiveDateTime,
    pub received_date: NaiveDate,
    pub due_date: NaiveDate,
    pub completed_at: Option<NaiveDateTime>,
    pub completed_date: Option<NaiveDate>,
    pub paused_since: Option<NaiveDate>,
    pub eligible: bool,
    pub transfer_count: i32,
    pub paper_transfer_count: i32,
    pub documents: String,
    pub search_text: String,
    pub lookup_key_hash: String,
    pub version: i32,
    pub created_by: i64,
    pub updated_at: NaiveDateTime,
}

/// A new dossier (the id is assigned by the database).
#[derive(Debug, Insertable)]
#[diesel(table_name = dossiers)]
pub struct NewDossier {
    pub code: String,
    pub procedure_id: i64,
    pub title: String,
    pub applicant_name: String,
    pub applicant_kind: String,
    pub applicant_reference: Option<String>,
    pub applicant_contact: Option<String>,
    pub channel: String,
    pub received_agency_id: i64,
    pub current_agency_id: i64,
    pub status: String,
    pub received_at: NaiveDateTime,
    pub received_date: NaiveDate,
    pub due_date: NaiveDate,
    pub eligible: bool,
    pub documents: String,
    pub search_text: String,
    pub lookup_key_hash: String,
    pub version: i32,
    pub created_by: i64,
    pub updated_at: NaiveDateTime,
}

/// The columns a move may change.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = dossiers)]
pub struct DossierChangeset {
    pub status: Option<String>,
    pub current_agency_id: Option<i64>,
    pub outcome: Option<Option<String>>,
    pub due_date: Option<NaiveDate>,
    pub completed_at: Option<Option<NaiveDateTime>>,
    pub completed_date: Option<Option<NaiveDate>>,
    pub paused_since: Option<Option<NaiveDate>>,
    pub transfer_count: Option<i32>,
    pub paper_transfer_count: Option<i32>,
    pub version: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
}

/// A history entry.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = dossier_history)]
pub struct HistoryRow {
    pub id: i64,
    pub dossier_id: i64,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_id: Option<i64>,
    pub actor_username: Option<String>,
    pub actor_agency_id: Option<i64>,
    pub agency_id: i64,
    pub transfer_id: Option<i64>,
    pub note: Option<String>,
    pub at: NaiveDateTime,
}

/// A new history entry.
#[derive(Debug, Insertable)]
#[diesel(table_name = dossier_history)]
pub struct NewHistory {
    pub dossier_id: i64,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_id: Option<i64>,
    pub actor_username: Option<String>,
    pub actor_agency_id: Option<i64>,
    pub agency_id: i64,
    pub transfer_id: Option<i64>,
    pub note: Option<String>,
    pub at: NaiveDateTime,
}

/// One dossier.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<DossierRow>> {
    dossiers::table
        .find(id)
        .select(DossierRow::as_select())
        .first(conn)
        .optional()
}

/// One dossier by its code.
pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<DossierRow>> {
    dossiers::table
        .filter(dossiers::code.eq(code))
        .select(DossierRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts a dossier and returns it as stored.
pub fn insert(conn: &mut DbConn, new: &NewDossier) -> QueryResult<DossierRow> {
    diesel::insert_into(dossiers::table)
        .values(new)
        .returning(dossiers::all_columns)
        .get_result(conn)
}

/// Applies a move, only if the dossier is still at `expected_version`
/// (an optimistic check on top of the write lock). Returns rows changed.
pub fn update(
    conn: &mut DbConn,
    id: i64,
    expected_version: i32,
    changes: &DossierChangeset,
) -> QueryResult<usize> {
    diesel::update(
        dossiers::table
            .filter(dossiers::id.eq(id))
            .filter(dossiers::version.eq(expected_version)),
    )
    .set(changes)
    .execute(conn)
}

/// Lets the receiving agency see a new dossier.
pub fn add_agency(conn: &mut DbConn, dossier: i64, agency: i64) -> QueryResult<()> {
    diesel::insert_into(dossier_agencies::table)
        .values((
            dossier_agencies::dossier_id.eq(dossier),
            dossier_agencies::agency_id.eq(agency),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Lets `agency` see the dossier (idempotent).
pub fn grant_agency(conn: &mut DbConn, dossier: i64, agency: i64) -> QueryResult<()> {
    let exists = dossier_agencies::table
        .find((agency, dossier))
        .select(dossier_agencies::dossier_id)
        .first::<i64>(conn)
        .optional()?
        .is_some();
    if !exists {
        diesel::insert_into(dossier_agencies::table)
            .values((
                dossier_agencies::dossier_id.eq(dossier),
                dossier_agencies::agency_id.eq(agency),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether any of `agencies` sees the dossier.
pub fn visible_to(conn: &mut DbConn, dossier: i64, agencies: &[i64]) -> QueryResult<bool> {
    Ok(dossier_agencies::table
        .filter(dossier_agencies::dossier_id.eq(dossier))
        .filter(dossier_agencies::agency_id.eq_any(agencies))
        .select(dossier_agencies::dossier_id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// The next number in an agency's daily sequence. Callers hold the write
/// lock, so read-then-write cannot race.
pub fn next_sequence(conn: &mut DbConn, agency: i64, day: NaiveDate) -> QueryResult<i32> {
    let current = dossier_sequences::table
        .find((agency, day))
        .select(dossier_sequences::last_seq)
        .first::<i32>(conn)
        .optional()?;
    match current {
        Some(last) => {
            diesel::update(dossier_sequences::table.find((agency, day)))
                .set(dossier_sequences::last_seq.eq(last + 1))
                .execute(conn)?;
            Ok(last + 1)
        }
        None => {
            diesel::insert_into(dossier_sequences::table)
                .values((
                    dossier_sequences::agency_id.eq(agency),
                    dossier_sequences::day.eq(day),
                    dossier_sequences::last_seq.eq(1),
                ))
                .execute(conn)?;
            Ok(1)
        }
    }
}

/// Appends a history entry.
pub fn add_history(conn: &mut DbConn, entry: &NewHistory) -> QueryResult<()> {
    diesel::insert_into(dossier_history::table)
        .values(entry)
        .execute(conn)
        .map(|_| ())
}

/// A page of a dossier's history, oldest first, `limit + 1` rows at most.
pub fn history(
    conn: &mut DbConn,
    dossier: i64,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<HistoryRow>> {
    let mut q = dossier_history::table
        .filter(dossier_history::dossier_id.eq(dossier))
        .order(dossier_history::id.asc())
        .limit(limit + 1)
        .select(HistoryRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(dossier_history::id.gt(after));
    }
    q.load(conn)
}

/// Filters of the dossier list.
#[derive(Debug, Default, Clone)]
pub struct DossierQuery {
    /// Only dossiers seen by one of these agencies (`None`: all).
    pub visible: Option<Vec<i64>>,
    pub status: Option<String>,
    pub procedure_id: Option<i64>,
    pub current_agency_id: Option<i64>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// Open and due before this date.
    pub overdue_before: Option<NaiveDate>,
    /// Not overdue as of this date (closed, or due on or after it).
    pub not_overdue_at: Option<NaiveDate>,
    pub code: Option<String>,
    /// Folded text to find in code, title and applicant name.
    pub text: Option<String>,
    /// The sort key of the last dossier already seen (newest first).
    pub after: Option<(NaiveDateTime, i64)>,
}

const OPEN: [&str; 4] = [
    "received",
    "processing",
    "in_transfer",
    "supplement_requested",
];

/// A page of dossiers, newest first, `limit + 1` rows at most.
pub fn list(conn: &mut DbConn, f: &DossierQuery, limit: i64) -> QueryResult<Vec<DossierRow>> {
    let mut q = dossiers::table
        .select(DossierRow::as_select())
        .order((dossiers::received_at.desc(), dossiers::id.desc()))
        .limit(limit + 1)
        .into_boxed();
    if let Some(agencies) = &f.visible {
        // A correlated EXISTS probes the (agency, dossier) key for each
        // candidate in list order, instead of materialising every dossier
        // the agencies see.
        q = q.filter(diesel::dsl::exists(
            dossier_agencies::table
                .filter(dossier_agencies::dossier_id.eq(dossiers::id))
                .filter(dossier_agencies::agency_id.eq_any(agencies.clone())),
        ));
    }
    if let Some(status) = &f.status {
        q = q.filter(dossiers::status.eq(status.clone()));
    }
    if let Some(p) = f.procedure_id {
        q = q.filter(dossiers::procedure_id.eq(p));
    }
    if let Some(a) = f.current_agency_id {
        q = q.filter(dossiers::current_agency_id.eq(a));
    }
    if let Some(d) = f.received_from {
        q = q.filter(dossiers::received_date.ge(d));
    }
    if let Some(d) = f.received_to {
        q = q.filter(dossiers::received_date.le(d));
    }
    if let Some(d) = f.overdue_before {
        q = q
            .filter(dossiers::status.eq_any(OPEN))
            .filter(dossiers::due_date.lt(d));
    }
    if let Some(d) = f.not_overdue_at {
        q = q.filter(dossiers::status.ne_all(OPEN).or(dossiers::due_date.ge(d)));
    }
    if let Some(code) = &f.code {
        q = q.filter(dossiers::code.eq(code.clone()));
    }
    if let Some(text) = &f.text {
        q = q.filter(dossiers::search_text.like(text.clone()).escape('\\'));
    }
    if let Some((at, id)) = f.after {
        q = q.filter(
            dossiers::received_at
                .lt(at)
                .or(dossiers::received_at.eq(at).and(dossiers::id.lt(id))),
        );
    }
    q.load(conn)
}
