//! Procedure rows, their steps, and the catalogue queries.

use super::schema::{procedure_steps, procedures};
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::dsl::{count_star, exists, not};
use diesel::prelude::*;
use std::collections::HashMap;

/// A stored procedure (its steps live in `procedure_steps`).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = procedures)]
pub struct ProcedureRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub search_text: String,
    pub field: String,
    pub description: String,
    pub legal_basis: String,
    pub lead_agency_id: i64,
    pub interagency: bool,
    pub electronic_eligible: bool,
    pub processing_days: i32,
    /// JSON array of `{name, required, copies}`.
    pub documents: String,
    pub status: String,
    pub version: i32,
    pub published_at: Option<NaiveDateTime>,
    pub retired_at: Option<NaiveDateTime>,
    pub supersedes_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new procedure (always a draft).
#[derive(Debug, Insertable)]
#[diesel(table_name = procedures)]
pub struct NewProcedure {
    pub code: String,
    pub name: String,
    pub search_text: String,
    pub field: String,
    pub description: String,
    pub legal_basis: String,
    pub lead_agency_id: i64,
    pub interagency: bool,
    pub electronic_eligible: bool,
    pub processing_days: i32,
    pub documents: String,
    pub status: String,
    pub version: i32,
    pub supersedes_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changes to a procedure; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = procedures)]
pub struct ProcedureChangeset {
    pub code: Option<String>,
    pub name: Option<String>,
    pub search_text: Option<String>,
    pub field: Option<String>,
    pub description: Option<String>,
    pub legal_basis: Option<String>,
    pub lead_agency_id: Option<i64>,
    pub interagency: Option<bool>,
    pub electronic_eligible: Option<bool>,
    pub processing_days: Option<i32>,
    pub documents: Option<String>,
    pub status: Option<String>,
    pub version: Option<i32>,
    pub published_at: Option<Option<NaiveDateTime>>,
    pub retired_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// One step of a stored process.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = procedure_steps)]
pub struct StepRow {
    pub procedure_id: i64,
    pub seq: i32,
    pub agency_id: i64,
    pub action: String,
    pub days: i32,
}

/// What a procedure list may be narrowed to.
#[derive(Debug, Default)]
pub struct ProcedureFilter {
    /// Only these statuses (anonymous callers see `published` only).
    pub statuses: Option<Vec<String>>,
    /// A `LIKE` pattern over `search_text` (already folded and escaped with `\`).
    pub search_pattern: Option<String>,
    /// Exact field (lĩnh vực).
    pub field: Option<String>,
    /// Led by this agency or with a step in it.
    pub agency_id: Option<i64>,
    /// Inter-agency or not.
    pub interagency: Option<bool>,
}

/// One page of procedures in id order, `limit + 1` rows at most.
pub fn list(
    conn: &mut DbConn,
    filter: &ProcedureFilter,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ProcedureRow>> {
    let mut q = procedures::table
        .select(ProcedureRow::as_select())
        .order(procedures::id.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(statuses) = &filter.statuses {
        q = q.filter(procedures::status.eq_any(statuses.clone()));
    }
    if let Some(pattern) = &filter.search_pattern {
        q = q.filter(procedures::search_text.like(pattern.clone()).escape('\\'));
    }
    if let Some(field) = &filter.field {
        q = q.filter(procedures::field.eq(field.clone()));
    }
    if let Some(agency) = filter.agency_id {
        let with_step = procedure_steps::table
            .filter(procedure_steps::agency_id.eq(agency))
            .select(procedure_steps::procedure_id);
        q = q.filter(
            procedures::lead_agency_id
                .eq(agency)
                .or(procedures::id.eq_any(with_step)),
        );
    }
    if let Some(interagency) = filter.interagency {
        q = q.filter(procedures::interagency.eq(interagency));
    }
    if let Some(after) = after {
        q = q.filter(procedures::id.gt(after));
    }
    q.load(conn)
}

/// One procedure.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<ProcedureRow>> {
    procedures::table
        .find(id)
        .select(ProcedureRow::as_select())
        .first(conn)
        .optional()
}

/// The steps of one procedure, in order.
pub fn steps(conn: &mut DbConn, procedure_id: i64) -> QueryResult<Vec<StepRow>> {
    procedure_steps::table
        .filter(procedure_steps::procedure_id.eq(procedure_id))
        .order(procedure_steps::seq.asc())
        .select(StepRow::as_select())
        .load(conn)
}

/// The steps of several procedures, in order, by procedure.
pub fn steps_of(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, Vec<StepRow>>> {
    let rows: Vec<StepRow> = procedure_steps::table
        .filter(procedure_steps::procedure_id.eq_any(ids))
        .order((
            procedure_steps::procedure_id.asc(),
            procedure_steps::seq.asc(),
        ))
        .select(StepRow::as_select())
        .load(conn)?;
    let mut by_procedure: HashMap<i64, Vec<StepRow>> = HashMap::new();
    for row in rows {
        by_procedure.entry(row.procedure_id).or_default().push(row);
    }
    Ok(by_procedure)
}

/// Inserts a procedure.
pub fn insert(conn: &mut DbConn, new: &NewProcedure) -> QueryResult<ProcedureRow> {
    diesel::insert_into(procedures::table)
        .values(new)
        .returning(procedures::all_columns)
        .get_result(conn)
}

/// Applies changes to a procedure.
pub fn update(
    conn: &mut DbConn,
    id: i64,
    changes: &ProcedureChangeset,
) -> QueryResult<ProcedureRow> {
    diesel::update(procedures::table.find(id))
        .set(changes)
        .returning(procedures::all_columns)
        .get_result(conn)
}

/// Replaces a procedure's steps with `steps`.
pub fn replace_steps(conn: &mut DbConn, procedure_id: i64, steps: &[StepRow]) -> QueryResult<()> {
    diesel::delete(procedure_steps::table.filter(procedure_steps::procedure_id.eq(procedure_id)))
        .execute(conn)?;
    // One statement per row: batch inserts are not available on the shared
    // SQLite/PostgreSQL connection type.
    for step in steps {
        diesel::insert_into(procedure_steps::table)
            .values(step)
            .execute(conn)?;
    }
    Ok(())
}

/// Procedures with this code (other than `except`), any status.
pub fn with_code(
    conn: &mut DbConn,
    code: &str,
    except: Option<i64>,
) -> QueryResult<Vec<ProcedureRow>> {
    let mut q = procedures::table
        .filter(procedures::code.eq(code))
        .select(ProcedureRow::as_select())
        .order(procedures::id.asc())
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(procedures::id.ne(id));
    }
    q.load(conn)
}

/// The open draft (other than `except`) that revises `superseded`, if any.
pub fn open_revision_of(
    conn: &mut DbConn,
    superseded: i64,
    except: Option<i64>,
) -> QueryResult<Option<i64>> {
    let mut q = procedures::table
        .filter(procedures::supersedes_id.eq(superseded))
        .filter(procedures::status.eq("draft"))
        .select(procedures::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(procedures::id.ne(id));
    }
    q.first(conn).optional()
}

/// The catalogue's raw counts (see `routes::catalog_stats` for definitions).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CatalogCounts {
    pub by_status: HashMap<String, i64>,
    pub published_complete_process: i64,
    pub published_interagency: i64,
    pub published_electronic_eligible: i64,
    pub published_interagency_electronic: i64,
}

/// Counts the catalogue in a handful of aggregate queries.
pub fn catalog_counts(conn: &mut DbConn) -> QueryResult<CatalogCounts> {
    let by_status: HashMap<String, i64> = procedures::table
        .group_by(procedures::status)
        .select((procedures::status, count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let published = || procedures::table.filter(procedures::status.eq("published"));
    let steps = || procedure_steps::table.filter(procedure_steps::procedure_id.eq(procedures::id));
    let published_complete_process = published()
        .filter(exists(steps()))
        .filter(not(exists(
            steps().filter(
                procedure_steps::days
                    .lt(1)
                    .or(procedure_steps::action.eq("")),
            ),
        )))
        .count()
        .get_result(conn)?;
    let published_interagency = published()
        .filter(procedures::interagency.eq(true))
        .count()
        .get_result(conn)?;
    let published_electronic_eligible = published()
        .filter(procedures::electronic_eligible.eq(true))
        .count()
        .get_result(conn)?;
    let published_interagency_electronic = published()
        .filter(procedures::interagency.eq(true))
        .filter(procedures::electronic_eligible.eq(true))
        .count()
        .get_result(conn)?;
    Ok(CatalogCounts {
        by_status,
        published_complete_process,
        published_interagency,
        published_electronic_eligible,
        published_interagency_electronic,
    })
}
