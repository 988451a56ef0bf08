//! The compliance report (SPEC §5): scope, grouping, counters or a direct
//! count, targets, and ranking.

use crate::auth::Visibility;
use crate::db::schema::{agencies, procedures, targets};
use crate::db::stats::{self, AggRow, Grouping, Scope};
use crate::db::DbConn;
use crate::domain::compliance::{month_start, split_range, target_for, Counts, Figures};
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// How rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    None,
    Agency,
    Procedure,
    Channel,
    Month,
}

impl GroupBy {
    /// Parses a `group_by` value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "none" => GroupBy::None,
            "agency" => GroupBy::Agency,
            "procedure" => GroupBy::Procedure,
            "channel" => GroupBy::Channel,
            "month" => GroupBy::Month,
            _ => return None,
        })
    }

    /// The name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::None => "none",
            GroupBy::Agency => "agency",
            GroupBy::Procedure => "procedure",
            GroupBy::Channel => "channel",
            GroupBy::Month => "month",
        }
    }

    fn grouping(self) -> Grouping {
        match self {
            GroupBy::None => Grouping::None,
            GroupBy::Agency => Grouping::Agency,
            GroupBy::Procedure => Grouping::Procedure,
            GroupBy::Channel => Grouping::Channel,
            GroupBy::Month => Grouping::Day,
        }
    }
}

/// A row's key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    None,
    Agency(i64),
    Procedure(i64),
    Channel(String),
    Month(NaiveDate),
}

/// What a row's key names, for display.
#[derive(Clone, Debug, Default)]
pub struct KeyDetails {
    pub name: Option<String>,
    pub code: Option<String>,
    pub head_name: Option<String>,
    pub head_title: Option<String>,
}

/// One row of the report.
#[derive(Clone, Debug)]
pub struct Row {
    pub key: Key,
    pub details: KeyDetails,
    pub figures: Figures,
}

/// A request for the report, already validated.
#[derive(Clone, Debug)]
pub struct Request {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: NaiveDate,
    pub agency_id: Option<i64>,
    pub procedure_id: Option<i64>,
    pub group_by: GroupBy,
}

fn key_of(row: &AggRow, group_by: GroupBy) -> Key {
    match group_by {
        GroupBy::None => Key::None,
        GroupBy::Agency => Key::Agency(row.agency_id.unwrap_or_default()),
        GroupBy::Procedure => Key::Procedure(row.procedure_id.unwrap_or_default()),
        GroupBy::Channel => Key::Channel(row.channel.clone().unwrap_or_default()),
        GroupBy::Month => Key::Month(month_start(row.period.unwrap_or_default())),
    }
}

/// Computes the report's rows, in key order, for a caller with `visibility`.
pub fn report(conn: &mut DbConn, visibility: &Visibility, req: &Request) -> QueryResult<Vec<Row>> {
    let scope = Scope {
        from: req.from,
        to: req.to,
        as_of: req.as_of,
        agency_id: req.agency_id,
        procedure_id: req.procedure_id,
        visible: visibility.ids(),
    };
    let grouping = req.group_by.grouping();
    let raw = match visibility {
        Visibility::All => {
            let (months, days) = split_range(req.from, req.to);
            stats::from_counters(conn, &scope, grouping, months, &days)?
        }
        Visibility::Agencies(_) => stats::from_dossiers(conn, &scope, grouping)?,
    };
    let mut merged: BTreeMap<Key, Counts> = BTreeMap::new();
    for row in &raw {
        merged
            .entry(key_of(row, req.group_by))
            .or_default()
            .add(&row.counts());
    }
    if req.group_by == GroupBy::None && merged.is_empty() {
        merged.insert(Key::None, Counts::default());
    }
    // Only groups with dossiers in scope are rows; `none` always has its one row.
    merged.retain(|_, c| c.dossiers > 0 || req.group_by == GroupBy::None);
    let target_list: Vec<(i32, f64)> = targets::table
        .select((targets::year, targets::electronic_rate))
        .load(conn)?;
    let details = details(conn, &merged)?;
    Ok(merged
        .into_iter()
        .map(|(key, counts)| {
            let year = match &key {
                Key::Month(m) => m.year(),
                _ => req.to.year(),
            };
            Row {
                details: details.get(&key).cloned().unwrap_or_default(),
                figures: Figures::new(counts, target_for(&target_list, year)),
                key,
            }
        })
        .collect())
}

fn details(
    conn: &mut DbConn,
    rows: &BTreeMap<Key, Counts>,
) -> QueryResult<HashMap<Key, KeyDetails>> {
    let agency_ids: Vec<i64> = rows
        .keys()
        .filter_map(|k| {
            if let Key::Agency(a) = k {
                Some(*a)
            } else {
                None
            }
        })
        .collect();
    let procedure_ids: Vec<i64> = rows
        .keys()
        .filter_map(|k| {
            if let Key::Procedure(p) = k {
                Some(*p)
            } else {
                None
            }
        })
        .collect();
    let mut out = HashMap::new();
    if !agency_ids.is_empty() {
        type AgencyDetails = (i64, String, String, Option<String>, Option<String>);
        let found: Vec<AgencyDetails> = agencies::table
            .filter(agencies::id.eq_any(&agency_ids))
            .select((
                agencies::id,
                agencies::code,
                agencies::name,
                agencies::head_name,
                agencies::head_title,
            ))
            .load(conn)?;
        for (id, code, name, head_name, head_title) in found {
            out.insert(
                Key::Agency(id),
                KeyDetails {
                    name: Some(name),
                    code: Some(code),
                    head_name,
                    head_title,
                },
            );
        }
    }
    if !procedure_ids.is_empty() {
        let found: Vec<(i64, String, String)> = procedures::table
            .filter(procedures::id.eq_any(&procedure_ids))
            .select((procedures::id, procedures::code, procedures::name))
            .load(conn)?;
        for (id, code, name) in found {
            out.insert(
                Key::Procedure(id),
                KeyDetails {
                    name: Some(name),
                    code: Some(code),
                    ..Default::default()
                },
            );
        }
    }
    Ok(out)
}

/// What rows can be ranked by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderBy {
    ElectronicRate,
    OnTimeRate,
    OverdueOpen,
    Dossiers,
}

impl OrderBy {
    /// Parses an `order_by` value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "electronic_rate" => OrderBy::ElectronicRate,
            "on_time_rate" => OrderBy::OnTimeRate,
            "overdue_open" => OrderBy::OverdueOpen,
            "dossiers" => OrderBy::Dossiers,
            _ => return None,
        })
    }

    fn value(self, f: &Figures) -> Option<f64> {
        match self {
            OrderBy::ElectronicRate => f.electronic_rate,
            OrderBy::OnTimeRate => f.on_time_rate,
            OrderBy::OverdueOpen => Some(f.counts.overdue_open as f64),
            OrderBy::Dossiers => Some(f.counts.dossiers as f64),
        }
    }
}

/// Ranks rows by a figure (ties keep key order; rows without a value last).
pub fn rank(rows: &mut [Row], by: OrderBy, descending: bool) {
    rows.sort_by(|a, b| {
        match (by.value(&a.figures), by.value(&b.figures)) {
            (Some(x), Some(y)) => {
                let ord = x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal);
                if descending {
                    ord.reverse()
                } else {
                    ord
                }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.key.cmp(&b.key))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: i64, electronic: i64, interagency: i64) -> Row {
        Row {
            key: Key::Agency(key),
            details: KeyDetails::default(),
            figures: Figures::new(
                Counts {
                    dossiers: interagency.max(1),
                    interagency_dossiers: interagency,
                    electronic_dossiers: electronic,
                    ..Default::default()
                },
                None,
            ),
        }
    }

    #[test]
    fn ranking_puts_missing_values_last_and_breaks_ties_by_key() {
        let mut rows = vec![row(1, 1, 2), row(2, 0, 0), row(3, 3, 4), row(4, 1, 2)];
        rank(&mut rows, OrderBy::ElectronicRate, true);
        let keys: Vec<Key> = rows.iter().map(|r| r.key.clone()).collect();
        assert_eq!(
            keys,
            [
                Key::Agency(3),
                Key::Agency(1),
                Key::Agency(4),
                Key::Agency(2)
            ]
        );
        rank(&mut rows, OrderBy::ElectronicRate, false);
        let keys: Vec<Key> = rows.iter().map(|r| r.key.clone()).collect();
        assert_eq!(
            keys,
            [
                Key::Agency(1),
                Key::Agency(4),
                Key::Agency(3),
                Key::Agency(2)
            ]
        );
    }
}
