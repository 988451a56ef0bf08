//! The compliance figures of SPEC §5 and their formulas.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The counts of one group of dossiers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Dossiers in scope.
    pub dossiers: i64,
    /// Under an inter-agency, electronic-eligible procedure, with at least one transfer.
    pub interagency_dossiers: i64,
    /// Of those, every transfer electronic.
    pub electronic_dossiers: i64,
    /// Completed.
    pub completed: i64,
    /// Completed on or before the due date.
    pub completed_on_time: i64,
    /// Open and due before `as_of`.
    pub overdue_open: i64,
}

impl Counts {
    /// Adds another group's counts.
    pub fn add(&mut self, other: &Counts) {
        self.dossiers += other.dossiers;
        self.interagency_dossiers += other.interagency_dossiers;
        self.electronic_dossiers += other.electronic_dossiers;
        self.completed += other.completed;
        self.completed_on_time += other.completed_on_time;
        self.overdue_open += other.overdue_open;
    }
}

/// The derived figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figures {
    pub counts: Counts,
    /// `interagency_dossiers − electronic_dossiers`.
    pub paper_dossiers: i64,
    /// `electronic / interagency`; `None` when no inter-agency dossier.
    pub electronic_rate: Option<f64>,
    /// The target in force.
    pub target_rate: Option<f64>,
    /// `electronic_rate ≥ target_rate`; `None` when either is.
    pub meets_target: Option<bool>,
    /// `completed_on_time / completed`; `None` when none completed.
    pub on_time_rate: Option<f64>,
}

fn ratio(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

impl Figures {
    /// Derives the rates from counts and the target in force.
    pub fn new(counts: Counts, target_rate: Option<f64>) -> Self {
        let electronic_rate = ratio(counts.electronic_dossiers, counts.interagency_dossiers);
        Self {
            counts,
            paper_dossiers: counts.interagency_dossiers - counts.electronic_dossiers,
            electronic_rate,
            target_rate,
            meets_target: match (electronic_rate, target_rate) {
                (Some(rate), Some(target)) => Some(rate >= target),
                _ => None,
            },
            on_time_rate: ratio(counts.completed_on_time, counts.completed),
        }
    }
}

/// The target of the latest year ≤ `year` that has one (targets sorted or not).
pub fn target_for(targets: &[(i32, f64)], year: i32) -> Option<f64> {
    targets
        .iter()
        .filter(|(y, _)| *y <= year)
        .max_by_key(|(y, _)| *y)
        .map(|(_, rate)| *rate)
}

/// The first day of a date's month.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("day 1 exists")
}

/// The last day of a date's month.
pub fn month_end(day: NaiveDate) -> NaiveDate {
    let next = if day.month() == 12 {
        NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(day.year(), day.month() + 1, 1)
    };
    next.expect("valid month").pred_opt().expect("valid day")
}

/// An inclusive range of dates.
pub type DateRange = (NaiveDate, NaiveDate);

/// Splits `[from, to]` into the whole months inside it (first days, inclusive
/// bounds) and the loose days at either end.
pub fn split_range(from: NaiveDate, to: NaiveDate) -> (Option<DateRange>, Vec<DateRange>) {
    let first_full = if from == month_start(from) {
        from
    } else {
        month_end(from).succ_opt().expect("valid day")
    };
    let last_full_end = if to == month_end(to) {
        to
    } else {
        month_start(to).pred_opt().expect("valid day")
    };
    if first_full > last_full_end {
        return (None, vec![(from, to)]);
    }
    let mut loose = Vec::new();
    if from < first_full {
        loose.push((from, first_full.pred_opt().expect("valid day")));
    }
    if last_full_end < to {
        loose.push((last_full_end.succ_opt().expect("valid day"), to));
    }
    (Some((first_full, month_start(last_full_end))), loose)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn rates_follow_the_definitions_and_null_rules() {
        let counts = Counts {
            dossiers: 10,
            interagency_dossiers: 5,
            electronic_dossiers: 4,
            completed: 4,
            completed_on_time: 3,
            overdue_open: 1,
        };
        let f = Figures::new(counts, Some(0.8));
        assert_eq!(f.paper_dossiers, 1);
        assert_eq!(f.electronic_rate, Some(0.8));
        assert_eq!(f.meets_target, Some(true), "equal to the target meets it");
        assert_eq!(f.on_time_rate, Some(0.75));

        let empty = Figures::new(Counts::default(), Some(0.8));
        assert_eq!(empty.electronic_rate, None);
        assert_eq!(empty.on_time_rate, None);
        assert_eq!(empty.meets_target, None);
        let no_target = Figures::new(counts, None);
        assert_eq!(no_target.meets_target, None);
        let below = Figures::new(counts, Some(0.81));
        assert_eq!(below.meets_target, Some(false));
    }

    #[test]
    fn the_target_in_force_is_the_latest_year_not_after() {
        let targets = [(2025, 0.8), (2030, 1.0)];
        assert_eq!(target_for(&targets, 2024), None);
        assert_eq!(target_for(&targets, 2025), Some(0.8));
        assert_eq!(target_for(&targets, 2029), Some(0.8));
        assert_eq!(target_for(&targets, 2031), Some(1.0));
    }

    #[test]
    fn ranges_split_into_whole_months_and_loose_days() {
        assert_eq!(
            split_range(d("2025-01-01"), d("2025-12-31")),
            (Some((d("2025-01-01"), d("2025-12-01"))), vec![])
        );
        assert_eq!(
            split_range(d("2025-01-15"), d("2025-03-10")),
            (
                Some((d("2025-02-01"), d("2025-02-01"))),
                vec![
                    (d("2025-01-15"), d("2025-01-31")),
                    (d("2025-03-01"), d("2025-03-10"))
                ]
            )
        );
        assert_eq!(
            split_range(d("2025-01-15"), d("2025-02-10")),
            (None, vec![(d("2025-01-15"), d("2025-02-10"))])
        );
        assert_eq!(
            split_range(d("2024-02-01"), d("2024-02-29")),
            (Some((d("2024-02-01"), d("2024-02-01"))), vec![])
        );
        assert_eq!(
            split_range(d("2025-03-05"), d("2025-03-05")),
            (None, vec![(d("2025-03-05"), d("2025-03-05"))])
        );
    }
}
