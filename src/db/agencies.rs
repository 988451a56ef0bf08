//! Agency rows and queries.

use super::schema::agencies;
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

/// A stored agency.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = agencies)]
pub struct AgencyRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub level: String,
    pub head_name: Option<String>,
    pub head_title: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new agency.
#[derive(Debug, Insertable)]
#[diesel(table_name = agencies)]
pub struct NewAgency {
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub level: String,
    pub head_name: Option<String>,
    pub head_title: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changes to an agency; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = agencies)]
pub struct AgencyChangeset {
    pub code: Option<String>,
    pub name: Option<String>,
    pub parent_id: Option<Option<i64>>,
    pub level: Option<String>,
    pub head_name: Option<Option<String>>,
    pub head_title: Option<Option<String>>,
    pub active: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

/// One page of agencies in id order, `limit + 1` rows at most.
pub fn list(
    conn: &mut DbConn,
    active_only: bool,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AgencyRow>> {
    let mut q = agencies::table
        .select(AgencyRow::as_select())
        .order(agencies::id.asc())
        .limit(limit + 1)
        .into_boxed();
    if active_only {
        q = q.filter(agencies::active.eq(true));
    }
    if let Some(after) = after {
        q = q.filter(agencies::id.gt(after));
    }
    q.load(conn)
}

/// One agency.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<AgencyRow>> {
    agencies::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()
}

/// Several agencies by id.
pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<AgencyRow>> {
    agencies::table
        .filter(agencies::id.eq_any(ids))
        .select(AgencyRow::as_select())
        .load(conn)
}

/// Whether an agency with this code exists (other than `except`).
pub fn code_taken(conn: &mut DbConn, code: &str, except: Option<i64>) -> QueryResult<bool> {
    let mut q = agencies::table
        .filter(agencies::code.eq(code))
        .select(agencies::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(agencies::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

/// Inserts an agency.
pub fn insert(conn: &mut DbConn, new: &NewAgency) -> QueryResult<AgencyRow> {
    diesel::insert_into(agencies::table)
        .values(new)
        .returning(agencies::all_columns)
        .get_result(conn)
}

/// Applies changes to an agency.
pub fn update(conn: &mut DbConn, id: i64, changes: &AgencyChangeset) -> QueryResult<AgencyRow> {
    diesel::update(agencies::table.find(id))
        .set(changes)
        .returning(agencies::all_columns)
        .get_result(conn)
}

/// Every agency's parent, for walking the tree.
pub fn parents(conn: &mut DbConn) -> QueryResult<HashMap<i64, Option<i64>>> {
    Ok(agencies::table
        .select((agencies::id, agencies::parent_id))
        .load::<(i64, Option<i64>)>(conn)?
        .into_iter()
        .collect())
}
