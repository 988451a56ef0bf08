//! Compliance counters and the queries over them (SPEC §5).
//!
//! The counters are kept per local reception day (`stats_daily`) and month
//! (`stats_monthly`), per received agency, procedure and channel, in the
//! same transaction as the change that moves them. `overdue_open` depends on
//! the `as_of` date, so it is counted from the open dossiers directly,
//! through a partial index that holds only open dossiers.

use super::dossiers::DossierRow;
use super::schema::{stats_daily, stats_monthly};
use super::DbConn;
use crate::domain::compliance::{month_start, Counts, DateRange};
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text};

/// The counter cell of a dossier.
#[derive(Clone, Debug)]
pub struct Cell {
    pub day: NaiveDate,
    pub agency_id: i64,
    pub procedure_id: i64,
    pub channel: String,
}

impl Cell {
    /// The cell a dossier counts in.
    pub fn of(row: &DossierRow) -> Self {
        Self {
            day: row.received_date,
            agency_id: row.received_agency_id,
            procedure_id: row.procedure_id,
            channel: row.channel.clone(),
        }
    }
}

/// A change to the counters of one cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delta {
    pub dossiers: i64,
    pub interagency: i64,
    pub electronic: i64,
    pub completed: i64,
    pub on_time: i64,
}

macro_rules! bump_table {
    ($conn:expr, $table:ident, $period_col:ident, $period:expr, $cell:expr, $d:expr) => {{
        let changed = diesel::update(
            $table::table
                .filter($table::$period_col.eq($period))
                .filter($table::agency_id.eq($cell.agency_id))
                .filter($table::procedure_id.eq($cell.procedure_id))
                .filter($table::channel.eq(&$cell.channel)),
        )
        .set((
            $table::dossiers.eq($table::dossiers + $d.dossiers),
            $table::interagency.eq($table::interagency + $d.interagency),
            $table::electronic.eq($table::electronic + $d.electronic),
            $table::completed.eq($table::completed + $d.completed),
            $table::on_time.eq($table::on_time + $d.on_time),
        ))
        .execute($conn)?;
        if changed == 0 {
            diesel::insert_into($table::table)
                .values((
                    $table::$period_col.eq($period),
                    $table::agency_id.eq($cell.agency_id),
                    $table::procedure_id.eq($cell.procedure_id),
                    $table::channel.eq(&$cell.channel),
                    $table::dossiers.eq($d.dossiers),
                    $table::interagency.eq($d.interagency),
                    $table::electronic.eq($d.electronic),
                    $table::completed.eq($d.completed),
                    $table::on_time.eq($d.on_time),
                ))
                .execute($conn)?;
        }
    }};
}

/// Applies a change to a cell's daily and monthly counters. Callers hold
/// the write lock, so update-or-insert cannot race.
pub fn bump(conn: &mut DbConn, cell: &Cell, delta: Delta) -> QueryResult<()> {
    if delta == Delta::default() {
        return Ok(());
    }
    bump_table!(conn, stats_daily, day, cell.day, cell, delta);
    bump_table!(
        conn,
        stats_monthly,
        month,
        month_start(cell.day),
        cell,
        delta
    );
    Ok(())
}

/// What a result row is grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    None,
    Agency,
    Procedure,
    Channel,
    /// By reception day (the caller folds days into months).
    Day,
}

/// One aggregated row.
#[derive(Debug, Clone, QueryableByName)]
pub struct AggRow {
    #[diesel(sql_type = Nullable<BigInt>)]
    pub agency_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub procedure_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub channel: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub period: Option<NaiveDate>,
    #[diesel(sql_type = BigInt)]
    pub dossiers: i64,
    #[diesel(sql_type = BigInt)]
    pub interagency: i64,
    #[diesel(sql_type = BigInt)]
    pub electronic: i64,
    #[diesel(sql_type = BigInt)]
    pub completed: i64,
    #[diesel(sql_type = BigInt)]
    pub on_time: i64,
    #[diesel(sql_type = BigInt)]
    pub overdue: i64,
}

impl AggRow {
    /// The counts of the row.
    pub fn counts(&self) -> Counts {
        Counts {
            dossiers: self.dossiers,
            interagency_dossiers: self.interagency,
            electronic_dossiers: self.electronic,
            completed: self.completed,
            completed_on_time: self.on_time,
            overdue_open: self.overdue,
        }
    }
}

/// The scope of a query. Every value is typed (dates, ids), so it can be
/// written into the SQL text without quoting issues.
#[derive(Clone, Debug)]
pub struct Scope {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: NaiveDate,
    pub agency_id: Option<i64>,
    pub procedure_id: Option<i64>,
    /// Only dossiers seen by one of these agencies (`None`: all).
    pub visible: Option<Vec<i64>>,
}

const OPEN: &str = "('received', 'processing', 'in_transfer', 'supplement_requested')";

/// The column names of one source table.
struct Columns {
    agency: &'static str,
    procedure: &'static str,
    channel: &'static str,
    period: &'static str,
}

const MONTHLY: Columns = Columns {
    agency: "agency_id",
    procedure: "procedure_id",
    channel: "channel",
    period: "month",
};
const DAILY: Columns = Columns {
    agency: "agency_id",
    procedure: "procedure_id",
    channel: "channel",
    period: "day",
};
const DOSSIERS: Columns = Columns {
    agency: "d.received_agency_id",
    procedure: "d.procedure_id",
    channel: "d.channel",
    period: "d.received_date",
};

/// The key columns of the SELECT (every key present, unused ones NULL) and
/// the GROUP BY clause.
fn keys(grouping: Grouping, c: &Columns) -> (String, String) {
    let key = match grouping {
        Grouping::None => None,
        Grouping::Agency => Some(c.agency),
        Grouping::Procedure => Some(c.procedure),
        Grouping::Channel => Some(c.channel),
        Grouping::Day => Some(c.period),
    };
    let column = |used: bool, col: &str, name: &str, kind: &str| {
        if used {
            format!("{col} AS {name}, ")
        } else {
            format!("CAST(NULL AS {kind}) AS {name}, ")
        }
    };
    let select = [
        column(
            grouping == Grouping::Agency,
            c.agency,
            "agency_id",
            "BIGINT",
        ),
        column(
            grouping == Grouping::Procedure,
            c.procedure,
            "procedure_id",
            "BIGINT",
        ),
        column(grouping == Grouping::Channel, c.channel, "channel", "TEXT"),
        column(grouping == Grouping::Day, c.period, "period", "DATE"),
    ]
    .concat();
    (
        select,
        key.map(|k| format!(" GROUP BY {k}")).unwrap_or_default(),
    )
}

/// The agency and procedure narrowing of a scope.
fn narrowing(scope: &Scope, c: &Columns) -> String {
    let mut sql = String::new();
    if let Some(a) = scope.agency_id {
        sql.push_str(&format!(" AND {} = {a}", c.agency));
    }
    if let Some(p) = scope.procedure_id {
        sql.push_str(&format!(" AND {} = {p}", c.procedure));
    }
    sql
}

const COUNTER_SUMS: &str =
    "CAST(COALESCE(SUM(dossiers), 0) AS BIGINT) AS dossiers, CAST(COALESCE(SUM(interagency), 0) AS BIGINT) AS interagency, \
     CAST(COALESCE(SUM(electronic), 0) AS BIGINT) AS electronic, CAST(COALESCE(SUM(completed), 0) AS BIGINT) AS completed, \
     CAST(COALESCE(SUM(on_time), 0) AS BIGINT) AS on_time, CAST(0 AS BIGINT) AS overdue";

/// Counts from the counters, for a caller who sees every agency: whole
/// `months` (first days, inclusive) from the monthly table, loose `days`
/// from the daily one, and open overdue dossiers from the open-dossier index.
pub fn from_counters(
    conn: &mut DbConn,
    scope: &Scope,
    grouping: Grouping,
    months: Option<DateRange>,
    days: &[DateRange],
) -> QueryResult<Vec<AggRow>> {
    let mut rows = Vec::new();
    if let Some((first, last)) = months {
        let (select, group) = keys(grouping, &MONTHLY);
        let sql = format!(
            "SELECT {select}{COUNTER_SUMS} FROM stats_monthly WHERE month >= '{first}' AND month <= '{last}'{}{group}",
            narrowing(scope, &MONTHLY)
        );
        rows.extend(diesel::sql_query(sql).load::<AggRow>(conn)?);
    }
    for (from, to) in days {
        let (select, group) = keys(grouping, &DAILY);
        let sql = format!(
            "SELECT {select}{COUNTER_SUMS} FROM stats_daily WHERE day >= '{from}' AND day <= '{to}'{}{group}",
            narrowing(scope, &DAILY)
        );
        rows.extend(diesel::sql_query(sql).load::<AggRow>(conn)?);
    }
    let (select, group) = keys(grouping, &DOSSIERS);
    let sql = format!(
        "SELECT {select}CAST(0 AS BIGINT) AS dossiers, CAST(0 AS BIGINT) AS interagency, \
         CAST(0 AS BIGINT) AS electronic, CAST(0 AS BIGINT) AS completed, CAST(0 AS BIGINT) AS on_time, \
         CAST(COUNT(*) AS BIGINT) AS overdue FROM dossiers d \
         WHERE d.status IN {OPEN} AND d.received_date >= '{}' AND d.received_date <= '{}' AND d.due_date < '{}'{}{group}",
        scope.from,
        scope.to,
        scope.as_of,
        narrowing(scope, &DOSSIERS)
    );
    rows.extend(diesel::sql_query(sql).load::<AggRow>(conn)?);
    Ok(rows)
}

/// Counts straight from the dossiers, for a caller who sees some agencies.
pub fn from_dossiers(
    conn: &mut DbConn,
    scope: &Scope,
    grouping: Grouping,
) -> QueryResult<Vec<AggRow>> {
    let (select, group) = keys(grouping, &DOSSIERS);
    let visible = match &scope.visible {
        None => String::new(),
        Some(ids) if ids.is_empty() => " AND 1 = 0".to_string(),
        Some(ids) => format!(
            " AND d.id IN (SELECT dossier_id FROM dossier_agencies WHERE agency_id IN ({}))",
            ids.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let sql = format!(
        "SELECT {select}\
         CAST(COUNT(*) AS BIGINT) AS dossiers, \
         CAST(COALESCE(SUM(CASE WHEN d.eligible = TRUE AND d.transfer_count > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS interagency, \
         CAST(COALESCE(SUM(CASE WHEN d.eligible = TRUE AND d.transfer_count > 0 AND d.paper_transfer_count = 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS electronic, \
         CAST(COALESCE(SUM(CASE WHEN d.status = 'completed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS completed, \
         CAST(COALESCE(SUM(CASE WHEN d.status = 'completed' AND d.completed_date <= d.due_date THEN 1 ELSE 0 END), 0) AS BIGINT) AS on_time, \
         CAST(COALESCE(SUM(CASE WHEN d.status IN {OPEN} AND d.due_date < '{}' THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue \
         FROM dossiers d WHERE d.received_date >= '{}' AND d.received_date <= '{}'{}{visible}{group}",
        scope.as_of,
        scope.from,
        scope.to,
        narrowing(scope, &DOSSIERS)
    );
    diesel::sql_query(sql).load::<AggRow>(conn)
}

/// Whether a dossier counts as electronic: filed under an eligible
/// procedure, transferred at least once, never on paper.
pub fn is_electronic(eligible: bool, transfers: i32, paper: i32) -> bool {
    eligible && transfers > 0 && paper == 0
}

/// The counter change when a dossier gains a transfer.
pub fn transfer_delta(
    eligible: bool,
    transfers_before: i32,
    paper_before: i32,
    paper: bool,
) -> Delta {
    if !eligible {
        return Delta::default();
    }
    let paper_after = paper_before + i32::from(paper);
    Delta {
        interagency: i64::from(transfers_before == 0),
        electronic: i64::from(is_electronic(true, transfers_before + 1, paper_after))
            - i64::from(is_electronic(true, transfers_before, paper_before)),
        ..Default::default()
    }
}

/// The reference recount: every figure straight from the dossiers, their
/// procedures and their transfers, using neither the counters nor the
/// per-dossier transfer tallies. Tests and operators compare it with the
/// report.
pub fn recount(conn: &mut DbConn, scope: &Scope, grouping: Grouping) -> QueryResult<Vec<AggRow>> {
    let (select, group) = keys(grouping, &DOSSIERS);
    let visible = match &scope.visible {
        None => String::new(),
        Some(ids) if ids.is_empty() => " AND 1 = 0".to_string(),
        Some(ids) => {
            let list = ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                " AND (d.received_agency_id IN ({list}) OR d.current_agency_id IN ({list}) OR EXISTS \
                 (SELECT 1 FROM transfers v WHERE v.dossier_id = d.id AND (v.from_agency_id IN ({list}) OR v.to_agency_id IN ({list}))))"
            )
        }
    };
    let routed = "p.interagency = TRUE AND p.electronic_eligible = TRUE \
                  AND EXISTS (SELECT 1 FROM transfers t WHERE t.dossier_id = d.id)";
    let sql = format!(
        "SELECT {select}\
         CAST(COUNT(*) AS BIGINT) AS dossiers, \
         CAST(COALESCE(SUM(CASE WHEN {routed} THEN 1 ELSE 0 END), 0) AS BIGINT) AS interagency, \
         CAST(COALESCE(SUM(CASE WHEN {routed} AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.dossier_id = d.id AND t.method <> 'electronic') THEN 1 ELSE 0 END), 0) AS BIGINT) AS electronic, \
         CAST(COALESCE(SUM(CASE WHEN d.status = 'completed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS completed, \
         CAST(COALESCE(SUM(CASE WHEN d.status = 'completed' AND d.completed_date <= d.due_date THEN 1 ELSE 0 END), 0) AS BIGINT) AS on_time, \
         CAST(COALESCE(SUM(CASE WHEN d.status IN {OPEN} AND d.due_date < '{}' THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue \
         FROM dossiers d JOIN procedures p ON p.id = d.procedure_id \
         WHERE d.received_date >= '{}' AND d.received_date <= '{}'{}{visible}{group}",
        scope.as_of,
        scope.from,
        scope.to,
        narrowing(scope, &DOSSIERS)
    );
    diesel::sql_query(sql).load::<AggRow>(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfers_move_the_interagency_and_electronic_counters() {
        let first_electronic = transfer_delta(true, 0, 0, false);
        assert_eq!(
            (first_electronic.interagency, first_electronic.electronic),
            (1, 1)
        );
        let first_paper = transfer_delta(true, 0, 0, true);
        assert_eq!((first_paper.interagency, first_paper.electronic), (1, 0));
        let paper_after_electronic = transfer_delta(true, 2, 0, true);
        assert_eq!(
            (
                paper_after_electronic.interagency,
                paper_after_electronic.electronic
            ),
            (0, -1)
        );
        let electronic_after_paper = transfer_delta(true, 1, 1, false);
        assert_eq!(electronic_after_paper, Delta::default());
        assert_eq!(transfer_delta(false, 0, 0, false), Delta::default());
    }
}
