//! Yearly targets for the electronic routing rate (SPEC §5).

use super::schema::targets;
use super::DbConn;
use diesel::prelude::*;

/// A stored target.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = targets)]
pub struct TargetRow {
    pub year: i32,
    pub electronic_rate: f64,
}

/// One page of targets in year order, `limit + 1` rows at most.
pub fn list(conn: &mut DbConn, after: Option<i32>, limit: i64) -> QueryResult<Vec<TargetRow>> {
    let mut q = targets::table
        .select(TargetRow::as_select())
        .order(targets::year.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(targets::year.gt(after));
    }
    q.load(conn)
}

/// The target of one year.
pub fn find(conn: &mut DbConn, year: i32) -> QueryResult<Option<TargetRow>> {
    targets::table
        .find(year)
        .select(TargetRow::as_select())
        .first(conn)
        .optional()
}

/// Sets a year's target: updates it when present, inserts it otherwise (no
/// upsert on the shared connection type; call it in a write transaction).
/// Returns the previous target, if any.
pub fn put(conn: &mut DbConn, target: &TargetRow) -> QueryResult<Option<TargetRow>> {
    let before = find(conn, target.year)?;
    if before.is_some() {
        diesel::update(targets::table.find(target.year))
            .set(targets::electronic_rate.eq(target.electronic_rate))
            .execute(conn)?;
    } else {
        diesel::insert_into(targets::table)
            .values(target)
            .execute(conn)?;
    }
    Ok(before)
}
