//! The demo's procedure catalogue: written and published as the API's
//! handlers would (`POST /procedures`, `POST /procedures/{id}/publish`),
//! with their audit entries and feed events, and its life over the story —
//! which version takes dossiers when, and the revisions published on their day.

use super::province::{at_local, seed_actor, ProcedureSpec};
use crate::audit;
use crate::db::procedures::{self, NewProcedure, ProcedureRow, StepRow};
use crate::db::DbConn;
use crate::domain::procedure::{ProcedureDraft, ProcedureStatus, ProcedureStep};
use crate::error::ApiError;
use crate::routes::procedures::ProcedureResponse;
use crate::workflow::catalogue;
use chrono::{FixedOffset, NaiveDate, NaiveDateTime};
use serde_json::json;
use std::collections::HashMap;

/// When the catalogue and the agencies were written: the 2023 commitment
/// was to publish every process by the end of that year.
fn catalogue_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 12, 15).unwrap_or_default()
}

/// The draft a spec describes, with agency codes resolved.
fn draft_of(
    spec: &ProcedureSpec,
    agency: &HashMap<String, i64>,
) -> Result<ProcedureDraft, ApiError> {
    let id_of = |code: &str| {
        agency
            .get(code)
            .copied()
            .ok_or_else(|| ApiError::internal(format!("{}: unknown agency {code}", spec.code)))
    };
    let steps = spec
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(ProcedureStep {
                seq: i as i32 + 1,
                agency_id: id_of(&s.agency)?,
                action: s.action.clone(),
                days: s.days,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let draft = ProcedureDraft {
        code: spec.code.clone(),
        name: spec.name.clone(),
        field: spec.field.clone(),
        description: spec.description.clone(),
        legal_basis: spec.legal_basis.clone(),
        lead_agency_id: id_of(&spec.lead)?,
        interagency: spec.interagency,
        electronic_eligible: spec.electronic_eligible,
        processing_days: spec.processing_days,
        steps,
        documents: spec.documents.clone(),
    };
    draft.validate().map_err(ApiError::Validation)
}

/// Creates a procedure as a draft, as `POST /procedures` would: version 1,
/// or the next version of the published procedure it supersedes.
pub fn create_procedure(
    conn: &mut DbConn,
    spec: &ProcedureSpec,
    agency: &HashMap<String, i64>,
    supersedes: Option<&ProcedureRow>,
    at: NaiveDateTime,
) -> Result<ProcedureRow, ApiError> {
    let draft = draft_of(spec, agency)?;
    let row = procedures::insert(
        conn,
        &NewProcedure {
            code: draft.code.clone(),
            name: draft.name.clone(),
            search_text: draft.search_text(),
            field: draft.field.clone(),
            description: draft.description.clone(),
            legal_basis: draft.legal_basis.clone(),
            lead_agency_id: draft.lead_agency_id,
            interagency: draft.interagency,
            electronic_eligible: draft.electronic_eligible,
            processing_days: draft.processing_days,
            documents: serde_json::to_string(&draft.documents).map_err(ApiError::internal)?,
            status: ProcedureStatus::Draft.as_str().into(),
            version: supersedes.map_or(1, |old| old.version + 1),
            supersedes_id: supersedes.map(|old| old.id),
            created_at: at,
            updated_at: at,
        },
    )?;
    let steps: Vec<StepRow> = draft
        .steps
        .iter()
        .map(|s| StepRow {
            procedure_id: row.id,
            seq: s.seq,
            agency_id: s.agency_id,
            action: s.action.clone(),
            days: s.days,
        })
        .collect();
    procedures::replace_steps(conn, row.id, &steps)?;
    let body = ProcedureResponse::new(row.clone(), steps);
    audit::record(
        conn,
        &seed_actor(),
        "procedure.created",
        "procedure",
        Some(row.id),
        json!({ "after": &body }),
    )?;
    Ok(row)
}

/// Publishes a draft at `at`, retiring the version it supersedes first, as
/// `POST /procedures/{id}/publish` would (audit entries and feed events).
pub fn publish(
    conn: &mut DbConn,
    draft: &ProcedureRow,
    supersedes: Option<&ProcedureRow>,
    at: NaiveDateTime,
) -> Result<ProcedureRow, ApiError> {
    if let Some(old) = supersedes {
        catalogue::retire(conn, &seed_actor(), old.id, Some(draft.id), at)?;
    }
    catalogue::publish(conn, &seed_actor(), draft.id, at)
}

/// Creates the catalogue as it stood at the end of 2023: every procedure
/// published except drafts and revisions (which the story publishes on their
/// day). Returns the rows by spec index (`None` for revisions, created later).
pub fn create_catalogue(
    conn: &mut DbConn,
    specs: &[ProcedureSpec],
    agency: &HashMap<String, i64>,
    tz: FixedOffset,
) -> Result<Vec<Option<ProcedureRow>>, ApiError> {
    let written = at_local(
        NaiveDate::from_ymd_opt(2023, 11, 20).unwrap_or_default(),
        9,
        0,
        tz,
    );
    let published = at_local(catalogue_date(), 9, 0, tz);
    let mut rows = Vec::with_capacity(specs.len());
    for spec in specs {
        if spec.revises.is_some() {
            rows.push(None);
            continue;
        }
        let draft = create_procedure(conn, spec, agency, None, written)?;
        rows.push(Some(if spec.draft {
            draft
        } else {
            publish(conn, &draft, None, published)?
        }));
    }
    Ok(rows)
}

/// Writes and publishes a revision on its day: the draft is written a
/// month before, and publishing it retires the version it supersedes.
pub fn revise(
    conn: &mut DbConn,
    spec: &ProcedureSpec,
    agency: &HashMap<String, i64>,
    old: &ProcedureRow,
    at: NaiveDateTime,
) -> Result<ProcedureRow, ApiError> {
    let written = at - chrono::Duration::days(26);
    let draft = create_procedure(conn, spec, agency, Some(old), written)?;
    publish(conn, &draft, Some(old), at)
}

/// When a version may take dossiers: from its publication until the one
/// that supersedes it is published (if ever); `None` for a draft.
pub type Window = Option<(NaiveDateTime, Option<NaiveDateTime>)>;

/// A revision to publish on its day: the instant, its spec's index, and the
/// version it supersedes.
pub type Revision = (NaiveDateTime, usize, ProcedureRow);

/// Each spec's window, and the revisions due before `until` (those after
/// it have no window yet).
pub fn life(
    specs: &[ProcedureSpec],
    rows: &[Option<ProcedureRow>],
    tz: FixedOffset,
    until: NaiveDateTime,
) -> (Vec<Window>, Vec<Revision>) {
    let published = at_local(catalogue_date(), 9, 0, tz);
    let revised_at = |spec: &ProcedureSpec| {
        let at = at_local(spec.revised_on?, 7, 0, tz);
        (at <= until).then_some(at)
    };
    let mut windows = Vec::with_capacity(specs.len());
    let mut revisions = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        windows.push(match &spec.revises {
            _ if spec.draft => None,
            Some(code) => {
                let old = specs
                    .iter()
                    .position(|p| &p.code == code && p.revises.is_none())
                    .and_then(|o| rows[o].clone());
                match (revised_at(spec), old) {
                    (Some(at), Some(old)) => {
                        revisions.push((at, i, old));
                        Some((at, None))
                    }
                    _ => None,
                }
            }
            None => {
                let end = specs
                    .iter()
                    .filter(|p| p.revises.as_deref() == Some(spec.code.as_str()))
                    .find_map(revised_at);
                Some((published, end))
            }
        });
    }
    (windows, revisions)
}
