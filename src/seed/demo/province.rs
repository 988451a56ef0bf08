//! The demo's fixed part: agencies, holidays and the procedure catalogue,
//! read from `province.json` and `catalogue.json`, and written through the
//! same database functions, audit entries and feed events as the API's
//! handlers.

use crate::audit::{self, Actor};
use crate::db::agencies::{self, NewAgency};
use crate::db::holidays::{self, HolidayRow};
use crate::db::DbConn;
use crate::domain::agency::AgencyLevel;
use crate::domain::dossier::ApplicantKind;
use crate::domain::procedure::ProcedureDocument;
use crate::error::ApiError;
use crate::routes::agencies::AgencyResponse;
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// A Party agency of the demo, with the knobs of its story.
#[derive(Clone, Debug, Deserialize)]
pub struct AgencySpec {
    pub code: String,
    /// Suffix of its officer's username (`officer.<short>`).
    pub short: String,
    pub name: String,
    /// The parent's code.
    pub parent: Option<String>,
    pub level: AgencyLevel,
    pub head_name: String,
    pub head_title: String,
    /// Relative number of dossiers received here.
    pub receives: u32,
    /// Chance, in mid-2025, that a transfer sent from here goes on paper.
    pub paper: f64,
    /// Chance, in mid-2025, that a dossier handled here runs late.
    pub slow: f64,
}

/// A public holiday.
#[derive(Clone, Debug, Deserialize)]
pub struct HolidaySpec {
    pub date: NaiveDate,
    pub name: String,
}

#[derive(Deserialize)]
struct ProvinceFile {
    agencies: Vec<AgencySpec>,
    holidays: Vec<HolidaySpec>,
}

/// One step of a catalogued process, naming its agency by code.
#[derive(Clone, Debug, Deserialize)]
pub struct StepSpec {
    pub agency: String,
    pub days: i32,
    pub action: String,
}

/// A catalogued procedure, with the knobs of its story.
#[derive(Clone, Debug, Deserialize)]
pub struct ProcedureSpec {
    pub code: String,
    pub name: String,
    pub field: String,
    pub description: String,
    pub legal_basis: String,
    pub lead: String,
    pub processing_days: i32,
    pub interagency: bool,
    pub electronic_eligible: bool,
    pub steps: Vec<StepSpec>,
    pub documents: Vec<ProcedureDocument>,
    /// Relative numbers of dossiers by receiving agency code, or `local`
    /// for every city/district committee, the bloc committee and the
    /// grassroots organisations.
    pub receivers: BTreeMap<String, u32>,
    pub applicant: ApplicantKind,
    /// The dossier title; `{name}`, `{badge}` are filled in.
    pub title: String,
    /// The completion note of an approval; `{n}` is a document number.
    pub approved_note: String,
    /// The completion note of a refusal; none means never refused.
    pub rejected_note: Option<String>,
    /// Left as a draft.
    #[serde(default)]
    pub draft: bool,
    /// A new version of the procedure with this code, published on `revised_on`.
    pub revises: Option<String>,
    pub revised_on: Option<NaiveDate>,
}

/// The demo's data files, parsed.
pub struct Sources {
    pub agencies: Vec<AgencySpec>,
    pub holidays: Vec<HolidaySpec>,
    pub procedures: Vec<ProcedureSpec>,
}

/// Reads the embedded data files.
pub fn sources() -> Result<Sources, String> {
    let province: ProvinceFile = serde_json::from_str(include_str!("province.json"))
        .map_err(|e| format!("province.json: {e}"))?;
    let procedures: Vec<ProcedureSpec> = serde_json::from_str(include_str!("catalogue.json"))
        .map_err(|e| format!("catalogue.json: {e}"))?;
    Ok(Sources {
        agencies: province.agencies,
        holidays: province.holidays,
        procedures,
    })
}

/// The seed's own name in the audit log for what an admin would have done.
pub fn seed_actor() -> Actor {
    Actor {
        username: Some("demo-seed".into()),
        ..Default::default()
    }
}

/// A local date and time in the agencies' zone, as a stored UTC instant.
pub fn at_local(date: NaiveDate, hour: u32, minute: u32, tz: FixedOffset) -> NaiveDateTime {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
    date.and_time(time) - chrono::Duration::seconds(i64::from(tz.local_minus_utc()))
}

/// Creates the agencies in file order (parents first) and returns their ids.
pub fn create_agencies(
    conn: &mut DbConn,
    specs: &[AgencySpec],
    tz: FixedOffset,
) -> Result<Vec<i64>, ApiError> {
    let at = at_local(
        NaiveDate::from_ymd_opt(2023, 10, 2).unwrap_or_default(),
        8,
        0,
        tz,
    );
    let mut ids: HashMap<&str, i64> = HashMap::new();
    let mut out = Vec::with_capacity(specs.len());
    for spec in specs {
        let parent_id = match &spec.parent {
            Some(code) => Some(*ids.get(code.as_str()).ok_or_else(|| {
                ApiError::internal(format!("{}: parent {code} comes later", spec.code))
            })?),
            None => None,
        };
        let row = agencies::insert(
            conn,
            &NewAgency {
                code: spec.code.clone(),
                name: spec.name.clone(),
                parent_id,
                level: spec.level.as_str().into(),
                head_name: Some(spec.head_name.clone()),
                head_title: Some(spec.head_title.clone()),
                active: true,
                created_at: at,
                updated_at: at,
            },
        )?;
        let body = AgencyResponse::from(row);
        audit::record(
            conn,
            &seed_actor(),
            "agency.created",
            "agency",
            Some(body.id),
            json!({ "after": &body }),
        )?;
        ids.insert(&spec.code, body.id);
        out.push(body.id);
    }
    Ok(out)
}

/// Writes the holidays, as `PUT /holidays/{date}` would.
pub fn create_holidays(conn: &mut DbConn, specs: &[HolidaySpec]) -> Result<(), ApiError> {
    for h in specs {
        let row = HolidayRow {
            date: h.date,
            name: h.name.clone(),
        };
        if holidays::put(conn, &row)?.is_none() {
            audit::record(
                conn,
                &seed_actor(),
                "holiday.created",
                "holiday",
                None,
                json!({"after": {"date": h.date, "name": h.name}}),
            )?;
        }
    }
    Ok(())
}
