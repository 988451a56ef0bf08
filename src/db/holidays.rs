//! The working-day calendar's holidays.

use super::schema::holidays;
use super::DbConn;
use chrono::NaiveDate;
use diesel::prelude::*;

/// Holiday dates in `[from, to]`, ascending.
pub fn between(conn: &mut DbConn, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<NaiveDate>> {
    holidays::table
        .filter(holidays::date.ge(from))
        .filter(holidays::date.le(to))
        .order(holidays::date.asc())
        .select(holidays::date)
        .load(conn)
}

/// A stored holiday.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = holidays)]
pub struct HolidayRow {
    pub date: NaiveDate,
    pub name: String,
}

/// One page of holidays in date order (of one year when given), `limit + 1`
/// rows at most.
pub fn list(
    conn: &mut DbConn,
    year: Option<i32>,
    after: Option<NaiveDate>,
    limit: i64,
) -> QueryResult<Vec<HolidayRow>> {
    let mut q = holidays::table
        .select(HolidayRow::as_select())
        .order(holidays::date.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(year) = year {
        let first = NaiveDate::from_ymd_opt(year, 1, 1);
        let last = NaiveDate::from_ymd_opt(year, 12, 31);
        if let (Some(first), Some(last)) = (first, last) {
            q = q
                .filter(holidays::date.ge(first))
                .filter(holidays::date.le(last));
        }
    }
    if let Some(after) = after {
        q = q.filter(holidays::date.gt(after));
    }
    q.load(conn)
}

/// The holiday on one date.
pub fn find(conn: &mut DbConn, date: NaiveDate) -> QueryResult<Option<HolidayRow>> {
    holidays::table
        .find(date)
        .select(HolidayRow::as_select())
        .first(conn)
        .optional()
}

/// Sets a date's holiday: renames it when present, inserts it otherwise (no
/// upsert on the shared connection type; call it in a write transaction).
/// Returns the previous holiday, if any.
pub fn put(conn: &mut DbConn, holiday: &HolidayRow) -> QueryResult<Option<HolidayRow>> {
    let before = find(conn, holiday.date)?;
    if before.is_some() {
        diesel::update(holidays::table.find(holiday.date))
            .set(holidays::name.eq(&holiday.name))
            .execute(conn)?;
    } else {
        diesel::insert_into(holidays::table)
            .values(holiday)
            .execute(conn)?;
    }
    Ok(before)
}

/// Removes the holiday on one date; returns it, or `None` when there was none.
pub fn delete(conn: &mut DbConn, date: NaiveDate) -> QueryResult<Option<HolidayRow>> {
    let before = find(conn, date)?;
    if before.is_some() {
        diesel::delete(holidays::table.find(date)).execute(conn)?;
    }
    Ok(before)
}
