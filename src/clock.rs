//! Time as the API shows it: UTC instants, stored without time zone.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// Now, in UTC, to the microsecond (what both engines store exactly).
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A stored UTC timestamp as an API instant.
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}
