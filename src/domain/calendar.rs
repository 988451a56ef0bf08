//! The working-day calendar (SPEC §4): Monday to Friday, except holidays.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeSet;

/// Working days and the arithmetic of due dates.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// A calendar with these public holidays.
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self {
            holidays: holidays.into_iter().collect(),
        }
    }

    /// Monday–Friday and not a holiday.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// `add_working_days(d, n)`: for `n ≥ 1`, the smallest `e > d` with
    /// exactly `n` working days in `(d, e]`; `d` itself for `n = 0`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().expect("date within chrono's range");
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The number of working days in `(from, to]` (0 when `to ≤ from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day.succ_opt().expect("date within chrono's range");
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }

    /// How far ahead holidays must be known to add `n` working days from a
    /// date: generous enough for any run of holidays (Tết is about a week).
    pub fn horizon_days(n: u32) -> i64 {
        i64::from(n) * 2 + 60
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Tết 2025 (29 Jan was the first day of the year): 25 Jan – 2 Feb, with
    /// the working days among them declared holidays.
    fn tet_2025() -> Calendar {
        Calendar::new(
            [
                "2025-01-27",
                "2025-01-28",
                "2025-01-29",
                "2025-01-30",
                "2025-01-31",
            ]
            .map(d),
        )
    }

    #[test]
    fn add_working_days_follows_the_definition() {
        let plain = Calendar::default();
        let cases = [
            ("zero days is the same day", "2025-05-26", 0, "2025-05-26"),
            ("Monday + 1", "2025-05-26", 1, "2025-05-27"),
            (
                "Friday + 1 skips the weekend",
                "2025-05-30",
                1,
                "2025-06-02",
            ),
            ("Saturday + 1 is Monday", "2025-05-31", 1, "2025-06-02"),
            ("Sunday + 5 is Friday", "2025-06-01", 5, "2025-06-06"),
            ("Monday + 5 is next Monday", "2025-05-26", 5, "2025-06-02"),
            (
                "30 working days is six weeks",
                "2025-05-26",
                30,
                "2025-07-07",
            ),
        ];
        for (description, from, n, expected) in cases {
            assert_eq!(
                plain.add_working_days(d(from), n),
                d(expected),
                "{description}"
            );
        }
    }

    #[test]
    fn holidays_are_skipped() {
        // 30 April and 1 May 2025 (Thursday and Friday).
        let cal = Calendar::new([d("2025-04-30"), d("2025-05-01")]);
        assert_eq!(cal.add_working_days(d("2025-04-29"), 1), d("2025-05-02"));
        assert_eq!(cal.add_working_days(d("2025-04-28"), 3), d("2025-05-05"));
        // Filing on a holiday: the holiday itself is never counted.
        assert_eq!(cal.add_working_days(d("2025-04-30"), 1), d("2025-05-02"));
        assert!(!cal.is_working_day(d("2025-05-01")));
        assert!(cal.is_working_day(d("2025-05-02")));
    }

    #[test]
    fn a_pause_across_tet_extends_by_working_days_only() {
        let cal = tet_2025();
        // Supplement requested Friday 24 Jan, resumed Monday 3 Feb:
        // (24 Jan, 3 Feb] holds only one working day, 3 Feb.
        assert_eq!(
            cal.working_days_between(d("2025-01-24"), d("2025-02-03")),
            1
        );
        // A due date of 5 Feb then moves by one working day.
        assert_eq!(cal.add_working_days(d("2025-02-05"), 1), d("2025-02-06"));
        // Filing before Tết with 1 day lands after it.
        assert_eq!(cal.add_working_days(d("2025-01-24"), 1), d("2025-02-03"));
    }

    #[test]
    fn working_days_between_is_half_open() {
        let cal = Calendar::default();
        assert_eq!(
            cal.working_days_between(d("2025-05-26"), d("2025-05-26")),
            0
        );
        assert_eq!(
            cal.working_days_between(d("2025-05-26"), d("2025-05-27")),
            1
        );
        assert_eq!(
            cal.working_days_between(d("2025-05-30"), d("2025-06-02")),
            1
        );
        assert_eq!(
            cal.working_days_between(d("2025-05-27"), d("2025-05-26")),
            0
        );
    }

    #[test]
    fn adding_then_counting_round_trips() {
        let cal = tet_2025();
        let start = d("2025-01-01");
        for n in [1, 2, 5, 17, 30] {
            let end = cal.add_working_days(start, n);
            assert_eq!(cal.working_days_between(start, end), n);
            assert!(cal.is_working_day(end));
        }
    }
}
