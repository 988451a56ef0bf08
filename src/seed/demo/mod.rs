//! The demo province of Bình Dương: the Party agencies and their tree, the
//! procedure catalogue, two years of holidays, one user of each role, and a
//! year and a half of dossiers made through the workflow (the API's own
//! write path), so that every figure the API serves tells a story: paper
//! routing falls month by month; some districts miss the 80 % target in
//! 2025, others are well ahead.
//!
//! The story is drawn from a seeded random generator: the same options give
//! the same province (only lookup keys, which are secret, differ).

mod catalogue;
mod province;
mod replay;
mod report;
mod route;
mod showcase;
mod story;
mod texts;
mod users;

pub use users::{DemoUser, OFFICER_PASSWORD, USERS};

use crate::auth::Principal;
use crate::clock::now;
use crate::config::Settings;
use crate::db::{agencies, Database};
use crate::domain::calendar::Calendar;
use crate::error::ApiError;
use chrono::{NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::collections::HashMap;
use std::time::Instant;

/// How much story to seed.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// First day dossiers arrive.
    pub start: NaiveDate,
    /// The seed's "now": no move happens after it (default: the clock).
    pub until: Option<NaiveDateTime>,
    /// Dossiers received per working day, on average.
    pub dossiers_per_day: f64,
    /// The random generator's seed.
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            start: NaiveDate::from_ymd_opt(2025, 6, 2).unwrap_or_default(),
            until: None,
            dossiers_per_day: 6.0,
            seed: 2023,
        }
    }
}

/// Seeds the demo province into a database without agencies, with the
/// default options; a database that has agencies is left alone.
pub fn run(db: &Database, settings: &Settings) -> Result<String, String> {
    run_with(db, settings, &DemoOptions::default())
}

/// Seeds the demo province with `options`; returns what to tell the operator.
pub fn run_with(
    db: &Database,
    settings: &Settings,
    options: &DemoOptions,
) -> Result<String, String> {
    let clock = Instant::now();
    let has_agencies = {
        let mut conn = db.conn().map_err(|e| e.to_string())?;
        !agencies::list(&mut conn, false, None, 1)
            .map_err(|e| e.to_string())?
            .is_empty()
    };
    if has_agencies {
        return Ok(
            "The database already has agencies: the demo province was not seeded \
                   (it fills an empty database only)."
                .into(),
        );
    }
    let tz = settings.tz;
    let until = options.until.unwrap_or_else(now);
    let sources = province::sources()?;
    let fail =
        |what: &'static str| move |e: ApiError| format!("{what}: {} ({e:?})", e.problem().detail);

    let (agency_ids, rows, people) = db
        .write(|conn| -> Result<_, ApiError> {
            let ids = province::create_agencies(conn, &sources.agencies, tz)?;
            province::create_holidays(conn, &sources.holidays)?;
            let by_code: HashMap<String, i64> = sources
                .agencies
                .iter()
                .zip(&ids)
                .map(|(a, id)| (a.code.clone(), *id))
                .collect();
            let rows = catalogue::create_catalogue(conn, &sources.procedures, &by_code, tz)?;
            let people = users::create_users(conn, &sources.agencies, &by_code)?;
            Ok((ids, rows, people))
        })
        .map_err(fail("creating the province"))?;
    let by_code: HashMap<String, i64> = sources
        .agencies
        .iter()
        .zip(&agency_ids)
        .map(|(a, id)| (a.code.clone(), *id))
        .collect();

    let (windows, revisions) = catalogue::life(&sources.procedures, &rows, tz, until);

    let calendar = Calendar::new(sources.holidays.iter().map(|h| h.date));
    let index = |code: &str| sources.agencies.iter().position(|a| a.code == code);
    let world = story::World {
        agencies: &sources.agencies,
        procedures: &sources.procedures,
        windows,
        calendar,
        tz,
        integration_agency: index("TU-TDM").unwrap_or(0),
        integration_from: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
    };
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut plans = Vec::new();
    let mut day = options.start;
    let last = world.local(until).date();
    while day <= last {
        if world.calendar.is_working_day(day) {
            plans.extend(world.day(&mut rng, day, options.dossiers_per_day, until));
        }
        day += chrono::Duration::days(1);
    }
    plans.extend(showcase::plans(&world, &mut rng, until));

    let tree = users::Tree::new(&sources.agencies, &by_code);
    let movers: Vec<Principal> = sources
        .agencies
        .iter()
        .map(|a| people.mover(&a.code, &tree))
        .collect::<Result<_, _>>()?;
    let integration = people.principal("integration.tdm", &tree)?;
    let codes: Vec<String> = sources.procedures.iter().map(|p| p.code.clone()).collect();
    let mut interludes: Vec<replay::Interlude<'_>> = Vec::new();
    for (at, spec, old) in revisions {
        let spec = &sources.procedures[spec];
        let by_code = &by_code;
        interludes.push((
            at,
            Box::new(move |conn| catalogue::revise(conn, spec, by_code, &old, at).map(|_| ())),
        ));
    }
    let replayed = replay::Replay {
        tz,
        plans: &plans,
        codes: &codes,
        agency_ids: &agency_ids,
        movers: &movers,
        integration: &integration,
        interludes,
    }
    .run(db)?;

    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let report = report::report(
        &mut conn,
        &sources,
        replayed.moves,
        clock.elapsed().as_secs_f64(),
    )
    .map_err(|e| e.to_string())?;
    Ok(report)
}
