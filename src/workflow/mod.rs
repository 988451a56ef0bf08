//! The single write path for dossiers, transfers and the catalogue's lifecycle: each operation runs in
//! one transaction that checks access and the rules, changes the rows, and
//! appends the history, audit entry and feed events together.

pub mod access;
pub mod catalogue;
pub mod filing;
pub mod moves;
pub mod payloads;
pub mod transfers;

use crate::db::{holidays, DbConn};
use crate::domain::calendar::Calendar;
use chrono::{Duration, FixedOffset, NaiveDate, NaiveDateTime};

/// The local date (in the agencies' time zone) of a UTC instant.
pub fn local_date(at: NaiveDateTime, tz: FixedOffset) -> NaiveDate {
    (at + Duration::seconds(i64::from(tz.local_minus_utc()))).date()
}

/// The calendar with the holidays from `from` to far enough past `until` to
/// add `days` more working days.
pub fn calendar(
    conn: &mut DbConn,
    from: NaiveDate,
    until: NaiveDate,
    days: u32,
) -> diesel::QueryResult<Calendar> {
    let to = until.max(from) + Duration::days(Calendar::horizon_days(days));
    Ok(Calendar::new(holidays::between(conn, from, to)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_dates_follow_the_offset() {
        let at = NaiveDate::from_ymd_opt(2025, 5, 25)
            .unwrap()
            .and_hms_opt(18, 30, 0)
            .unwrap();
        let plus7 = FixedOffset::east_opt(7 * 3600).unwrap();
        assert_eq!(
            local_date(at, plus7),
            NaiveDate::from_ymd_opt(2025, 5, 26).unwrap()
        );
        let utc = FixedOffset::east_opt(0).unwrap();
        assert_eq!(
            local_date(at, utc),
            NaiveDate::from_ymd_opt(2025, 5, 25).unwrap()
        );
    }
}
