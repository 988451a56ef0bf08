//! Multi-row INSERT statements written as SQL text, for loading generated
//! rows quickly on both engines (diesel's shared connection type has no
//! batch insert). Every value goes through a literal function below.

use crate::db::DbConn;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::QueryResult;

/// A text literal (quotes doubled).
pub fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A nullable text literal.
pub fn opt_text(value: Option<&str>) -> String {
    value.map(text).unwrap_or_else(|| "NULL".into())
}

/// A nullable integer literal.
pub fn opt_int(value: Option<i64>) -> String {
    value
        .map(|v| v.to_string())
        .unwrap_or_else(|| "NULL".into())
}

/// A boolean literal (both engines read TRUE and FALSE).
pub fn boolean(value: bool) -> &'static str {
    if value {
        "TRUE"
    } else {
        "FALSE"
    }
}

/// A timestamp literal in the format diesel itself writes.
pub fn timestamp(value: NaiveDateTime) -> String {
    format!("'{}'", value.format("%F %T%.f"))
}

/// A nullable timestamp literal.
pub fn opt_timestamp(value: Option<NaiveDateTime>) -> String {
    value.map(timestamp).unwrap_or_else(|| "NULL".into())
}

/// A date literal.
pub fn date(value: NaiveDate) -> String {
    format!("'{value}'")
}

/// A nullable date literal.
pub fn opt_date(value: Option<NaiveDate>) -> String {
    value.map(date).unwrap_or_else(|| "NULL".into())
}

/// Rows waiting to be inserted into one table.
pub struct Table {
    head: String,
    tail: &'static str,
    rows: Vec<String>,
}

/// Rows per statement.
const ROWS_PER_STATEMENT: usize = 500;

impl Table {
    /// A table with its column list; `tail` is appended to each statement
    /// (e.g. an `ON CONFLICT` clause).
    pub fn new(name: &str, columns: &[&str], tail: &'static str) -> Self {
        Self {
            head: format!("INSERT INTO {name} ({}) VALUES ", columns.join(", ")),
            tail,
            rows: Vec::new(),
        }
    }

    /// Queues one row of literals.
    pub fn push(&mut self, values: &[String]) {
        self.rows.push(format!("({})", values.join(", ")));
    }

    /// Rows queued.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Inserts the queued rows.
    pub fn flush(&mut self, conn: &mut DbConn) -> QueryResult<()> {
        for chunk in self.rows.chunks(ROWS_PER_STATEMENT) {
            let sql = format!("{}{}{};", self.head, chunk.join(", "), self.tail);
            conn.batch_execute(&sql)?;
        }
        self.rows.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_quoted_and_escaped() {
        assert_eq!(text("Ban Tổ chức 'Tỉnh ủy'"), "'Ban Tổ chức ''Tỉnh ủy'''");
        assert_eq!(opt_text(None), "NULL");
        assert_eq!(boolean(true), "TRUE");
        let at = NaiveDate::from_ymd_opt(2025, 5, 26)
            .unwrap()
            .and_hms_micro_opt(1, 2, 3, 450000)
            .unwrap();
        assert_eq!(timestamp(at), "'2025-05-26 01:02:03.450'");
        assert_eq!(date(at.date()), "'2025-05-26'");
    }
}
