//! `lienthong seed --synthetic N`: dossiers at scale for benchmarks.
//!
//! Each dossier lives through the rules of SPEC §4 (see [`life`]), and its
//! rows — the dossier, transfers, history, audit chain entries, feed events,
//! visibility and compliance counters, exactly as the write path writes them
//! — are loaded with multi-row INSERTs, a few thousand dossiers per
//! transaction, so a million dossiers load in minutes.

mod life;
mod province;
mod sink;

use crate::config::Settings;
use crate::db::schema::{
    chain_head, dossier_history, dossier_sequences, dossiers, holidays, transfers,
};
use crate::db::{Database, Engine};
use crate::domain::calendar::Calendar;
use crate::error::ApiError;
use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::dsl::max;
use diesel::prelude::*;
use life::World;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sink::Sink;
use std::time::Instant;

/// What to generate.
#[derive(Clone, Debug)]
pub struct SyntheticOptions {
    /// Dossiers to create.
    pub dossiers: u64,
    /// First year of reception.
    pub from_year: i32,
    /// Last year of reception (receptions stop at the present).
    pub to_year: i32,
    /// Random seed.
    pub seed: u64,
}

/// What a run did.
#[derive(Clone, Debug)]
pub struct SyntheticReport {
    pub dossiers: u64,
    pub rows: u64,
    pub seconds: f64,
}

const BATCH: u64 = 2_000;

fn year_start(year: i32, settings: &Settings) -> Result<NaiveDateTime, String> {
    let day = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| format!("invalid year {year}"))?;
    Ok(day.and_hms_opt(0, 0, 0).expect("midnight")
        - Duration::seconds(i64::from(settings.tz.local_minus_utc())))
}

/// Generates the dossiers; the report counts them, the rows written and the time taken.
pub fn generate(
    db: &Database,
    settings: &Settings,
    options: &SyntheticOptions,
) -> Result<SyntheticReport, String> {
    if options.to_year < options.from_year {
        return Err("--to must not be before --from".into());
    }
    let began = Instant::now();
    let now = crate::clock::now();
    let start = year_start(options.from_year, settings)?;
    let end = year_start(options.to_year + 1, settings)?.min(now);
    if start >= end {
        return Err("the period starts in the future".into());
    }
    let fail = |e: ApiError| e.describe();
    let province = db.write(province::prepare).map_err(fail)?;
    if province.desks.is_empty() || province.procedures.is_empty() {
        return Err("no active agency or published procedure to file under".into());
    }
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let load = |conn: &mut crate::db::DbConn| -> QueryResult<_> {
        let holidays: Vec<NaiveDate> = holidays::table.select(holidays::date).load(conn)?;
        let ids = (
            dossiers::table
                .select(max(dossiers::id))
                .first::<Option<i64>>(conn)?
                .unwrap_or(0),
            transfers::table
                .select(max(transfers::id))
                .first::<Option<i64>>(conn)?
                .unwrap_or(0),
            dossier_history::table
                .select(max(dossier_history::id))
                .first::<Option<i64>>(conn)?
                .unwrap_or(0),
        );
        let chain: (i64, String, i64) = chain_head::table
            .find(1)
            .select((
                chain_head::audit_seq,
                chain_head::audit_hash,
                chain_head::event_seq,
            ))
            .first(conn)?;
        let sequences: Vec<(i64, NaiveDate, i32)> = dossier_sequences::table
            .select((
                dossier_sequences::agency_id,
                dossier_sequences::day,
                dossier_sequences::last_seq,
            ))
            .load(conn)?;
        Ok((holidays, ids, chain, sequences))
    };
    let (holiday_dates, ids, chain, sequences) = load(&mut conn).map_err(|e| e.to_string())?;
    drop(conn);
    let mut rng = StdRng::seed_from_u64(options.seed);
    let habits = province
        .desks
        .iter()
        .map(|_| (rng.gen_range(0.2..0.7), rng.gen_range(0.7..0.97)))
        .collect();
    let world = World {
        province: &province,
        calendar: Calendar::new(holiday_dates),
        tz: settings.tz,
        start,
        end,
        now,
        habits,
    };
    let mut sink = Sink::new(
        ids,
        chain,
        sequences.into_iter().map(|(a, d, s)| ((a, d), s)).collect(),
    );
    let mut done = 0;
    while done < options.dossiers {
        let upto = (done + BATCH).min(options.dossiers);
        db.write(|conn| {
            for index in done..upto {
                life::simulate(&world, &mut sink, &mut rng, index, options.dossiers);
            }
            sink.flush(conn).map_err(ApiError::from)
        })
        .map_err(fail)?;
        done = upto;
        if done % 100_000 == 0 {
            eprintln!("  {done} dossiers ({:.0} s)", began.elapsed().as_secs_f64());
        }
    }
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    if db.engine() == Engine::Postgres {
        conn.batch_execute(
            "SELECT setval(pg_get_serial_sequence('dossiers', 'id'), (SELECT COALESCE(MAX(id), 1) FROM dossiers)); \
             SELECT setval(pg_get_serial_sequence('transfers', 'id'), (SELECT COALESCE(MAX(id), 1) FROM transfers)); \
             SELECT setval(pg_get_serial_sequence('dossier_history', 'id'), (SELECT COALESCE(MAX(id), 1) FROM dossier_history));",
        )
        .map_err(|e| e.to_string())?;
        // The counters were upserted batch after batch: clear their dead
        // rows and set the visibility map, as autovacuum would in time. On
        // its own, since VACUUM cannot run inside a transaction block.
        conn.batch_execute("VACUUM ANALYZE")
            .map_err(|e| e.to_string())?;
    } else {
        conn.batch_execute("ANALYZE").map_err(|e| e.to_string())?;
    }
    Ok(SyntheticReport {
        dossiers: options.dossiers,
        rows: sink.rows_written,
        seconds: began.elapsed().as_secs_f64(),
    })
}

/// The CLI entry: generates and describes what it did.
pub fn run(
    db: &Database,
    settings: &Settings,
    options: &SyntheticOptions,
) -> Result<String, String> {
    let report = generate(db, settings, options)?;
    Ok(format!(
        "seeded {} synthetic dossiers ({} rows) in {:.1} s ({:.0} dossiers/s), {}–{}, seed {}; as of {}",
        report.dossiers,
        report.rows,
        report.seconds,
        report.dossiers as f64 / report.seconds.max(0.001),
        options.from_year,
        options.to_year,
        options.seed,
        Utc::now().format("%Y-%m-%d"),
    ))
}
