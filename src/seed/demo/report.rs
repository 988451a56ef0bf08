//! What the seed tells the operator: what it made, and how to log in.

use super::province::Sources;
use super::users::{OFFICER_PASSWORD, USERS};
use crate::db::schema::{dossiers, transfers, users};
use crate::db::DbConn;
use diesel::dsl::count_star;
use diesel::prelude::*;
use std::fmt::Write as _;

/// What was seeded, and how to log in.
pub fn report(
    conn: &mut DbConn,
    sources: &Sources,
    moves: usize,
    seconds: f64,
) -> QueryResult<String> {
    let by_status: Vec<(String, i64)> = dossiers::table
        .group_by(dossiers::status)
        .select((dossiers::status, count_star()))
        .order(dossiers::status.asc())
        .load(conn)?;
    let by_method: Vec<(String, i64)> = transfers::table
        .group_by(transfers::method)
        .select((transfers::method, count_star()))
        .order(transfers::method.asc())
        .load(conn)?;
    let user_count: i64 = users::table.count().get_result(conn)?;
    let total: i64 = by_status.iter().map(|(_, n)| n).sum();
    let list = |rows: &[(String, i64)]| {
        rows.iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Demo province of Bình Dương seeded in {seconds:.1} s: {} agencies, {} procedures, {} holidays, {user_count} users,",
        sources.agencies.len(),
        sources.procedures.len(),
        sources.holidays.len(),
    );
    let _ = writeln!(
        out,
        "{total} dossiers ({}) with {moves} moves and {} transfers ({}).",
        list(&by_status),
        by_method.iter().map(|(_, n)| n).sum::<i64>(),
        list(&by_method),
    );
    let _ = writeln!(
        out,
        "\nDemo users (POST /api/v1/auth/token, or Swagger UI → Authorize):"
    );
    let _ = writeln!(
        out,
        "  {:<13} {:<17} {:<23} agency",
        "role", "username", "password"
    );
    for u in USERS {
        let _ = writeln!(
            out,
            "  {:<13} {:<17} {:<23} {}",
            u.role.as_str(),
            u.username,
            u.password,
            u.agency.unwrap_or("—")
        );
    }
    let others: Vec<String> = sources
        .agencies
        .iter()
        .filter(|a| !matches!(a.code.as_str(), "TU-BD" | "BTC-TU" | "TU-TDM"))
        .map(|a| format!("officer.{}", a.short))
        .collect();
    let _ = writeln!(
        out,
        "  and one officer at every other agency, password {OFFICER_PASSWORD}: {}",
        others.join(", ")
    );
    let _ = write!(
        out,
        "(An `admin` that already existed keeps its own password.)"
    );
    Ok(out)
}
